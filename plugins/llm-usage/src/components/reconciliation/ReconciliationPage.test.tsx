import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  ReconciliationKeysResponse,
  ReconciliationResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { ReconciliationPage } from './ReconciliationPage';

jest.setTimeout(30_000);

const report: ReconciliationResponse = {
  tolerancePercent: 5,
  items: [
    {
      accountId: 'acc-a',
      date: '2026-11-11',
      currency: 'USD',
      providerCost: '4',
      recordedCost: '4.1',
      difference: '-0.1',
      differencePercent: -2.5,
      overTolerance: false,
    },
    {
      accountId: 'acc-a',
      date: '2026-11-10',
      currency: 'USD',
      providerCost: '7.75',
      recordedCost: '6.9',
      difference: '0.85',
      differencePercent: 10.96,
      overTolerance: true,
    },
    {
      accountId: 'acc-b',
      date: '2026-11-10',
      currency: 'CNY',
      providerCost: '10',
      recordedCost: '10.4',
      difference: '-0.4',
      differencePercent: -4,
      overTolerance: false,
    },
  ],
  totals: [
    {
      accountId: 'acc-b',
      accountName: 'Ark',
      provider: 'volcengine',
      providerCost: { currency: 'CNY', amount: '10' },
      recordedCost: { currency: 'CNY', amount: '10.4' },
      difference: { currency: 'CNY', amount: '-0.4' },
      differencePercent: -4,
      overTolerance: false,
      daysOverTolerance: 0,
    },
    {
      accountId: 'acc-a',
      accountName: 'OpenAI prod',
      provider: 'openai',
      providerCost: { currency: 'USD', amount: '11.75' },
      recordedCost: { currency: 'USD', amount: '11' },
      difference: { currency: 'USD', amount: '0.75' },
      differencePercent: 6.38,
      overTolerance: true,
      daysOverTolerance: 1,
    },
  ],
};

const keys: ReconciliationKeysResponse = {
  accountId: 'acc-a',
  date: '2026-11-10',
  tolerancePercent: 5,
  items: [
    {
      keyId: null,
      keyName: null,
      providerKeyId: 'pk-3',
      currency: 'USD',
      providerCost: '0.5',
      recordedCost: '0',
      difference: '0.5',
      differencePercent: 100,
      overTolerance: true,
    },
    {
      keyId: null,
      keyName: null,
      providerKeyId: null,
      currency: 'USD',
      providerCost: '0.25',
      recordedCost: '0',
      difference: '0.25',
      differencePercent: 100,
      overTolerance: true,
    },
    {
      keyId: 'k1',
      keyName: 'ci-bot',
      providerKeyId: 'pk-1',
      currency: 'USD',
      providerCost: '5',
      recordedCost: '4.9',
      difference: '0.1',
      differencePercent: 2,
      overTolerance: false,
    },
  ],
};

describe('ReconciliationPage', () => {
  it('drills down from accounts to the days of one, then to the keys of a day', async () => {
    const api = mockLlmUsageApi({
      getReconciliation: jest.fn(async () => report),
      getReconciliationKeys: jest.fn(async () => keys),
    });
    renderWithApi(<ReconciliationPage />, { api });

    const openai = await screen.findByTestId(
      'reconciliation-account-acc-a-USD',
    );
    expect(openai).toHaveAttribute('data-over-tolerance', 'true');
    expect(openai).toHaveTextContent('OpenAI prod');
    expect(openai).toHaveTextContent('$11.75');
    expect(openai).toHaveTextContent('Beyond tolerance');
    const ark = screen.getByTestId('reconciliation-account-acc-b-CNY');
    expect(ark).toHaveAttribute('data-over-tolerance', 'false');
    expect(ark).toHaveTextContent('Within');
    // Thirty UTC days up to today by default.
    const query = api.getReconciliation.mock.calls[0][0]!;
    expect((Date.parse(query.to!) - Date.parse(query.from!)) / 86_400_000).toBe(
      29,
    );

    await userEvent.click(
      within(openai).getByRole('button', { name: 'Days of OpenAI prod' }),
    );
    const days = await screen.findByTestId('reconciliation-days');
    // Only this account's days, newest first; the other account's are gone.
    expect(within(days).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByTestId('reconciliation-day-2026-11-10')).toHaveAttribute(
      'data-over-tolerance',
      'true',
    );
    expect(screen.getByTestId('reconciliation-day-2026-11-11')).toHaveAttribute(
      'data-over-tolerance',
      'false',
    );
    expect(screen.queryByTestId('reconciliation-accounts')).toBeNull();

    await userEvent.click(
      within(screen.getByTestId('reconciliation-day-2026-11-10')).getByRole(
        'button',
      ),
    );
    await waitFor(() =>
      expect(api.getReconciliationKeys).toHaveBeenCalledWith(
        { accountId: 'acc-a', date: '2026-11-10' },
        expect.anything(),
      ),
    );
    expect(
      await screen.findByTestId('reconciliation-key-pk-3'),
    ).toHaveTextContent('pk-3 (not in the inventory)');
    expect(screen.getByTestId('reconciliation-key-unsplit')).toHaveTextContent(
      'Not split by key by the provider',
    );
    expect(screen.getByTestId('reconciliation-key-k1')).toHaveTextContent(
      'ci-bot',
    );
    expect(screen.getByTestId('reconciliation-key-k1')).toHaveAttribute(
      'data-over-tolerance',
      'false',
    );

    // Back up one level, then to all accounts.
    await userEvent.click(screen.getByRole('button', { name: 'OpenAI prod' }));
    expect(
      await screen.findByTestId('reconciliation-days'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'All accounts' }));
    expect(
      await screen.findByTestId('reconciliation-accounts'),
    ).toBeInTheDocument();
  });

  it('explains an empty range and offers a retry after an error', async () => {
    const getReconciliation = jest
      .fn()
      .mockRejectedValueOnce(new Error('backend down'))
      .mockResolvedValue({ tolerancePercent: 5, items: [], totals: [] });
    const api = mockLlmUsageApi({ getReconciliation });
    renderWithApi(<ReconciliationPage />, { api });
    await userEvent.click(
      await screen.findByRole('button', { name: /retry/i }),
    );
    expect(
      await screen.findByText('Nothing to reconcile in this range'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('reconciliation-export')).toBeDisabled();
  });

  it('exports the view with its range', async () => {
    const api = mockLlmUsageApi({
      getReconciliation: jest.fn(async () => report),
      exportReconciliation: jest.fn(async () => ({
        blob: new Blob(['x']),
        filename: 'llm-usage-reconciliation.csv',
      })),
    });
    const createObjectURL = jest.fn(() => 'blob:x');
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    renderWithApi(<ReconciliationPage />, { api });
    await screen.findByTestId('reconciliation-account-acc-a-USD');
    await userEvent.click(screen.getByTestId('reconciliation-export'));
    await userEvent.click(await screen.findByTestId('export-xlsx'));
    await waitFor(() =>
      expect(api.exportReconciliation).toHaveBeenCalledWith(
        expect.objectContaining({
          from: expect.any(String),
          to: expect.any(String),
        }),
        'xlsx',
      ),
    );
  });
});
