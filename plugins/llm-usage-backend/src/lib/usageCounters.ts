import type { UsageTotals } from '@llm-usage/backstage-plugin-llm-usage-common';

/**
 * The additive part of usage: what a rollup row stores and what a read sums.
 * Every field is a plain sum, so rows from raw calls, hourly and daily rollups
 * can be added together in any order.
 */
export interface UsageCounters
  extends Pick<
    UsageTotals,
    | 'calls'
    | 'successCalls'
    | 'failedCalls'
    | 'processingCalls'
    | 'inputTokens'
    | 'outputTokens'
    | 'cachedTokens'
  > {
  latencyCount: number;
  latencySumMs: number;
  ttftCount: number;
  ttftSumMs: number;
  lastCallAt: number;
}

export function emptyCounters(): UsageCounters {
  return {
    calls: 0,
    successCalls: 0,
    failedCalls: 0,
    processingCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    latencyCount: 0,
    latencySumMs: 0,
    ttftCount: 0,
    ttftSumMs: 0,
    lastCallAt: 0,
  };
}

/** Reads the counters of a rollup row or an aggregate row (snake_case columns). */
export function countersFromRow(row: Record<string, unknown>): UsageCounters {
  return {
    calls: Number(row.call_count),
    successCalls: Number(row.success_count),
    failedCalls: Number(row.failed_count),
    processingCalls: Number(row.processing_count),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedTokens: Number(row.cached_tokens),
    latencyCount: Number(row.latency_count),
    latencySumMs: Number(row.latency_sum_ms),
    ttftCount: Number(row.ttft_count),
    ttftSumMs: Number(row.ttft_sum_ms),
    lastCallAt: Number(row.last_call_at),
  };
}

/** Adds `other` into `into`, field by field. */
export function addCounters(into: UsageCounters, other: UsageCounters) {
  into.calls += other.calls;
  into.successCalls += other.successCalls;
  into.failedCalls += other.failedCalls;
  into.processingCalls += other.processingCalls;
  into.inputTokens += other.inputTokens;
  into.outputTokens += other.outputTokens;
  into.cachedTokens += other.cachedTokens;
  into.latencyCount += other.latencyCount;
  into.latencySumMs += other.latencySumMs;
  into.ttftCount += other.ttftCount;
  into.ttftSumMs += other.ttftSumMs;
  into.lastCallAt = Math.max(into.lastCallAt, other.lastCallAt);
}
