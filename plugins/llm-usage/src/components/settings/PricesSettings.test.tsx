import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PriceEntry } from '@llm-usage/backstage-plugin-llm-usage-common';
import { SWRConfig } from 'swr';
import { llmUsageApiRef } from '../../api';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { PricesSettings } from './PricesSettings';

function entry(overrides: Partial<PriceEntry>): PriceEntry {
  return {
    id: 'default:openai:gpt-4o:2024-10-01',
    origin: 'default',
    provider: 'openai',
    model: 'gpt-4o',
    currency: 'USD',
    inputPerMillion: '2.5',
    outputPerMillion: '10',
    cachedPerMillion: '1.25',
    effectiveFrom: '2024-10-01',
    note: 'https://openai.com/api/pricing/ (taken 2026-12-04)',
    inForce: true,
    ...overrides,
  };
}

const PRICES = [
  entry({}),
  entry({
    id: 'default:volcengine:doubao-seed-1-6:2025-06-11',
    provider: 'volcengine',
    model: 'doubao-seed-1-6',
    currency: 'CNY',
    inputPerMillion: '0.8',
    outputPerMillion: '8',
    cachedPerMillion: null,
    effectiveFrom: '2025-06-11',
  }),
  entry({
    id: 'a1',
    origin: 'admin',
    model: 'in-house',
    inputPerMillion: '0.5',
    outputPerMillion: '1.5',
    cachedPerMillion: null,
    effectiveFrom: '2026-01-01',
    note: null,
    inForce: false,
  }),
];

function setup(
  options: {
    authorize?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    listPrices?: jest.Mock;
  } = {},
) {
  const api = mockLlmUsageApi({
    listPrices: options.listPrices ?? jest.fn(async () => ({ items: PRICES })),
    createPrice: jest.fn(async input => entry({ ...input, id: 'a2' })),
    updatePrice: jest.fn(async (id: string, patch) => entry({ id, ...patch })),
    deletePrice: jest.fn(async () => undefined),
    repriceCalls: jest.fn(async () => ({
      examined: 12,
      repriced: 9,
      unchanged: 2,
      withoutPrice: 1,
      hoursMarked: 5,
    })),
  });
  renderInTestApp(
    <TestApiProvider
      apis={[
        [llmUsageApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.authorize ?? AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <SWRConfig value={{ provider: () => new Map() }}>
        <PricesSettings />
      </SWRConfig>
    </TestApiProvider>,
  );
  return api;
}

describe('PricesSettings', () => {
  it('lists every price with its origin, currency and whether it is in force', async () => {
    setup();
    const doubao = await screen.findByTestId(
      'price-row-default:volcengine:doubao-seed-1-6:2025-06-11',
    );
    expect(doubao).toHaveTextContent('0.8 CNY');
    expect(doubao).toHaveTextContent('8 CNY');
    expect(doubao).toHaveTextContent('Default');
    expect(doubao).toHaveTextContent('In force');
    const admin = screen.getByTestId('price-row-a1');
    expect(admin).toHaveTextContent('Admin');
    expect(admin).not.toHaveTextContent('In force');
    // Admin entries are edited; defaults are overridden by a new admin entry.
    expect(
      within(admin).getByRole('button', { name: 'Edit the price of in-house' }),
    ).toBeInTheDocument();
    expect(within(doubao).queryByRole('button', { name: /Edit/ })).toBeNull();
  });

  it('overrides a default price with an admin entry prefilled from it', async () => {
    const api = setup();
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Override the price of gpt-4o',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    const output = within(dialog).getByLabelText(/^Output/);
    await userEvent.clear(output);
    await userEvent.type(output, '8');
    const from = within(dialog).getByLabelText('From');
    fireEvent.change(from, { target: { value: '2026-12-01' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.createPrice).toHaveBeenCalledWith({
        provider: 'openai',
        model: 'gpt-4o',
        currency: 'USD',
        inputPerMillion: '2.5',
        outputPerMillion: '8',
        cachedPerMillion: '1.25',
        effectiveFrom: '2026-12-01',
        note: null,
      }),
    );
    // The list is read again after the change.
    await waitFor(() => expect(api.listPrices).toHaveBeenCalledTimes(2));
  });

  it('deletes an admin entry after confirmation', async () => {
    const api = setup();
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Delete the price of in-house',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      'Delete the price of in-house from 2026-01-01?',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(api.deletePrice).toHaveBeenCalledWith('a1'));
  });

  it('re-prices a range and shows what changed', async () => {
    const api = setup();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Re-price calls' }),
    );
    const dialog = await screen.findByRole('dialog');
    const run = within(dialog).getByRole('button', { name: 'Re-price' });
    expect(run).toBeDisabled();
    fireEvent.change(within(dialog).getByTestId('reprice-from'), {
      target: { value: '2026-11-01' },
    });
    fireEvent.change(within(dialog).getByTestId('reprice-to'), {
      target: { value: '2026-11-30' },
    });
    await userEvent.type(
      within(dialog).getByLabelText('Model (optional)'),
      'in-house',
    );
    fireEvent.click(run);
    await waitFor(() =>
      expect(api.repriceCalls).toHaveBeenCalledWith({
        from: '2026-11-01T00:00:00Z',
        to: '2026-12-01T00:00:00.000Z',
        provider: undefined,
        model: 'in-house',
      }),
    );
    expect(
      await within(dialog).findByTestId('reprice-result'),
    ).toHaveTextContent(
      '12 calls examined: 9 re-priced, 2 unchanged, 1 without a price; 5 hours to sum again.',
    );
  });

  it('shows the list without actions to users who are not admins', async () => {
    setup({ authorize: AuthorizeResult.DENY });
    await screen.findByTestId('price-row-a1');
    expect(screen.queryByRole('button', { name: 'Add price' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Re-price calls' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Override/ })).toBeNull();
  });

  it('shows an empty state when the book has no price', async () => {
    setup({ listPrices: jest.fn(async () => ({ items: [] })) });
    expect(await screen.findByText('No prices')).toBeInTheDocument();
  });

  it('offers a retry when the price book cannot be read', async () => {
    const listPrices = jest
      .fn()
      .mockRejectedValueOnce(new Error('backend down'))
      .mockResolvedValue({ items: PRICES });
    setup({ listPrices });
    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('price-row-a1')).toBeInTheDocument();
  });
});
