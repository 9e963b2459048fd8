import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { waitFor } from '@testing-library/react';
import type {
  DailyCostPoint,
  DailyCostsQuery,
  DailyCostsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '@llm-usage/backstage-plugin-llm-usage';
import { costInsightsPage, llmCostInsightsApi } from './costInsights';

jest.setTimeout(60_000);

const DAY_MS = 86_400_000;
const isoDay = (offset: number) =>
  new Date(Date.now() - offset * DAY_MS).toISOString().slice(0, 10);

/** 10 USD a day for the last 60 days, and 1000 CNY a day that must stay out. */
function points(): DailyCostPoint[] {
  return Array.from({ length: 60 }, (_, i) => [
    {
      date: isoDay(i + 1),
      series: 'gpt-4o',
      calls: 10,
      totalTokens: 1000,
      costs: [{ currency: 'USD', amount: '10' }],
    },
    {
      date: isoDay(i + 1),
      series: 'doubao-pro-32k',
      calls: 10,
      totalTokens: 1000,
      costs: [{ currency: 'CNY', amount: '1000' }],
    },
  ]).flat();
}

/** Fields of the response the Cost Insights client does not read. */
const NO_RANGE_DETAILS = { timeZone: 'UTC', projectIds: [], dates: [] };

describe('/cost-insights', () => {
  it('shows the team’s LLM spend from LLM Usage, in dollars only', async () => {
    // The same 60 days whatever is asked: the client picks its range.
    const getDailyCosts = jest.fn(
      async ({ from, to, split }: DailyCostsQuery) =>
        ({
          ...NO_RANGE_DETAILS,
          range: { from, to },
          split,
          series: ['gpt-4o', 'doubao-pro-32k'],
          points: points(),
        } as DailyCostsResponse),
    );
    const llmUsageApi = {
      getDailyCosts,
      getProjects: jest.fn(async () => ({ items: [] })),
    };

    renderTestApp({
      extensions: [costInsightsPage, llmCostInsightsApi],
      apis: [
        [llmUsageApiRef, llmUsageApi as any],
        mockApis.identity({
          userEntityRef: 'user:default/guest',
          ownershipEntityRefs: ['user:default/guest', 'group:default/growth'],
        }),
      ],
      config: {
        costInsights: {
          engineerCost: 200000,
          products: { llm: { name: 'LLM spend', icon: 'ml' } },
          currencies: {
            usd: { label: 'US dollars (USD)', unit: 'dollar', kind: 'USD' },
          },
        },
      },
      initialRouteEntries: ['/cost-insights'],
    });

    // Each 30-day period: 30 × 10 USD, with the CNY spend neither converted
    // nor added, and its model left out of the breakdown.
    await waitFor(
      () =>
        expect(document.body.textContent).toContain(
          'First 30 Days$300Last 30 Days$300',
        ),
      { timeout: 30_000 },
    );
    const text = document.body.textContent ?? '';
    expect(text).toContain('1 model, sorted by cost');
    expect(text).not.toMatch(/CN¥|1,000|30,300/);
    // Asked LLM Usage for the signed-in user's team.
    expect(getDailyCosts).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'group:default/growth' }),
    );
  });
});
