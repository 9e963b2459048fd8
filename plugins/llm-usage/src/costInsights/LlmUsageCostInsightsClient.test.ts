import type {
  DailyCostPoint,
  DailyCostsQuery,
  DailyCostsResponse,
  ProjectUsage,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { entityUsage, mockLlmUsageApi } from '../__testUtils__/fixtures';
import { parseIntervals } from './intervals';
import {
  LLM_COST_INSIGHTS_METRICS,
  LlmUsageCostInsightsClient,
} from './LlmUsageCostInsightsClient';

function point(
  date: string,
  series: string,
  amount: string,
  currency = 'USD',
): DailyCostPoint {
  return {
    date,
    series,
    calls: 10,
    totalTokens: 1000,
    costs: [{ currency, amount }],
  };
}

/** Two 3-day periods ending (exclusively) on 2026-11-07. */
const INTERVALS = 'R2/P3D/2026-11-07';

// Period 1 (Nov 1-3): 0.1 + 0.2 USD. Period 2 (Nov 4-6): 0.3 + 0.4 + 0.5 USD.
// The CNY cost is never converted nor added.
const POINTS = [
  point('2026-11-01', 'gpt-4o', '0.1'),
  point('2026-11-02', 'gpt-4o', '0.2'),
  point('2026-11-04', 'gpt-4o', '0.3'),
  point('2026-11-04', 'claude-sonnet-4', '0.4'),
  point('2026-11-06', 'claude-sonnet-4', '0.5'),
  point('2026-11-06', 'doubao-pro-32k', '12', 'CNY'),
];

function setup(points = POINTS) {
  const getDailyCosts = jest.fn(
    async (query: DailyCostsQuery): Promise<DailyCostsResponse> => ({
      range: { from: query.from!, to: query.to! },
      timeZone: 'UTC',
      split: query.split!,
      projectIds: [],
      dates: [],
      series: [...new Set(points.map(p => p.series))],
      points: query.split === 'none' ? [] : points,
    }),
  );
  const project = (id: string, owner: string): ProjectUsage =>
    ({
      projectId: id,
      entity: { entityRef: `component:default/${id}`, ownerRefs: [owner] },
    } as ProjectUsage);
  const api = mockLlmUsageApi({
    getDailyCosts,
    getProjects: jest.fn(async () => ({
      items: [
        project('alpha', 'group:default/team-a'),
        project('beta', 'group:default/team-b'),
      ],
    })),
  });
  const client = new LlmUsageCostInsightsClient({
    llmUsageApi: api,
    identityApi: {
      getBackstageIdentity: async () => ({
        type: 'user',
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice', 'group:default/team-a'],
      }),
    },
  });
  return { client, getDailyCosts, api };
}

describe('parseIntervals', () => {
  it('reads repeating intervals as Cost Insights sends them', () => {
    const range = parseIntervals('R2/P30D/2026-09-01');
    expect(range.from.toISODate()).toBe('2026-07-03');
    expect(range.lastPeriodFrom.toISODate()).toBe('2026-08-02');
    expect(range.to.toISODate()).toBe('2026-09-01');
    expect(parseIntervals('R2/P3M/2026-10-01').from.toISODate()).toBe(
      '2026-04-01',
    );
    expect(() => parseIntervals('last month')).toThrow(/R2\/P30D/);
  });
});

describe('LlmUsageCostInsightsClient', () => {
  it('offers the user’s groups and the projects a group owns', async () => {
    const { client } = setup();
    expect(await client.getUserGroups('alice')).toEqual([
      { id: 'group:default/team-a', name: 'team-a' },
    ]);
    expect(await client.getGroupProjects('group:default/team-a')).toEqual([
      { id: 'alpha', name: 'alpha' },
    ]);
  });

  it('gives a group daily costs in one currency, with change, trend and models', async () => {
    const { client, getDailyCosts } = setup();
    const cost = await client.getGroupDailyCost(
      'group:default/team-a',
      INTERVALS,
    );
    expect(getDailyCosts).toHaveBeenCalledWith({
      entityRef: 'group:default/team-a',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-07T00:00:00.000Z',
      split: 'model',
      tz: 'UTC',
    });
    expect(cost.id).toBe('group:default/team-a');
    expect(cost.aggregation).toEqual([
      { date: '2026-11-01', amount: 0.1 },
      { date: '2026-11-02', amount: 0.2 },
      { date: '2026-11-03', amount: 0 },
      { date: '2026-11-04', amount: 0.7 },
      { date: '2026-11-05', amount: 0 },
      { date: '2026-11-06', amount: 0.5 },
    ]);
    // 1.2 against 0.3, summed exactly.
    expect(cost.change).toEqual({ ratio: 3, amount: 0.9 });
    expect(cost.trendline!.slope).toBeGreaterThan(0);
    expect(cost.groupedCosts!.model.map(c => c.id).sort()).toEqual([
      'claude-sonnet-4',
      'gpt-4o',
    ]);
  });

  it('falls back to the cost providers report for a group without calls, currencies apart and estimates left out', async () => {
    const { client, api } = setup([]);
    api.getEntityUsage.mockImplementation(async (entityRef: string) => ({
      ...entityUsage(entityRef, 'provider'),
      points: [
        {
          bucketStart: '2026-11-02T00:00:00.000Z',
          series: 'total',
          calls: 3,
          successCalls: 3,
          failedCalls: 0,
          inputTokens: 10,
          outputTokens: 5,
          totalTokens: 15,
          costs: [
            { currency: 'CNY', amount: '9' },
            { currency: 'USD', amount: '0.25' },
          ],
          estimatedCosts: [{ currency: 'USD', amount: '100' }],
        },
        {
          bucketStart: '2026-11-05T00:00:00.000Z',
          series: 'total',
          calls: 1,
          successCalls: 1,
          failedCalls: 0,
          inputTokens: 1,
          outputTokens: 1,
          totalTokens: 2,
          costs: [{ currency: 'USD', amount: '0.5' }],
        },
      ],
    }));

    const cost = await client.getGroupDailyCost(
      'group:default/team-a',
      INTERVALS,
    );

    expect(api.getEntityUsage).toHaveBeenCalledWith('group:default/team-a', {
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-07T00:00:00.000Z',
      interval: 'day',
      tz: 'UTC',
      source: 'provider',
    });
    expect(cost.aggregation.map(a => a.amount)).toEqual([
      0, 0.25, 0, 0, 0.5, 0,
    ]);
    expect(cost.change).toEqual({ ratio: 1, amount: 0.25 });
    expect(cost.groupedCosts!.model).toEqual([]);

    // With recorded calls, calls answer and providers are not asked.
    const withCalls = setup();
    await withCalls.client.getGroupDailyCost('group:default/team-a', INTERVALS);
    expect(withCalls.api.getEntityUsage).not.toHaveBeenCalled();
  });

  it('asks for a project or a catalog entity by its own key', async () => {
    const { client, getDailyCosts } = setup();
    await client.getProjectDailyCost('alpha', INTERVALS);
    expect(getDailyCosts).toHaveBeenLastCalledWith(
      expect.objectContaining({ projectId: 'alpha' }),
    );
    const cost = await client.getCatalogEntityDailyCost(
      'component:default/alpha',
      INTERVALS,
    );
    expect(getDailyCosts).toHaveBeenLastCalledWith(
      expect.objectContaining({ entityRef: 'component:default/alpha' }),
    );
    expect(cost.id).toBe('component:default/alpha');
  });

  it('shows another currency when configured, never a sum of two', async () => {
    const { client: usd } = setup();
    const cny = new LlmUsageCostInsightsClient({
      llmUsageApi: mockLlmUsageApi({
        getDailyCosts: jest.fn(async () => ({ points: POINTS })),
      }),
      identityApi: { getBackstageIdentity: jest.fn() },
      currency: 'cny',
    });
    const cnyCost = await cny.getProjectDailyCost('beta', INTERVALS);
    expect(cnyCost.aggregation.map(a => a.amount)).toEqual([0, 0, 0, 0, 0, 12]);
    // No previous spend: no ratio.
    expect(cnyCost.change).toEqual({ amount: 12 });
    const usdCost = await usd.getProjectDailyCost('beta', INTERVALS);
    expect(usdCost.aggregation[5].amount).toBe(0.5);
  });

  it('compares the last period with the one before, per model', async () => {
    const { client } = setup();
    const entity = await client.getProductInsights({
      product: 'llm',
      group: 'group:default/team-a',
      intervals: INTERVALS,
      project: null,
    });
    expect(entity).toEqual({
      id: 'llm',
      aggregation: [0.3, 1.2],
      change: { ratio: 3, amount: 0.9 },
      entities: {
        model: [
          {
            id: 'claude-sonnet-4',
            aggregation: [0, 0.9],
            change: { amount: 0.9 },
            entities: {},
          },
          {
            id: 'gpt-4o',
            aggregation: [0.3, 0.3],
            change: { ratio: 0, amount: 0 },
            entities: {},
          },
        ],
      },
    });
  });

  it('serves calls and tokens as metrics and refuses others', async () => {
    const { client, getDailyCosts } = setup();
    getDailyCosts.mockResolvedValueOnce({
      points: [
        { ...point('2026-11-02', 'total', '1'), totalTokens: 500 },
        { ...point('2026-11-05', 'total', '1'), totalTokens: 1500 },
      ],
    } as DailyCostsResponse);
    const tokens = await client.getDailyMetricData(
      LLM_COST_INSIGHTS_METRICS.tokens,
      INTERVALS,
    );
    expect(tokens.format).toBe('number');
    expect(tokens.aggregation.map(a => a.amount)).toEqual([
      0, 500, 0, 0, 1500, 0,
    ]);
    expect(tokens.change).toEqual({ ratio: 2, amount: 1000 });
    await expect(client.getDailyMetricData('dau', INTERVALS)).rejects.toThrow(
      /llm-calls, llm-tokens/,
    );
    expect(await client.getAlerts('group:default/team-a')).toEqual([]);
  });
});
