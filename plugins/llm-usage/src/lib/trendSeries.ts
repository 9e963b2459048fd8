import type {
  UsageTrendPoint,
  UsageTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/** @internal */
export type TrendMetric = 'calls' | 'tokens' | 'cost';

/** @internal */
export const TREND_METRICS: TrendMetric[] = ['calls', 'tokens', 'cost'];

/** Key of the bucket that folds every series beyond the largest ones. */
export const OTHER_SERIES = '__other__';

/** One chart row: the bucket start plus one number per series. */
export type TrendRow = { bucketStart: string } & Record<
  string,
  number | string
>;

/** @internal */
export interface TrendChartData {
  rows: TrendRow[];
  /** Series keys in stacking order, largest first; may end with OTHER_SERIES. */
  series: string[];
}

function valueOf(
  point: UsageTrendPoint,
  metric: TrendMetric,
  currency: string | undefined,
): number {
  switch (metric) {
    case 'tokens':
      return point.totalTokens;
    case 'cost': {
      // One currency at a time: amounts in different currencies never stack.
      const cost = point.costs.find(c => c.currency === currency);
      return cost ? Number(cost.amount) : 0;
    }
    default:
      return point.calls;
  }
}

/** Every currency that appears in the trend, most common first. */
export function trendCurrencies(trends: UsageTrendsResponse): string[] {
  const counts = new Map<string, number>();
  for (const point of trends.points) {
    for (const cost of point.costs) {
      counts.set(cost.currency, (counts.get(cost.currency) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([currency]) => currency);
}

/**
 * Pivots trend points into chart rows. Series beyond `maxSeries` are folded
 * into one "other" series so a split by model stays readable.
 */
export function toTrendChartData(
  trends: UsageTrendsResponse,
  metric: TrendMetric,
  options: { currency?: string; maxSeries?: number } = {},
): TrendChartData {
  const { currency, maxSeries = 6 } = options;

  const totals = new Map<string, number>();
  for (const point of trends.points) {
    totals.set(
      point.series,
      (totals.get(point.series) ?? 0) + valueOf(point, metric, currency),
    );
  }
  const ranked = [...new Set([...trends.series, ...totals.keys()])].sort(
    (a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b),
  );
  const kept =
    ranked.length > maxSeries ? ranked.slice(0, maxSeries - 1) : ranked;
  const keptSet = new Set(kept);
  const series = ranked.length > kept.length ? [...kept, OTHER_SERIES] : kept;

  const rows = new Map<string, TrendRow>();
  for (const point of trends.points) {
    let row = rows.get(point.bucketStart);
    if (!row) {
      row = { bucketStart: point.bucketStart };
      for (const key of series) {
        row[key] = 0;
      }
      rows.set(point.bucketStart, row);
    }
    const key = keptSet.has(point.series) ? point.series : OTHER_SERIES;
    row[key] = (row[key] as number) + valueOf(point, metric, currency);
  }

  return {
    rows: [...rows.values()].sort((a, b) =>
      a.bucketStart < b.bucketStart ? -1 : 1,
    ),
    series,
  };
}
