import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ProviderInfo } from '@llm-usage/backstage-plugin-llm-usage-common';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { llmUsageApiRef } from '../../api';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { account } from '../keys/testData';
import { SettingsPage } from './SettingsPage';

const openai: ProviderInfo = {
  id: 'openai',
  displayName: 'OpenAI',
  capabilities: ['keys.list'],
  currency: 'USD',
  credentialFields: [
    { name: 'adminKey', label: 'Admin key', secret: true, required: true },
  ],
  billingUrl: null,
  manualKeyRegistration: false,
};
const volcengine: ProviderInfo = {
  id: 'volcengine',
  displayName: 'Volcengine Ark',
  capabilities: ['balance'],
  currency: 'CNY',
  credentialFields: [
    {
      name: 'accessKeyId',
      label: 'Access key id',
      secret: false,
      required: true,
    },
    {
      name: 'secretAccessKey',
      label: 'Secret access key',
      secret: true,
      required: true,
    },
  ],
  billingUrl: null,
  manualKeyRegistration: true,
};

function setup(
  options: {
    route?: string;
    authorize?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  } = {},
) {
  const api = mockLlmUsageApi({
    listAccounts: jest.fn(async () => ({
      items: [
        account('openai-main', {
          name: 'OpenAI main',
          credentialsSet: ['adminKey'],
          billingUrl:
            'https://platform.openai.com/settings/organization/billing/overview',
        }),
        account('from-config', {
          name: 'From config',
          source: 'config',
          status: 'error',
          lastError: '401 Unauthorized',
        }),
      ],
    })),
    listProviders: jest.fn(async () => ({ items: [openai, volcengine] })),
    createAccount: jest.fn(async request => account('new', request)),
    updateAccount: jest.fn(async (id: string) => account(id)),
    syncAccount: jest.fn(async () => ({
      runs: [
        {
          id: 'r1',
          accountId: 'openai-main',
          scope: 'all',
          trigger: 'manual',
          startedAt: '2025-01-30T00:00:00.000Z',
          finishedAt: '2025-01-30T00:00:02.000Z',
          status: 'succeeded',
          items: 12,
          error: null,
        },
      ],
    })),
    testAccount: jest.fn(async () => ({ ok: false, error: 'invalid key' })),
    listSyncRuns: jest.fn(async () => ({
      items: [
        {
          id: 'r0',
          accountId: 'openai-main',
          scope: 'usage',
          trigger: 'schedule',
          startedAt: '2025-01-29T00:00:00.000Z',
          finishedAt: '2025-01-29T00:00:05.000Z',
          status: 'failed',
          items: 0,
          error: '429 Too Many Requests',
        },
      ],
    })),
    listTags: jest.fn(async () => ({
      items: [
        {
          id: 't1',
          name: 'prod',
          color: '#d32f2f',
          keyCount: 3,
          activeKeyCount: 2,
          monthCost: [{ currency: 'USD', amount: '12.5' }],
          createdAt: '2025-01-01T00:00:00.000Z',
        },
      ],
    })),
    createTag: jest.fn(async request => ({ id: 't2', ...request })),
    updateTag: jest.fn(async (id: string, patch) => ({ id, ...patch })),
    deleteTag: jest.fn(async () => undefined),
  });
  const authorize = options.authorize ?? AuthorizeResult.ALLOW;
  renderInTestApp(
    <TestApiProvider
      apis={[
        [llmUsageApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize })],
        [catalogApiRef, catalogApiMock({ entities: [] })],
      ]}
    >
      {/* usePermission caches answers; each test starts without them. */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <Routes>
          <Route path="/settings/*" element={<SettingsPage />} />
        </Routes>
      </SWRConfig>
    </TestApiProvider>,
    {
      initialRouteEntries: [options.route ?? '/settings/accounts'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return api;
}

describe('SettingsPage', () => {
  it('lists accounts, config ones read-only, with their last error', async () => {
    setup();
    const row = await screen.findByTestId('account-row-from-config');
    expect(row).toHaveTextContent('401 Unauthorized');
    expect(row).toHaveTextContent('app-config (read-only)');
    expect(
      within(row).queryByRole('button', { name: 'Edit From config' }),
    ).toBeNull();
    expect(
      within(screen.getByTestId('account-row-openai-main')).getByRole(
        'button',
        { name: 'Edit OpenAI main' },
      ),
    ).toBeInTheDocument();
    // The provider's top-up page, beside the balance; none where it has none.
    expect(
      within(screen.getByTestId('account-row-openai-main')).getByRole('link', {
        name: 'Top up',
      }),
    ).toHaveAttribute(
      'href',
      'https://platform.openai.com/settings/organization/billing/overview',
    );
    expect(within(row).queryByRole('link', { name: 'Top up' })).toBeNull();
  });

  it('creates an account with write-only credentials', async () => {
    const api = setup();
    // Click once the list has loaded, so no later render replaces the button.
    await screen.findByRole('button', { name: 'Edit OpenAI main' });
    fireEvent.click(screen.getByRole('button', { name: 'Add account' }));
    const dialog = await screen.findByRole('dialog');
    const save = within(dialog).getByRole('button', { name: 'Save' });
    await userEvent.type(within(dialog).getByLabelText('Name'), 'Team OpenAI');
    // The required admin key is still missing.
    expect(save).toBeDisabled();
    const secret = within(dialog).getByLabelText(/Admin key/);
    expect(secret).toHaveAttribute('type', 'password');
    await userEvent.type(secret, 'sk-admin-secret');
    fireEvent.click(save);
    await waitFor(() =>
      expect(api.createAccount).toHaveBeenCalledWith({
        provider: 'openai',
        name: 'Team OpenAI',
        ownerRef: null,
        credentials: { adminKey: 'sk-admin-secret' },
        schedule: { usageEveryMinutes: 60, keysEveryMinutes: 1440 },
      }),
    );
  });

  it('keeps stored credentials when editing leaves them empty', async () => {
    const api = setup();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Edit OpenAI main' }),
    );
    const dialog = await screen.findByRole('dialog');
    const secret = within(dialog).getByLabelText(/Admin key/);
    expect(secret).toHaveValue('');
    expect(secret).toHaveAttribute('placeholder', '•••••• (set)');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.updateAccount).toHaveBeenCalledTimes(1));
    expect(api.updateAccount.mock.calls[0][1]).not.toHaveProperty(
      'credentials',
    );
  });

  it('syncs now and shows the sync history with errors', async () => {
    const api = setup();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Sync OpenAI main now' }),
    );
    await waitFor(() =>
      expect(api.syncAccount).toHaveBeenCalledWith('openai-main'),
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Sync history of OpenAI main' }),
    );
    const runs = await screen.findByTestId('sync-runs');
    expect(runs).toHaveTextContent('429 Too Many Requests');
    expect(runs).toHaveTextContent('Failed');
    expect(api.listSyncRuns).toHaveBeenCalledWith(
      { accountId: 'openai-main', limit: 50 },
      expect.anything(),
    );
  });

  it('hides account management from users who may not manage', async () => {
    setup({ authorize: AuthorizeResult.DENY });
    await screen.findByTestId('account-row-openai-main');
    expect(screen.queryByRole('button', { name: 'Add account' })).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Sync OpenAI main now' }),
    ).toBeNull();
    // History stays readable.
    expect(
      screen.getByRole('button', { name: 'Sync history of OpenAI main' }),
    ).toBeInTheDocument();
  });

  it('creates, renames and deletes tags on the Tags tab', async () => {
    const api = setup({ route: '/settings/tags' });
    const row = await screen.findByTestId('tag-row-prod');
    expect(row).toHaveTextContent('$12.50');
    // The month's spend is the providers' billing, and says so.
    expect(
      within(screen.getByTestId('tags-table')).getByTestId(
        'cost-source-provider',
      ),
    ).toHaveTextContent('Provider');

    fireEvent.click(await screen.findByRole('button', { name: 'New tag' }));
    let dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Name'), 'staging');
    fireEvent.click(within(dialog).getByRole('radio', { name: '#388e3c' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.createTag).toHaveBeenCalledWith({
        name: 'staging',
        color: '#388e3c',
      }),
    );
    // The dialog may already be gone by now: wait for its absence, not its removal.
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Edit prod' }));
    dialog = await screen.findByRole('dialog');
    const name = within(dialog).getByLabelText('Name');
    await userEvent.clear(name);
    await userEvent.type(name, 'production');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.updateTag).toHaveBeenCalledWith('t1', {
        name: 'production',
        color: '#d32f2f',
      }),
    );
    // The dialog may already be gone by now: wait for its absence, not its removal.
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Delete prod' }));
    dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('removed from the 3 keys');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(api.deleteTag).toHaveBeenCalledWith('t1'));
  });
});
