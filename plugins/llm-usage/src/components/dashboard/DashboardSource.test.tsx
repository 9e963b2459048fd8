import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { UsageOverviewQuery } from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  busyOverview,
  mockLlmUsageApi,
  overview,
  projectList,
  usageTrends,
} from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { DashboardPage } from './DashboardPage';

jest.setTimeout(30_000);

/** Provider reports for a team that sends no calls: requests, tokens, cost and an estimate. */
const providerOverview = {
  ...overview(
    {
      calls: 19,
      successCalls: 19,
      inputTokens: 1_000_150,
      outputTokens: 500_375,
      totalTokens: 1_500_525,
      costs: [{ currency: 'USD', amount: '4.55' }],
      estimatedCosts: [{ currency: 'USD', amount: '2' }],
    },
    {},
  ),
  source: 'provider' as const,
};

function sourcedApi() {
  return mockLlmUsageApi({
    getOverview: jest.fn(async (query?: UsageOverviewQuery) =>
      query?.source === 'calls' ? busyOverview : providerOverview,
    ),
    getTrends: jest.fn(async query => ({
      ...usageTrends,
      source: query?.source === 'calls' ? 'calls' : 'provider',
    })),
    getProjects: jest.fn(async () => projectList([])),
    getProviderBreakdown: jest.fn(async query => ({
      range: { from: query!.from!, to: query!.to! },
      by: query?.by ?? 'key',
      items: [
        {
          id: 'key-1',
          label: 'Support bot',
          provider: 'openai',
          accountId: 'oa',
          inputTokens: 1_000_000,
          outputTokens: 500_000,
          cachedTokens: 0,
          totalTokens: 1_500_000,
          requests: 7,
          costs: [],
          estimatedCosts: [{ currency: 'USD', amount: '2' }],
        },
        {
          id: 'oa:',
          label: '',
          provider: 'openai',
          accountId: 'oa',
          inputTokens: 0,
          outputTokens: 0,
          cachedTokens: 0,
          totalTokens: 0,
          requests: 0,
          costs: [{ currency: 'USD', amount: '3.25' }],
          estimatedCosts: [],
        },
      ],
    })),
  });
}

describe('DashboardPage source switch', () => {
  it('shows provider reports, labelled, when auto finds no calls', async () => {
    const api = sourcedApi();
    renderWithApi(<DashboardPage />, { api });

    expect(
      await screen.findByTestId('from-provider-reports'),
    ).toHaveTextContent('From provider reports');
    expect(api.getOverview).toHaveBeenCalledWith(
      expect.objectContaining({ source: 'auto' }),
      expect.anything(),
    );
    expect(api.getTrends).toHaveBeenCalledWith(
      expect.objectContaining({ source: 'auto' }),
      expect.anything(),
    );
    const switcher = screen.getByTestId('usage-source-switch');
    expect(
      within(switcher).getByRole('button', { name: 'Provider reports' }),
    ).toHaveAttribute('aria-pressed', 'true');

    const cards = screen.getByTestId('overview-cards');
    // Requests, not calls; no success rate from providers.
    expect(within(cards).getByText('Requests')).toBeInTheDocument();
    expect(within(cards).queryByText('Total calls')).not.toBeInTheDocument();
    expect(
      within(cards).getByText('Not reported by providers'),
    ).toBeInTheDocument();
    // The reported cost alone; the estimate apart, under its label.
    expect(within(cards).getByTestId('cost-USD')).toHaveTextContent('$4.55');
    const estimated = within(cards).getByTestId('estimated-cost');
    expect(estimated).toHaveTextContent('Estimated');
    expect(within(estimated).getByTestId('estimated-USD')).toHaveTextContent(
      '$2.00',
    );
    expect(screen.queryByText('No LLM calls yet')).not.toBeInTheDocument();

    // Per key (then account, model, provider), the unsplit cost on its own row.
    const breakdown = await screen.findByTestId('provider-breakdown');
    expect(
      await within(breakdown).findByText('Support bot'),
    ).toBeInTheDocument();
    expect(
      within(breakdown).getByText('Not split by key by the provider'),
    ).toBeInTheDocument();
    expect(within(breakdown).getByText('$3.25')).toBeInTheDocument();
    expect(within(breakdown).getByTestId('estimated-USD')).toHaveTextContent(
      '$2.00',
    );
    await userEvent.click(
      within(breakdown).getByRole('button', { name: 'Account' }),
    );
    await waitFor(() =>
      expect(api.getProviderBreakdown).toHaveBeenLastCalledWith(
        expect.objectContaining({ by: 'account' }),
        expect.anything(),
      ),
    );
  });

  it('switches to recorded calls and back, keeping the choice in the URL', async () => {
    const api = sourcedApi();
    renderWithApi(<DashboardPage />, { api });
    await screen.findByTestId('from-provider-reports');

    await userEvent.click(
      screen.getByRole('button', { name: 'Recorded calls' }),
    );
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith(
        expect.objectContaining({ source: 'calls' }),
        expect.anything(),
      ),
    );
    expect(api.getProjects).toHaveBeenLastCalledWith(
      expect.objectContaining({ source: 'calls' }),
      expect.anything(),
    );
    const cards = await screen.findByTestId('overview-cards');
    expect(await within(cards).findByText('Total calls')).toBeInTheDocument();
    expect(
      screen.queryByTestId('from-provider-reports'),
    ).not.toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Provider reports' }),
    );
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith(
        expect.objectContaining({ source: 'provider' }),
        expect.anything(),
      ),
    );
    expect(
      await screen.findByTestId('from-provider-reports'),
    ).toBeInTheDocument();
  });

  it('says when providers reported nothing in the range', async () => {
    const api = mockLlmUsageApi({
      getOverview: jest.fn(async () => ({
        ...overview(),
        source: 'provider' as const,
      })),
      getTrends: jest.fn(async () => usageTrends),
      getProjects: jest.fn(async () => projectList([])),
    });
    renderWithApi(<DashboardPage />, {
      api,
      initialRouteEntries: ['/?source=provider'],
    });
    expect(
      await screen.findByText('No provider\u2011reported usage in this range.'),
    ).toBeInTheDocument();
    expect(api.getOverview).toHaveBeenCalledWith(
      expect.objectContaining({ source: 'provider' }),
      expect.anything(),
    );
  });
});
