import type {
  CallRecord,
  EntityUsageResponse,
  UsageSource,
  ProjectListResponse,
  ProjectModelsResponse,
  ProjectStatsResponse,
  ProjectTrendsResponse,
  ProjectUsage,
  UsageOverviewResponse,
  UsageTotals,
  UsageTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { LlmUsageApi } from '../api';

export function totals(overrides: Partial<UsageTotals> = {}): UsageTotals {
  return {
    calls: 0,
    successCalls: 0,
    failedCalls: 0,
    processingCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    totalTokens: 0,
    costs: [],
    pricedCosts: [],
    successRate: null,
    avgLatencyMs: null,
    p95LatencyMs: null,
    ...overrides,
  };
}

const range = {
  from: '2025-01-01T00:00:00.000Z',
  to: '2025-01-31T00:00:00.000Z',
};

/** An entity's usage from one source; empty unless totals are given. */
export function entityUsage(
  entityRef: string,
  source: UsageSource,
  overrides: Partial<UsageTotals> = {},
): EntityUsageResponse {
  const usage = totals(overrides);
  return {
    entityRef,
    source,
    range,
    interval: 'day',
    timeZone: 'UTC',
    totals: usage,
    points:
      usage.totalTokens > 0
        ? [
            {
              bucketStart: '2025-01-02T00:00:00.000Z',
              series: 'total',
              calls: usage.calls,
              successCalls: usage.successCalls,
              failedCalls: 0,
              inputTokens: usage.inputTokens,
              outputTokens: usage.outputTokens,
              totalTokens: usage.totalTokens,
              costs: usage.costs,
              estimatedCosts: usage.estimatedCosts,
            },
          ]
        : [],
    models: [],
    projectIds: [],
    keyCount: source === 'provider' ? 1 : 0,
  };
}
const previousRange = {
  from: '2024-12-02T00:00:00.000Z',
  to: '2025-01-01T00:00:00.000Z',
};

export function overview(
  current: Partial<UsageTotals> = {},
  previous: Partial<UsageTotals> = {},
): UsageOverviewResponse {
  return {
    source: 'calls',
    range,
    previousRange,
    current: totals(current),
    previous: totals(previous),
  };
}

export const busyOverview = overview(
  {
    calls: 12345,
    successCalls: 11700,
    failedCalls: 645,
    inputTokens: 3_000_000,
    outputTokens: 1_200_000,
    totalTokens: 4_200_000,
    costs: [
      { currency: 'USD', amount: '1234.5' },
      { currency: 'CNY', amount: '88.12' },
    ],
    successRate: 0.9477,
    avgLatencyMs: 820,
    p95LatencyMs: 2400,
  },
  {
    calls: 10000,
    successCalls: 9700,
    failedCalls: 300,
    totalTokens: 4_200_000,
    costs: [{ currency: 'USD', amount: '1000' }],
    successRate: 0.97,
  },
);

export function call(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id: 'call-1',
    timestamp: '2025-01-30T10:15:00.000Z',
    userRef: 'user:default/jane',
    projectId: 'chatbot',
    apiKeyId: 'key-1',
    provider: 'openai',
    model: 'gpt-4o',
    type: 'chat',
    status: 'success',
    errorReason: null,
    durationMs: 850,
    ttftMs: 120,
    inputTokens: 1000,
    outputTokens: 250,
    cachedTokens: 0,
    cost: '0.0125',
    currency: 'USD',
    costSource: 'reported',
    metadata: null,
    ...overrides,
  };
}

/** Mock implementations per API method, loosely typed for brevity in tests. */
export type LlmUsageApiOverrides = { [K in keyof LlmUsageApi]?: jest.Mock };

/** An API whose every method fails unless a test provides it. */
export function mockLlmUsageApi(
  overrides: LlmUsageApiOverrides = {},
): jest.Mocked<LlmUsageApi> {
  const unexpected = (name: string) =>
    jest.fn(async () => {
      throw new Error(`unexpected call to ${name}`);
    });
  return {
    getOverview: unexpected('getOverview'),
    getProjects: unexpected('getProjects'),
    getTrends: unexpected('getTrends'),
    getProjectStats: unexpected('getProjectStats'),
    getProjectTrends: unexpected('getProjectTrends'),
    getProjectModels: unexpected('getProjectModels'),
    getProjectCalls: unexpected('getProjectCalls'),
    // Project pages show an SLO card; by default the project declares none.
    getProjectSlo: jest.fn(async (projectId: string) => ({
      projectId,
      source: null,
      evaluatedUntil: '2025-01-31T00:00:00.000Z',
      objectives: [],
      invalidAnnotations: [],
    })),
    // Entity tabs ask which source to show; by default recorded calls.
    getEntityUsage: jest.fn(async (entityRef: string) =>
      entityUsage(entityRef, 'calls'),
    ),
    getProviderBreakdown: unexpected('getProviderBreakdown'),
    getGroupProjects: unexpected('getGroupProjects'),
    getGroupSpend: unexpected('getGroupSpend'),
    getDailyCosts: unexpected('getDailyCosts'),
    // Pages ask for it to label demo data; a real installation by default.
    getInfo: jest.fn(async () => ({
      demoDataEnabled: false,
      rolledUntil: null,
    })),
    exportProjects: unexpected('exportProjects'),
    // The plugin's page tells the backend the app's language.
    updateLanguagePreference: jest.fn(async () => ({
      language: null,
      defaultLanguage: 'en' as const,
    })),
    exportProjectCalls: unexpected('exportProjectCalls'),
    // The dashboard's quota section asks; no budget or balance hides it.
    getQuota: jest.fn(async () => ({
      generatedAt: '2026-11-25T12:00:00.000Z',
      budgets: [],
      balances: [],
    })),
    ...overrides,
  } as jest.Mocked<LlmUsageApi>;
}

export function projectList(
  items: ProjectUsage[],
  totalCount = items.length,
): ProjectListResponse {
  return { source: 'calls', range, items, totalCount, offset: 0, limit: 10 };
}

export function project(
  projectId: string,
  overrides: Partial<ProjectUsage> = {},
): ProjectUsage {
  return {
    ...totals({
      calls: 100,
      successCalls: 95,
      failedCalls: 5,
      totalTokens: 50_000,
      costs: [{ currency: 'USD', amount: '12.5' }],
      successRate: 0.95,
      p95LatencyMs: 1800,
    }),
    projectId,
    lastCallAt: '2025-01-30T10:15:00.000Z',
    ...overrides,
  };
}

export const usageTrends: UsageTrendsResponse = {
  source: 'calls',
  range,
  interval: 'day',
  timeZone: 'UTC',
  split: 'none',
  series: ['total'],
  points: [1, 2, 3].map(day => ({
    bucketStart: `2025-01-0${day}T00:00:00.000Z`,
    series: 'total',
    calls: day * 100,
    successCalls: day * 95,
    failedCalls: day * 5,
    inputTokens: day * 1000,
    outputTokens: day * 200,
    totalTokens: day * 1200,
    costs: [
      { currency: 'USD', amount: `${day}.5` },
      { currency: 'CNY', amount: `${day * 7}` },
    ],
  })),
};

export function projectStats(
  projectId: string,
  stats: Partial<UsageTotals> = {},
): ProjectStatsResponse {
  return {
    projectId,
    range,
    stats: totals(stats),
    entity: {
      entityRef: 'component:default/chatbot',
      title: 'Chatbot Service',
      ownerRefs: ['group:default/ai-team'],
    },
  };
}

export function projectTrends(
  projectId: string,
  calls: number[] = [10, 20, 30],
): ProjectTrendsResponse {
  return {
    projectId,
    range,
    interval: 'day',
    timeZone: 'UTC',
    points: calls.map((n, i) => ({
      bucketStart: `2025-01-0${i + 1}T00:00:00.000Z`,
      calls: n,
      failedCalls: Math.round(n / 10),
      avgLatencyMs: n ? 800 : null,
      p95LatencyMs: n ? 2000 : null,
    })),
  };
}

export function projectModels(
  projectId: string,
  models: Array<[string, number]> = [
    ['gpt-4o', 0.7],
    ['claude-3-5-sonnet', 0.3],
  ],
): ProjectModelsResponse {
  return {
    projectId,
    range,
    models: models.map(([model, share]) => ({
      provider: model.startsWith('gpt') ? 'openai' : 'anthropic',
      model,
      calls: Math.round(share * 100),
      totalTokens: 1000,
      costs: [],
      share,
    })),
  };
}
