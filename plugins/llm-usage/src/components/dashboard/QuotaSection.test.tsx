import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Grid } from '@material-ui/core';
import type {
  BalanceQuota,
  BudgetQuota,
  QuotaResponse,
  Runway,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { QuotaSection } from './QuotaSection';

jest.setTimeout(30_000);

const runway = (overrides: Partial<Runway> = {}): Runway => ({
  dailyBurn: { currency: 'USD', amount: '2' },
  daysLeft: 12,
  daysLeftLow: 9,
  daysLeftHigh: 16,
  beyondCap: false,
  runsOutAt: '2026-11-28T00:00:00.000Z',
  burnSource: 'calls',
  windowDays: 7,
  ...overrides,
});

const budget: BudgetQuota = {
  budget: {
    id: 'b1',
    targetType: 'group',
    targetRef: 'group:default/team-a',
    name: 'Team A monthly',
    amount: { currency: 'USD', amount: '100' },
    createdBy: 'user:default/alice',
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    canManage: true,
  },
  period: {
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-12-01T00:00:00.000Z',
  },
  total: { currency: 'USD', amount: '100' },
  used: { currency: 'USD', amount: '75' },
  remaining: { currency: 'USD', amount: '25' },
  progress: 0.75,
  runway: runway(),
};

const balance: BalanceQuota = {
  accountId: 'or-1',
  accountName: 'OpenRouter main',
  provider: 'openrouter',
  ownerRef: 'group:default/team-a',
  available: { currency: 'USD', amount: '120' },
  total: null,
  used: null,
  readAt: '2026-11-24T02:00:00.000Z',
  stale: true,
  lastSyncAt: '2026-11-25T11:00:00.000Z',
  billingUrl: 'https://openrouter.ai/settings/credits',
  runway: runway({ daysLeftHigh: null, burnSource: 'balance-history' }),
};

function quota(overrides: Partial<QuotaResponse>): QuotaResponse {
  return {
    generatedAt: '2026-11-25T12:00:00.000Z',
    budgets: [],
    balances: [],
    ...overrides,
  };
}

function render(api: ReturnType<typeof mockLlmUsageApi>) {
  return renderWithApi(
    <Grid container>
      <QuotaSection />
    </Grid>,
    { api },
  );
}

describe('QuotaSection', () => {
  it('shows each budget with progress, what is left and the days-left range', async () => {
    const api = mockLlmUsageApi({
      getQuota: jest.fn(async () => quota({ budgets: [budget] })),
    });
    render(api);
    const card = await screen.findByTestId('budget-b1');
    expect(within(card).getByText('Team A monthly')).toBeInTheDocument();
    expect(card).toHaveTextContent('$75.00 of $100.00 used · 75%');
    expect(card).toHaveTextContent('$25.00 left');
    // What "used" counts, as another page may show the team in another scope.
    expect(card).toHaveTextContent(
      "Counts recorded calls to the team's projects",
    );
    expect(card).toHaveTextContent('About 12 days left · likely 9–16 days');
    expect(card).toHaveTextContent(
      '$2.00 per day (last 7 days, recent days weigh more) · from recorded calls',
    );
    expect(within(card).getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '75',
    );
    expect(screen.queryByText('Provider balances')).not.toBeInTheDocument();
  });

  it('says a budget lasts the month instead of counting days past its end', async () => {
    // 332 days at this rate, but the budget starts afresh on 1 December.
    const slow: BudgetQuota = {
      ...budget,
      runway: runway({
        daysLeft: 332,
        daysLeftLow: 300,
        daysLeftHigh: null,
        runsOutAt: '2027-10-23T00:00:00.000Z',
      }),
    };
    const api = mockLlmUsageApi({
      getQuota: jest.fn(async () => quota({ budgets: [slow] })),
    });
    render(api);
    const card = await screen.findByTestId('budget-b1');
    expect(card).toHaveTextContent('Lasts the month at this rate');
    expect(card).not.toHaveTextContent('332');
    expect(card).toHaveTextContent('from recorded calls');
  });

  it('reads "more than a year" for a runway the server capped, naming its source', async () => {
    const slow: BalanceQuota = {
      ...balance,
      runway: runway({
        daysLeft: 365,
        daysLeftLow: 365,
        daysLeftHigh: null,
        beyondCap: true,
        runsOutAt: null,
        burnSource: 'provider-usage',
      }),
    };
    const api = mockLlmUsageApi({
      getQuota: jest.fn(async () => quota({ balances: [slow] })),
    });
    render(api);
    const card = await screen.findByTestId('balance-or-1-USD');
    expect(card).toHaveTextContent('More than a year left');
    expect(card).not.toHaveTextContent('365');
    expect(card).toHaveTextContent('from provider usage');
  });

  it('says when a balance runs out within a day', async () => {
    const low: BalanceQuota = {
      ...balance,
      available: { currency: 'USD', amount: '1' },
      runway: runway({ daysLeft: 0, daysLeftLow: 0, daysLeftHigh: 1 }),
    };
    const api = mockLlmUsageApi({
      getQuota: jest.fn(async () => quota({ balances: [low] })),
    });
    render(api);
    const card = await screen.findByTestId('balance-or-1-USD');
    expect(card).toHaveTextContent('Less than a day left');
    expect(card).not.toHaveTextContent('Used up');
  });

  it('says when a budget is overspent', async () => {
    const over: BudgetQuota = {
      ...budget,
      used: { currency: 'USD', amount: '130' },
      remaining: { currency: 'USD', amount: '-30' },
      progress: 1.3,
      runway: runway({ daysLeft: 0, daysLeftLow: 0, daysLeftHigh: 0 }),
    };
    const api = mockLlmUsageApi({
      getQuota: jest.fn(async () => quota({ budgets: [over] })),
    });
    render(api);
    const card = await screen.findByTestId('budget-b1');
    expect(card).toHaveTextContent('Over budget by $30.00');
    expect(card).toHaveTextContent('Used up');
  });

  it('shows the last known balance with its time, a top-up link and the history on demand', async () => {
    const api = mockLlmUsageApi({
      getQuota: jest.fn(async () => quota({ balances: [balance] })),
      getBalanceHistory: jest.fn(async () => ({
        accountId: 'or-1',
        currencies: [
          {
            currency: 'USD',
            readings: [
              {
                readAt: '2026-11-24T02:00:00.000Z',
                available: { currency: 'USD', amount: '120' },
                change: { currency: 'USD', amount: '-10' },
                kind: 'charge' as const,
              },
              {
                readAt: '2026-11-23T02:00:00.000Z',
                available: { currency: 'USD', amount: '130' },
                change: { currency: 'USD', amount: '50' },
                kind: 'top-up' as const,
              },
            ],
          },
        ],
      })),
    });
    render(api);
    const card = await screen.findByTestId('balance-or-1-USD');
    expect(card).toHaveTextContent('$120.00');
    expect(card).toHaveTextContent('Last known balance');
    expect(card).toHaveTextContent('at least 9 days');
    expect(within(card).getByRole('link', { name: /Top up/ })).toHaveAttribute(
      'href',
      'https://openrouter.ai/settings/credits',
    );
    expect(api.getBalanceHistory).not.toHaveBeenCalled();

    await userEvent.click(
      within(card).getByRole('button', { name: 'Balance history' }),
    );
    const history = await screen.findByTestId('balance-history-or-1');
    expect(history).toHaveTextContent('Top-up');
    expect(history).toHaveTextContent('Charges');
    expect(history).toHaveTextContent('-$10.00');
    expect(api.getBalanceHistory).toHaveBeenCalledWith('or-1', {
      signal: expect.anything(),
    });
  });

  it('renders nothing when there is no budget and no balance', async () => {
    const api = mockLlmUsageApi();
    render(api);
    await waitFor(() => expect(api.getQuota).toHaveBeenCalled());
    // Give the answer time to render: the section must stay absent.
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(screen.queryByTestId('quota-section')).not.toBeInTheDocument();
  });

  it("asks for an entity's quota and hides when the viewer may not see it", async () => {
    const denied = Object.assign(new Error('Not allowed'), {
      name: 'ResponseError',
      statusCode: 403,
    });
    const api = mockLlmUsageApi({
      getQuota: jest.fn(async () => {
        throw denied;
      }),
    });
    renderWithApi(
      <Grid container>
        <QuotaSection entityRef="group:default/team-b" />
      </Grid>,
      { api },
    );
    await waitFor(() =>
      expect(api.getQuota).toHaveBeenCalledWith(
        { entityRef: 'group:default/team-b' },
        { signal: expect.anything() },
      ),
    );
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(screen.queryByText(/Not allowed/)).not.toBeInTheDocument();
    expect(screen.queryByTestId('quota-section')).not.toBeInTheDocument();
  });

  it('shows an error with a retry', async () => {
    const api = mockLlmUsageApi({
      getQuota: jest
        .fn()
        .mockRejectedValueOnce(new Error('backend down'))
        .mockResolvedValue(quota({ budgets: [budget] })),
    });
    render(api);
    expect((await screen.findAllByText(/backend down/))[0]).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('budget-b1')).toBeInTheDocument();
  });
});
