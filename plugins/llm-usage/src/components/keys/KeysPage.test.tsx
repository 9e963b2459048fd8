import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ApiKey,
  llmUsageKeyDeletePermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { SWRConfig } from 'swr';
import { llmUsageApiRef } from '../../api';
import { mockLlmUsageApi, overview } from '../../__testUtils__/fixtures';
import { KeysPage } from './KeysPage';
import { KEY_FILTERS_STORAGE_KEY } from './useKeyFilters';
import { account, apiKey, keyListFrom } from './testData';

function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location">{location.search}</div>;
}

function currentParams() {
  return new URLSearchParams(screen.getByTestId('location').textContent ?? '');
}

const keys: ApiKey[] = [
  apiKey('k1', { name: 'Chatbot prod', expiryState: 'expiring' }),
  apiKey('k2', {
    name: 'Search staging',
    expiryState: 'expiring',
    capabilities: { setEnabledAtProvider: false, deleteAtProvider: false },
  }),
  apiKey('k3', { name: 'Batch jobs', ownerRef: null }),
];

function setup(
  options: {
    route?: string;
    keys?: ApiKey[];
    authorize?: (permissionName: string) => AuthorizeResult;
  } = {},
) {
  const api = mockLlmUsageApi({
    listKeys: keyListFrom(options.keys ?? keys),
    listTags: jest.fn(async () => ({
      items: [
        {
          id: 't1',
          name: 'prod',
          color: '#d32f2f',
          keyCount: 1,
          activeKeyCount: 1,
          monthCost: [],
          createdAt: '2025-01-01T00:00:00.000Z',
        },
      ],
    })),
    listAccounts: jest.fn(async () => ({
      items: [
        account('openai-main', {
          balances: [
            {
              accountId: 'openai-main',
              currency: 'USD',
              available: '10.10',
              total: null,
              used: null,
              readAt: '2025-01-30T00:00:00.000Z',
            },
          ],
        }),
        account('ark', {
          provider: 'volcengine',
          name: 'Volcengine Ark',
          manualKeyRegistration: true,
          currency: 'CNY',
          billingUrl: 'https://console.volcengine.com/finance/fund/recharge',
          balances: [
            {
              accountId: 'ark',
              currency: 'CNY',
              available: '88.5',
              total: null,
              used: null,
              readAt: '2025-01-30T00:00:00.000Z',
            },
          ],
        }),
      ],
    })),
    getOverview: jest.fn(async () =>
      overview({ costs: [{ currency: 'USD', amount: '42' }] }),
    ),
    registerKey: jest.fn(async request => apiKey('new', request)),
    batchKeys: jest.fn(async request => ({
      results: request.keyIds.map((keyId: string) =>
        keyId === 'k2'
          ? {
              keyId,
              ok: request.action !== 'disable',
              localOnly: request.action === 'disable' ? undefined : true,
              error:
                request.action === 'disable'
                  ? 'openai cannot disable this key'
                  : undefined,
            }
          : { keyId, ok: true },
      ),
      succeeded: 0,
      failed: 0,
    })),
  });
  const authorize = options.authorize ?? (() => AuthorizeResult.ALLOW);
  const permissionApi = mockApis.permission({
    authorize: request => authorize(request.permission.name) as any,
  });
  renderInTestApp(
    <TestApiProvider
      apis={[
        [llmUsageApiRef, api],
        [permissionApiRef, permissionApi],
        [catalogApiRef, catalogApiMock({ entities: [] })],
      ]}
    >
      {/* usePermission caches answers; each test starts without them. */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <KeysPage />
        <LocationProbe />
      </SWRConfig>
    </TestApiProvider>,
    {
      initialRouteEntries: [options.route ?? '/keys'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return api;
}

describe('KeysPage', () => {
  beforeEach(() => window.localStorage.clear());

  it('shows the summary with balances per currency and the manual-registration note', async () => {
    setup();
    expect(await screen.findByText('Chatbot prod')).toBeInTheDocument();
    const summary = screen.getByTestId('key-summary');
    expect(within(summary).getByText('Balance (USD)')).toBeInTheDocument();
    expect(within(summary).getByText('$10.10')).toBeInTheDocument();
    expect(within(summary).getByText('CN¥88.50')).toBeInTheDocument();
    // A narrow card may cut an amount short; hovering shows it whole.
    expect(within(summary).getByTitle('CN¥88.50')).toBeInTheDocument();
    // One account with a balance in USD and one in CNY: singular captions.
    expect(within(summary).getAllByText('1 account')).toHaveLength(2);
    expect(within(summary).queryByText('1 accounts')).not.toBeInTheDocument();
    expect(screen.getByTestId('manual-registration-note')).toHaveTextContent(
      'Volcengine Ark',
    );
    // The key without an owner is flagged.
    expect(
      within(screen.getByTestId('key-row-k3')).getByTestId('orphan-flag'),
    ).toBeInTheDocument();
    // The provider by its name, not its id.
    expect(screen.getByTestId('key-row-k3')).toHaveTextContent('OpenAI');
    expect(screen.getByTestId('key-row-k3')).not.toHaveTextContent('openai');
    // The CNY card links the top-up page of the account that holds it.
    expect(
      within(summary).getByRole('link', { name: 'Volcengine Ark' }),
    ).toHaveAttribute(
      'href',
      'https://console.volcengine.com/finance/fund/recharge',
    );
  });

  it('reads filters and sort from the URL and sends them to the API', async () => {
    const api = setup({
      route:
        '/keys?status=active,bogus&expiry=expiring&tag=t1&orphaned=true&sort=expiresAt&order=desc&q=chat',
    });
    await screen.findByTestId('keys-table');
    expect(api.listKeys).toHaveBeenCalledWith(
      expect.objectContaining({
        q: 'chat',
        status: ['active'],
        expiry: ['expiring'],
        tag: ['t1'],
        orphaned: true,
        sort: 'expiresAt',
        order: 'desc',
        offset: 0,
        limit: 25,
      }),
      expect.anything(),
    );
    // Invalid values are dropped from what is remembered.
    expect(
      new URLSearchParams(
        window.localStorage.getItem(KEY_FILTERS_STORAGE_KEY) ?? '',
      ).get('status'),
    ).toBe('active');
  });

  it('writes a changed filter to the URL and clears all filters', async () => {
    const api = setup({ route: '/keys?expiry=expiring' });
    await screen.findByTestId('keys-table');
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Orphaned keys only' }),
    );
    await waitFor(() => expect(currentParams().get('orphaned')).toBe('true'));
    expect(currentParams().get('expiry')).toBe('expiring');
    await waitFor(() =>
      expect(api.listKeys).toHaveBeenLastCalledWith(
        expect.objectContaining({ orphaned: true, expiry: ['expiring'] }),
        expect.anything(),
      ),
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await waitFor(() => expect(currentParams().get('expiry')).toBeNull());
    expect(currentParams().get('orphaned')).toBeNull();
    expect(window.localStorage.getItem(KEY_FILTERS_STORAGE_KEY)).toBe('');
  });

  it('restores the remembered filters when the URL has none', async () => {
    window.localStorage.setItem(
      KEY_FILTERS_STORAGE_KEY,
      'expiry=expiring&sort=name&order=desc',
    );
    const api = setup();
    await waitFor(() => expect(currentParams().get('expiry')).toBe('expiring'));
    expect(currentParams().get('order')).toBe('desc');
    await waitFor(() =>
      expect(api.listKeys).toHaveBeenLastCalledWith(
        expect.objectContaining({ expiry: ['expiring'], order: 'desc' }),
        expect.anything(),
      ),
    );
  });

  it('round-trips the month usage range through the URL and localStorage', async () => {
    const api = setup({
      route: '/keys?minMonthCost=2.5&maxMonthTokens=1000&minMonthTokens=lots',
    });
    await screen.findByTestId('keys-table');
    expect(api.listKeys).toHaveBeenCalledWith(
      expect.objectContaining({
        minMonthCost: '2.5',
        maxMonthTokens: 1000,
        minMonthTokens: undefined,
        maxMonthCost: undefined,
      }),
      expect.anything(),
    );
    expect(screen.getByTestId('filter-minMonthCost')).toHaveValue(2.5);
    expect(screen.getByTestId('filter-maxMonthTokens')).toHaveValue(1000);
    // The invalid bound is neither shown nor remembered.
    expect(screen.getByTestId('filter-minMonthTokens')).toHaveValue(null);

    fireEvent.change(screen.getByTestId('filter-maxMonthCost'), {
      target: { value: '40.75' },
    });
    await waitFor(() =>
      expect(currentParams().get('maxMonthCost')).toBe('40.75'),
    );
    expect(currentParams().get('minMonthCost')).toBe('2.5');
    await waitFor(() =>
      expect(api.listKeys).toHaveBeenCalledWith(
        expect.objectContaining({
          minMonthCost: '2.5',
          maxMonthCost: '40.75',
          maxMonthTokens: 1000,
        }),
        expect.anything(),
      ),
    );
    const stored = new URLSearchParams(
      window.localStorage.getItem(KEY_FILTERS_STORAGE_KEY) ?? '',
    );
    expect(Object.fromEntries(stored)).toEqual({
      minMonthCost: '2.5',
      maxMonthCost: '40.75',
      maxMonthTokens: '1000',
    });

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await waitFor(() => expect(currentParams().get('maxMonthCost')).toBeNull());
    expect(currentParams().get('maxMonthTokens')).toBeNull();
  });

  it('selects keys, runs a batch action and reports per key', async () => {
    const api = setup();
    await screen.findByText('Chatbot prod');
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select Chatbot prod' }),
    );
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select Search staging' }),
    );
    expect(screen.getByTestId('batch-bar')).toHaveTextContent('2 selected');

    const disable = within(screen.getByTestId('batch-bar')).getByRole(
      'button',
      { name: 'Disable' },
    );
    await waitFor(() => expect(disable).toBeEnabled());
    fireEvent.click(disable);

    await waitFor(() =>
      expect(api.batchKeys).toHaveBeenCalledWith({
        action: 'disable',
        keyIds: ['k1', 'k2'],
      }),
    );
    const report = await screen.findByTestId('batch-report');
    expect(screen.getByTestId('batch-summary')).toHaveTextContent(
      '1 succeeded, 1 failed',
    );
    const failedRow = within(report).getByTestId('report-row-k2');
    expect(failedRow).toHaveTextContent('Search staging');
    expect(failedRow).toHaveTextContent('Failed');
    expect(failedRow).toHaveTextContent('openai cannot disable this key');
    expect(within(report).getByTestId('report-row-k1')).toHaveTextContent(
      'Done',
    );
  });

  it('deletes the selected page after a confirmation listing every key', async () => {
    const api = setup();
    await screen.findByText('Chatbot prod');
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select all keys on this page' }),
    );
    expect(screen.getByTestId('batch-bar')).toHaveTextContent('3 selected');

    fireEvent.click(
      await within(screen.getByTestId('batch-bar')).findByRole('button', {
        name: 'Delete',
      }),
    );
    const list = await screen.findByTestId('delete-list');
    expect(within(list).getAllByRole('row')).toHaveLength(4);
    expect(
      within(list).getByText('Search staging').closest('tr'),
    ).toHaveTextContent('Here only');
    expect(api.batchKeys).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Delete 3 keys' }));
    await waitFor(() =>
      expect(api.batchKeys).toHaveBeenCalledWith({
        action: 'delete',
        keyIds: ['k1', 'k2', 'k3'],
      }),
    );
    const report = await screen.findByTestId('batch-report');
    expect(within(report).getByTestId('report-row-k2')).toHaveTextContent(
      'Done here only',
    );
  });

  it('acts on every matching key, beyond the page shown', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      apiKey(`m${String(i).padStart(2, '0')}`),
    );
    const api = setup({ keys: many });
    await screen.findByText('Key m00');
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select all keys on this page' }),
    );
    const bar = screen.getByTestId('batch-bar');
    expect(bar).toHaveTextContent('25 selected');
    fireEvent.click(
      within(bar).getByRole('button', { name: 'Select all 30 matching keys' }),
    );
    expect(bar).toHaveTextContent('All 30 matching keys selected');
    fireEvent.click(within(bar).getByRole('button', { name: 'Enable' }));
    await waitFor(() => expect(api.batchKeys).toHaveBeenCalledTimes(1));
    expect(api.batchKeys.mock.calls[0][0].keyIds).toEqual(many.map(k => k.id));
    expect(await screen.findByTestId('batch-summary')).toHaveTextContent(
      '30 succeeded, 0 failed',
    );
    // Thirty rows of the full table in jsdom: slow on a loaded 2-core machine.
  }, 120_000);

  it('hides delete and disables the other batch actions without permission', async () => {
    setup({
      authorize: () => AuthorizeResult.DENY,
    });
    await screen.findByText('Chatbot prod');
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select Chatbot prod' }),
    );
    const bar = screen.getByTestId('batch-bar');
    await waitFor(() =>
      expect(
        within(bar).getByRole('button', { name: 'Disable' }),
      ).toBeDisabled(),
    );
    expect(within(bar).queryByRole('button', { name: 'Delete' })).toBeNull();
    // Exporting needs only read access.
    expect(
      within(bar).getByRole('button', { name: 'Export selection' }),
    ).toBeEnabled();
  });

  it('allows delete only when some selected key may be deleted', async () => {
    setup({
      authorize: name =>
        name === llmUsageKeyDeletePermission.name
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    });
    await screen.findByText('Chatbot prod');
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select Chatbot prod' }),
    );
    const bar = screen.getByTestId('batch-bar');
    expect(
      await within(bar).findByRole('button', { name: 'Delete' }),
    ).toBeEnabled();
    expect(within(bar).getByRole('button', { name: 'Enable' })).toBeDisabled();
  });

  it('registers a Volcengine key by hand, the manual account first', async () => {
    const api = setup();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Register key' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Account')).toHaveTextContent(
      'Volcengine Ark',
    );
    await userEvent.type(within(dialog).getByLabelText('Name'), 'Ark prod');
    await userEvent.type(
      within(dialog).getByLabelText('Secret (optional)'),
      'ark-secret-value',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Register' }));
    await waitFor(() =>
      expect(api.registerKey).toHaveBeenCalledWith({
        accountId: 'ark',
        name: 'Ark prod',
        secret: 'ark-secret-value',
        ownerRef: null,
        componentRef: null,
        expiresAt: null,
      }),
    );
  });
});
