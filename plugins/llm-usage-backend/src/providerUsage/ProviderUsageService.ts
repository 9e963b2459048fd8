import type {
  LinkedEntity,
  ModelUsage,
  ProjectListResponse,
  ProviderBreakdownDimension,
  ProviderUsageBreakdownItem,
  TrendInterval,
  UsageOverviewResponse,
  UsageTotals,
  UsageTrendPoint,
  UsageTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { PriceBook, PriceResolver } from '../pricing/PriceBook';
import {
  type BucketedRange,
  type EpochRange,
  type ProjectListQuery,
  type TrendQuery,
  overviewOf,
  toTimeRange,
  toTrendPoint,
} from '../usage/responseShapes';
import { timeBuckets } from '../usage/timeBuckets';
import {
  type ProviderUsageDay,
  type ProviderUsageReader,
  type ProviderUsageRestriction,
  type ProviderUsageVisibility,
  dayNoon,
} from './ProviderUsageReader';
import { ProviderUsageSums, sumBy } from './ProviderUsageSums';

export interface ProviderTrend {
  /** Providers report days: an hourly trend is given per day. */
  interval: TrendInterval;
  series: string[];
  points: UsageTrendPoint[];
}

/**
 * The usage views (overview, trends, project list, breakdowns, entity tabs)
 * computed from the usage providers report instead of recorded calls.
 * Requests stand for calls; reported and estimated cost stay apart.
 */
export class ProviderUsageService {
  constructor(
    private readonly reader: ProviderUsageReader,
    private readonly prices: PriceBook,
  ) {}

  /** The days of provider usage the caller may see, and the prices that estimate their cost. */
  private daysAndPrices(
    visibility: ProviderUsageVisibility,
    range: EpochRange,
    restriction?: ProviderUsageRestriction,
  ): Promise<[ProviderUsageDay[], PriceResolver]> {
    return Promise.all([
      this.reader.days(visibility, range, restriction),
      this.prices.resolver(),
    ]);
  }

  async overview(
    visibility: ProviderUsageVisibility,
    range: EpochRange,
  ): Promise<UsageOverviewResponse> {
    return overviewOf('provider', range, period =>
      this.totals(visibility, period),
    );
  }

  async totals(
    visibility: ProviderUsageVisibility,
    range: EpochRange,
    restriction?: ProviderUsageRestriction,
  ): Promise<UsageTotals> {
    const [days, prices] = await this.daysAndPrices(
      visibility,
      range,
      restriction,
    );
    return total(days, prices).toTotals();
  }

  async trends(
    visibility: ProviderUsageVisibility,
    query: TrendQuery,
    restriction?: ProviderUsageRestriction,
  ): Promise<UsageTrendsResponse> {
    const [days, prices] = await this.daysAndPrices(
      visibility,
      query,
      restriction,
    );
    return {
      source: 'provider',
      range: toTimeRange(query),
      timeZone: query.tz,
      split: query.split,
      ...trendOf(days, prices, query),
    };
  }

  async breakdown(
    visibility: ProviderUsageVisibility,
    range: EpochRange,
    by: ProviderBreakdownDimension,
  ): Promise<ProviderUsageBreakdownItem[]> {
    const [days, prices] = await this.daysAndPrices(visibility, range);
    const heads = new Map<string, BreakdownHead>();
    const sums = sumBy(days, prices, day => {
      const head = breakdownHead(day, by);
      if (!heads.has(head.id)) heads.set(head.id, head);
      return head.id;
    });
    return [...sums.entries()]
      .map(([id, entry]) => entry.toBreakdownItem(heads.get(id)!))
      .sort(
        (a, b) => b.totalTokens - a.totalTokens || a.id.localeCompare(b.id),
      );
  }

  /**
   * The project list from provider usage: a key linked to a Component counts
   * for the first project id that Component declares. Keys linked to no
   * Component, or to one declaring no project id, belong to no project.
   */
  async projects(
    visibility: ProviderUsageVisibility,
    query: ProjectListQuery,
    directory: Map<string, LinkedEntity>,
  ): Promise<ProjectListResponse> {
    const projectOfComponent = new Map<string, string>();
    for (const [projectId, entity] of directory) {
      const ref = entity.entityRef.toLocaleLowerCase('en-US');
      if (!projectOfComponent.has(ref)) projectOfComponent.set(ref, projectId);
    }
    const only = query.projectIds ? new Set(query.projectIds) : undefined;
    const [days, prices] = await this.daysAndPrices(visibility, query, {
      componentRefs: [...projectOfComponent.keys()],
    });
    const lastDay = new Map<string, number>();
    const sums = sumBy(days, prices, day => {
      const projectId = day.componentRef
        ? projectOfComponent.get(day.componentRef)
        : undefined;
      if (projectId === undefined || (only && !only.has(projectId))) {
        return undefined;
      }
      lastDay.set(
        projectId,
        Math.max(lastDay.get(projectId) ?? 0, day.dayStart),
      );
      return projectId;
    });
    const needle = query.search?.trim().toLocaleLowerCase('en-US');
    const rows = [...sums.entries()]
      .map(([projectId, usage]) => ({
        projectId,
        usage,
        entity: directory.get(projectId),
      }))
      .filter(
        ({ projectId, entity }) =>
          !needle ||
          projectId.toLocaleLowerCase('en-US').includes(needle) ||
          entity?.title?.toLocaleLowerCase('en-US').includes(needle) ||
          entity?.entityRef.toLocaleLowerCase('en-US').includes(needle),
      );
    const sortKey = (usage: ProviderUsageSums, projectId: string) => {
      switch (query.sort) {
        case 'projectId':
          return projectId;
        case 'calls':
          return usage.requests;
        case 'cost':
          return (
            usage.costs.dominantNanos() || usage.estimatedCosts.dominantNanos()
          );
        case 'lastCall':
          return lastDay.get(projectId) ?? 0;
        default:
          // Providers report no success rate or latency: by tokens instead.
          return usage.totalTokens;
      }
    };
    const direction = query.order === 'asc' ? 1 : -1;
    rows.sort((a, b) => {
      const x = sortKey(a.usage, a.projectId);
      const y = sortKey(b.usage, b.projectId);
      if (x === y) return a.projectId.localeCompare(b.projectId);
      return (x < y ? -1 : 1) * direction;
    });
    return {
      source: 'provider',
      range: toTimeRange(query),
      items: rows
        .slice(query.offset, query.offset + query.limit)
        .map(({ projectId, usage, entity }) => ({
          projectId,
          ...usage.toTotals(),
          lastCallAt: lastDay.has(projectId)
            ? new Date(lastDay.get(projectId)!).toISOString()
            : null,
          entity,
        })),
      totalCount: rows.length,
      offset: query.offset,
      limit: query.limit,
    };
  }

  /** An entity's keys: totals, a trend of one series and the models. */
  async entity(
    visibility: ProviderUsageVisibility,
    restriction: ProviderUsageRestriction,
    query: BucketedRange,
  ): Promise<{
    totals: UsageTotals;
    trend: ProviderTrend;
    models: ModelUsage[];
    keyCount: number;
  }> {
    const [days, prices] = await this.daysAndPrices(
      visibility,
      query,
      restriction,
    );
    const totals = total(days, prices);
    const models = sumBy(
      days,
      prices,
      day => `${day.provider}\u0000${day.model}`,
    );
    const share = (usage: ProviderUsageSums) => {
      if (totals.requests > 0) return usage.requests / totals.requests;
      return totals.totalTokens > 0
        ? usage.totalTokens / totals.totalTokens
        : 0;
    };
    return {
      totals: totals.toTotals(),
      trend: trendOf(days, prices, { ...query, split: 'none' }),
      models: [...models.entries()]
        .map(([key, usage]) => {
          const [provider, model] = key.split('\u0000');
          return {
            provider,
            model,
            calls: usage.requests,
            totalTokens: usage.totalTokens,
            costs: usage.costs.toAmounts(),
            estimatedCosts: usage.estimatedCosts.toAmounts(),
            share: share(usage),
          };
        })
        .sort(
          (a, b) =>
            b.totalTokens - a.totalTokens || a.model.localeCompare(b.model),
        ),
      keyCount: new Set(days.map(day => day.keyId).filter(Boolean)).size,
    };
  }
}

function total(days: ProviderUsageDay[], prices: PriceResolver) {
  const sums = new ProviderUsageSums(prices);
  for (const day of days) sums.add(day);
  return sums;
}

function trendOf(
  days: ProviderUsageDay[],
  prices: PriceResolver,
  query: TrendQuery,
): ProviderTrend {
  const interval = query.interval === 'hour' ? 'day' : query.interval;
  const buckets = timeBuckets(query.from, query.to, interval, query.tz);
  const bucketOf = (day: ProviderUsageDay) => {
    const noon = dayNoon(day.dayStart);
    // The last bucket starting at or before the day's noon.
    let low = 0;
    let high = buckets.starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (buckets.starts[mid] <= noon) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const seriesOf = (day: ProviderUsageDay) => {
    if (query.split === 'provider') return day.provider;
    if (query.split === 'model') return day.model;
    return 'total';
  };
  const sums = sumBy(
    days,
    prices,
    day => `${bucketOf(day)}\u0000${seriesOf(day)}`,
  );
  const series = new Set<string>();
  const points = [...sums.entries()]
    .map(([key, usage]) => {
      const [bucket, name] = key.split('\u0000');
      series.add(name);
      return {
        bucket: Number(bucket),
        point: toTrendPoint(
          buckets.labels[Number(bucket)],
          name,
          usage.toTotals(),
        ),
      };
    })
    .sort(
      (a, b) =>
        a.bucket - b.bucket || a.point.series.localeCompare(b.point.series),
    )
    .map(({ point }) => point);
  return { interval, series: [...series].sort(), points };
}

type BreakdownHead = Pick<
  ProviderUsageBreakdownItem,
  'id' | 'label' | 'provider' | 'accountId'
>;

function breakdownHead(
  day: ProviderUsageDay,
  by: ProviderBreakdownDimension,
): BreakdownHead {
  switch (by) {
    case 'account':
      return {
        id: day.accountId,
        label: day.accountName,
        provider: day.provider,
        accountId: day.accountId,
      };
    case 'model':
      return {
        id: `${day.provider}/${day.model}`,
        label: day.model,
        provider: day.provider,
        accountId: null,
      };
    case 'provider':
      return {
        id: day.provider,
        label: day.provider,
        provider: day.provider,
        accountId: null,
      };
    default:
      return {
        id: day.keyId ?? `${day.accountId}:${day.providerKeyId}`,
        label: day.keyName ?? day.providerKeyId,
        provider: day.provider,
        accountId: day.accountId,
      };
  }
}
