import type {
  TimeRange,
  UsageTotals,
  UsageTrendPoint,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/** A range in epoch ms as the API gives it (ISO 8601). */
export function toTimeRange(range: { from: number; to: number }): TimeRange {
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
  };
}

/** One bucket of one series of a trend, from that bucket's totals. */
export function toTrendPoint(
  bucketStart: string,
  series: string,
  totals: UsageTotals,
): UsageTrendPoint {
  return {
    bucketStart,
    series,
    calls: totals.calls,
    successCalls: totals.successCalls,
    failedCalls: totals.failedCalls,
    inputTokens: totals.inputTokens,
    outputTokens: totals.outputTokens,
    totalTokens: totals.totalTokens,
    costs: totals.costs,
    ...(totals.estimatedCosts ? { estimatedCosts: totals.estimatedCosts } : {}),
  };
}
