import type {
  CallRecord,
  UsageOverviewResponse,
  UsageTotals,
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
const previousRange = {
  from: '2024-12-02T00:00:00.000Z',
  to: '2025-01-01T00:00:00.000Z',
};

export function overview(
  current: Partial<UsageTotals> = {},
  previous: Partial<UsageTotals> = {},
): UsageOverviewResponse {
  return {
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
    metadata: null,
    ...overrides,
  };
}

/** An API whose every method fails unless a test provides it. */
export function mockLlmUsageApi(
  overrides: Partial<jest.Mocked<LlmUsageApi>> = {},
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
    ...overrides,
  } as jest.Mocked<LlmUsageApi>;
}
