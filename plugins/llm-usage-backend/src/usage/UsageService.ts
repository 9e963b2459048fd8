import { NotFoundError } from '@backstage/errors';
import type {
  CallListResponse,
  CallRecord,
  CallSortField,
  CallStatus,
  CallType,
  LinkedEntity,
  ModelUsage,
  ProjectListResponse,
  ProjectModelsResponse,
  ProjectSortField,
  ProjectStatsResponse,
  ProjectTrendsResponse,
  ProjectUsage,
  SortOrder,
  TrendSplit,
  UsageOverviewResponse,
  UsageTotals,
  UsageTrendPoint,
  UsageTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { CallCursor, CallStore } from '../database/CallStore';
import type {
  AggregateRequest,
  UsageGroup,
  UsageQueries,
} from './UsageQueries';
import type { RollupState } from '../rollup/RollupStore';
import { readAhead } from '../lib/readAhead';
import type { VisibilityScope } from '../database/types';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';
import { UsageAccumulator } from './UsageAccumulator';
import { timeBuckets } from './timeBuckets';
import {
  type BucketedRange,
  type EpochRange,
  type ProjectListFilter,
  type ProjectListQuery,
  type TrendQuery,
  overviewOf,
  toTimeRange,
  toTrendPoint,
} from './responseShapes';
import { encodeCursor } from './callCursor';
import { keysetRows } from '../export/tableExport';

type SortValue = number | bigint | string | null;

type CallQuery = EpochRange & {
  model?: string;
  status?: CallStatus;
  type?: CallType;
  sort: CallSortField;
  order: SortOrder;
};

/** Rows per database read when a call list is exported. */
const EXPORT_PAGE_SIZE = 1000;

/** A project of the list before its response item is built. */
interface RankedProject {
  projectId: string;
  usage: UsageAccumulator;
  entity?: LinkedEntity;
}

/**
 * Sort keys straight from the sums where they can be, so only the page that
 * is returned needs its totals (costs formatted, percentiles read) built.
 */
const PROJECT_SORT_KEYS: Record<
  ProjectSortField,
  (project: RankedProject) => SortValue
> = {
  calls: ({ usage }) => usage.counters.calls,
  cost: ({ usage }) => usage.costs.dominantNanos(),
  tokens: ({ usage }) =>
    usage.counters.inputTokens + usage.counters.outputTokens,
  successRate: ({ usage }) => usage.toTotals().successRate,
  p95Latency: ({ usage }) => usage.toTotals().p95LatencyMs,
  lastCall: ({ usage }) => usage.counters.lastCallAt,
  projectId: ({ projectId }) => projectId,
};

/** Nulls sort first ascending, last descending. */
function compare(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b);
  return a < b ? -1 : 1;
}

/** Turns aggregates into the responses of the usage endpoints. */
export class UsageService {
  constructor(
    private readonly queries: UsageQueries,
    private readonly calls: CallStore,
    private readonly projects: ProjectDirectory,
    /** What this service's reads plan against; absent, each reads its own. */
    private readonly rollupState?: Promise<RollupState>,
  ) {}

  /**
   * This service for one request's reads, which plan against the rollup
   * state read from now on: started before the caller is authorized, the
   * two overlap.
   */
  readingStateAhead(): UsageService {
    return new UsageService(
      this.queries,
      this.calls,
      this.projects,
      readAhead(this.queries.readRollupState()),
    );
  }

  async overview(
    scope: VisibilityScope,
    range: EpochRange,
  ): Promise<UsageOverviewResponse> {
    return overviewOf('calls', range, async period =>
      (await this.totals(scope, period)).toTotals(),
    );
  }

  async projectList(
    scope: VisibilityScope,
    query: ProjectListQuery,
  ): Promise<ProjectListResponse> {
    // Every project's sketch, whatever the sort: one read serves every sort
    // and page. A read of the page's sketches alone was cheaper until the
    // page changed (a project moving in or out of it as the range moves);
    // then its first day came from raw calls again.
    const ranked = await this.rankedProjects(scope, query);
    const items = ranked
      .slice(query.offset, query.offset + query.limit)
      .map(toProjectUsage);
    return {
      source: 'calls',
      range: toTimeRange(query),
      items,
      totalCount: ranked.length,
      offset: query.offset,
      limit: query.limit,
    };
  }

  /** Every project of the list, filtered and sorted as the list is (for exports). */
  async sortedProjects(
    scope: VisibilityScope,
    query: ProjectListFilter,
  ): Promise<ProjectUsage[]> {
    return (await this.rankedProjects(scope, query)).map(toProjectUsage);
  }

  private async rankedProjects(
    scope: VisibilityScope,
    query: ProjectListFilter,
  ): Promise<RankedProject[]> {
    const [groups, directory] = await Promise.all([
      // The read names none of the list's own parameters (sort, page,
      // search), so that one cached read serves them all.
      this.aggregate({
        scope,
        from: query.from,
        to: query.to,
        projectIds: query.projectIds,
        groupBy: ['project'],
        withLatency: true,
      }),
      this.projects.projects(),
    ]);
    const needle = query.search?.trim().toLocaleLowerCase('en-US');
    const key = PROJECT_SORT_KEYS[query.sort];
    const ranked = groups
      .map(({ dimensions, usage }): RankedProject => {
        const projectId = dimensions.project!;
        return { projectId, usage, entity: directory.get(projectId) };
      })
      .filter(
        ({ projectId, entity }) =>
          !needle ||
          projectId.toLocaleLowerCase('en-US').includes(needle) ||
          entity?.title?.toLocaleLowerCase('en-US').includes(needle) ||
          entity?.entityRef.toLocaleLowerCase('en-US').includes(needle),
      )
      // Keys once per project, not once per comparison.
      .map(project => ({ project, key: key(project) }));
    const direction = query.order === 'asc' ? 1 : -1;
    ranked.sort((a, b) => {
      const order = compare(a.key, b.key);
      return order !== 0
        ? order * direction
        : a.project.projectId.localeCompare(b.project.projectId);
    });
    return ranked.map(r => r.project);
  }

  async trends(
    scope: VisibilityScope,
    query: TrendQuery,
  ): Promise<UsageTrendsResponse> {
    const buckets = timeBuckets(query.from, query.to, query.interval, query.tz);
    const groups = await this.aggregate({
      scope,
      ...query,
      groupBy: query.split === 'none' ? [] : [query.split],
      buckets: buckets.starts,
    });
    return {
      source: 'calls',
      range: toTimeRange(query),
      interval: query.interval,
      timeZone: query.tz,
      split: query.split,
      ...trendOf(groups, buckets.labels, query.split),
    };
  }

  /**
   * The calls of some projects (an entity's) as one view: totals, a trend
   * of one series and the models. No projects is no calls.
   */
  async projectsUsage(
    scope: VisibilityScope,
    projectIds: string[],
    query: BucketedRange,
  ): Promise<{
    totals: UsageTotals;
    points: UsageTrendPoint[];
    models: ModelUsage[];
  }> {
    if (projectIds.length === 0) {
      return {
        totals: new UsageAccumulator().toTotals(),
        points: [],
        models: [],
      };
    }
    const buckets = timeBuckets(query.from, query.to, query.interval, query.tz);
    const [totals, trend, models] = await Promise.all([
      this.aggregate({
        scope,
        ...query,
        projectIds,
        withLatency: true,
      }),
      this.aggregate({
        scope,
        ...query,
        projectIds,
        buckets: buckets.starts,
      }),
      this.aggregate({
        scope,
        ...query,
        projectIds,
        groupBy: ['provider', 'model'],
      }),
    ]);
    const total = new UsageAccumulator();
    for (const group of totals) total.merge(group.usage);
    return {
      totals: total.toTotals(),
      points: trendOf(trend, buckets.labels, 'none').points,
      models: toModelUsage(models),
    };
  }

  async projectStats(
    scope: VisibilityScope,
    projectId: string,
    range: EpochRange,
  ): Promise<ProjectStatsResponse> {
    const entity = await this.requireProject(scope, projectId);
    const usage = await this.totals(scope, range, projectId);
    return {
      projectId,
      range: toTimeRange(range),
      stats: usage.toTotals(),
      entity,
    };
  }

  async projectTrends(
    scope: VisibilityScope,
    projectId: string,
    query: BucketedRange,
  ): Promise<ProjectTrendsResponse> {
    await this.requireProject(scope, projectId);
    const buckets = timeBuckets(query.from, query.to, query.interval, query.tz);
    const groups = await this.aggregate({
      scope,
      ...query,
      projectId,
      buckets: buckets.starts,
      withLatency: true,
    });
    const byBucket = new Map(groups.map(g => [g.bucket, g.usage.toTotals()]));
    return {
      projectId,
      range: toTimeRange(query),
      interval: query.interval,
      timeZone: query.tz,
      points: buckets.labels.map((bucketStart, index) => {
        const totals = byBucket.get(index);
        return {
          bucketStart,
          calls: totals?.calls ?? 0,
          failedCalls: totals?.failedCalls ?? 0,
          avgLatencyMs: totals?.avgLatencyMs ?? null,
          p95LatencyMs: totals?.p95LatencyMs ?? null,
        };
      }),
    };
  }

  async projectModels(
    scope: VisibilityScope,
    projectId: string,
    range: EpochRange,
  ): Promise<ProjectModelsResponse> {
    await this.requireProject(scope, projectId);
    const groups = await this.aggregate({
      scope,
      ...range,
      projectId,
      groupBy: ['provider', 'model'],
    });
    return {
      projectId,
      range: toTimeRange(range),
      models: toModelUsage(groups),
    };
  }

  async projectCalls(
    scope: VisibilityScope,
    projectId: string,
    query: CallQuery & { limit: number; after?: CallCursor },
  ): Promise<CallListResponse> {
    await this.requireProject(scope, projectId);
    const page = await this.calls.list(
      { scope, projectId, ...query },
      query.sort,
      query.order,
      query.limit,
      query.after,
    );
    return {
      items: page.items,
      nextCursor: page.next ? encodeCursor(page.next) : undefined,
      ...(page.rawCallsSince
        ? { rawCallsSince: new Date(page.rawCallsSince).toISOString() }
        : {}),
    };
  }

  /**
   * Every call of the project matching the filters, in list order, read one
   * keyset page at a time (for exports). The project check runs on the first read.
   */
  async *allProjectCalls(
    scope: VisibilityScope,
    projectId: string,
    query: CallQuery,
  ): AsyncGenerator<CallRecord> {
    await this.requireProject(scope, projectId);
    yield* keysetRows<CallRecord, CallCursor>(after =>
      this.calls.list(
        { scope, projectId, ...query },
        query.sort,
        query.order,
        EXPORT_PAGE_SIZE,
        after,
      ),
    );
  }

  private async totals(
    scope: VisibilityScope,
    range: EpochRange,
    projectId?: string,
  ) {
    const groups = await this.aggregate({
      scope,
      ...range,
      projectId,
      withLatency: true,
    });
    const total = new UsageAccumulator();
    for (const group of groups) total.merge(group.usage);
    return total;
  }

  private aggregate(request: AggregateRequest): Promise<UsageGroup[]> {
    return this.queries.aggregate(request, this.rollupState);
  }

  /** A project exists for the caller if it is in the catalog or they can see a call of it. */
  private async requireProject(scope: VisibilityScope, projectId: string) {
    const entity = await this.projects.entityOf(projectId);
    if (!entity && !(await this.calls.hasVisibleCalls(scope, projectId))) {
      throw new NotFoundError(`No project '${projectId}'`);
    }
    return entity;
  }
}

function toProjectUsage({
  projectId,
  usage,
  entity,
}: RankedProject): ProjectUsage {
  return {
    projectId,
    ...usage.toTotals(),
    lastCallAt: usage.counters.lastCallAt
      ? new Date(usage.counters.lastCallAt).toISOString()
      : null,
    entity,
  };
}

/** Usage per bucket (and series when split), in bucket then series order. */
function trendOf(
  groups: UsageGroup[],
  labels: readonly string[],
  split: TrendSplit,
): { series: string[]; points: UsageTrendPoint[] } {
  const series = new Set<string>();
  const points = groups
    .map(({ dimensions, bucket, usage }) => {
      const name = split === 'none' ? 'total' : dimensions[split]!;
      series.add(name);
      return {
        bucket,
        point: toTrendPoint(labels[bucket], name, usage.toTotals()),
      };
    })
    .sort(
      (a, b) =>
        a.bucket - b.bucket || a.point.series.localeCompare(b.point.series),
    )
    .map(({ point }) => point);
  return { series: [...series].sort(), points };
}

/** Usage per (provider, model) with each one's share of the calls, most calls first. */
function toModelUsage(groups: UsageGroup[]): ModelUsage[] {
  const totalCalls = groups.reduce((sum, g) => sum + g.usage.counters.calls, 0);
  return groups
    .map(({ dimensions, usage }) => {
      const totals = usage.toTotals();
      return {
        provider: dimensions.provider!,
        model: dimensions.model!,
        calls: totals.calls,
        totalTokens: totals.totalTokens,
        costs: totals.costs,
        share: totalCalls > 0 ? totals.calls / totalCalls : 0,
      };
    })
    .sort((a, b) => b.calls - a.calls || a.model.localeCompare(b.model));
}
