import type {
  ProjectSortField,
  SortOrder,
  TimeRange,
  TrendInterval,
  TrendSplit,
  UsageOverviewResponse,
  UsageSource,
  UsageTotals,
  UsageTrendPoint,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/** A half-open range of time in epoch ms: [from, to). */
export interface EpochRange {
  from: number;
  to: number;
}

/** A range read in buckets of an interval, in a time zone. */
export type BucketedRange = EpochRange & {
  interval: TrendInterval;
  tz: string;
};

/** A trend: a bucketed range, in one series or split into several. */
export type TrendQuery = BucketedRange & { split: TrendSplit };

/** The project list's filters and order, from either source. */
export type ProjectListFilter = EpochRange & {
  /** Only these projects (e.g. those a Group owns). */
  projectIds?: string[];
  search?: string;
  sort: ProjectSortField;
  order: SortOrder;
};

/** A page of the project list. */
export type ProjectListQuery = ProjectListFilter & {
  offset: number;
  limit: number;
};

/** A range in epoch ms as the API gives it (ISO 8601). */
export function toTimeRange(range: EpochRange): TimeRange {
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

/**
 * The overview of a range from either source: its totals beside those of
 * the period of the same length just before it.
 */
export async function overviewOf(
  source: UsageSource,
  range: EpochRange,
  totalsOf: (range: EpochRange) => Promise<UsageTotals>,
): Promise<UsageOverviewResponse> {
  const previousRange = {
    from: range.from - (range.to - range.from),
    to: range.from,
  };
  const [current, previous] = await Promise.all([
    totalsOf(range),
    totalsOf(previousRange),
  ]);
  return {
    source,
    range: toTimeRange(range),
    previousRange: toTimeRange(previousRange),
    current,
    previous,
  };
}
