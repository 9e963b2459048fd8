import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type {
  CostAmount,
  DailyCostSplit,
  DailyCostsResponse,
  UsageTotals,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { UsageDimension, UsageQueries } from '../usage/UsageQueries';
import type { VisibilityScope } from '../database/types';
import { formatNanos } from '../lib/money';
import { UsageAccumulator } from '../usage/UsageAccumulator';
import { timeBuckets } from '../usage/timeBuckets';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';

export interface ReportRange {
  from: number;
  to: number;
}

/** Whose usage a report covers; nothing means everything the caller sees. */
export interface ReportTarget {
  projectId?: string;
  /** A Component (its projects) or a Group / User (the projects it owns). */
  entityRef?: string;
}

export interface ResolvedTarget {
  /** undefined: every project in the caller's scope. */
  projectIds?: string[];
  entityRef?: string;
}

export interface UsageSummary extends UsageTotals {
  projectIds: string[];
}

export type SpenderDimension = Extract<UsageDimension, 'project' | 'model'>;

export interface Spender {
  name: string;
  cost: string;
  calls: number;
  totalTokens: number;
  /** The catalog Component of a project, when one declares it. */
  entityRef?: string;
}

/**
 * Usage reports for tools outside the dashboard (assistant actions, Cost
 * Insights): totals, rankings and daily costs over a project or an entity,
 * always inside the caller's visibility scope.
 */
export class UsageReports {
  constructor(
    private readonly queries: UsageQueries,
    private readonly projects: ProjectDirectory,
  ) {}

  /** The project ids a target stands for. */
  async resolveTarget(target: ReportTarget): Promise<ResolvedTarget> {
    if (target.projectId !== undefined && target.entityRef !== undefined) {
      throw new InputError(
        "Invalid 'entityRef': give either a projectId or an entityRef, not both",
      );
    }
    if (target.projectId !== undefined) {
      return { projectIds: [target.projectId] };
    }
    if (target.entityRef === undefined) {
      return {};
    }
    let ref;
    try {
      ref = parseEntityRef(target.entityRef, { defaultKind: 'group' });
    } catch {
      throw new InputError(
        "Invalid 'entityRef': must be an entity ref such as group:default/team-a",
      );
    }
    const entityRef = stringifyEntityRef(ref).toLocaleLowerCase('en-US');
    if (ref.kind.toLocaleLowerCase('en-US') === 'component') {
      const directory = await this.projects.projects();
      const projectIds = [...directory]
        .filter(
          ([, entity]) =>
            entity.entityRef.toLocaleLowerCase('en-US') === entityRef,
        )
        .map(([projectId]) => projectId);
      return { projectIds, entityRef };
    }
    return {
      projectIds: await this.projects.projectIdsOwnedBy([entityRef]),
      entityRef,
    };
  }

  /** Totals with exact costs per currency and a merged P95. */
  async summary(
    scope: VisibilityScope,
    target: ResolvedTarget,
    range: ReportRange,
  ): Promise<UsageSummary> {
    const total = new UsageAccumulator();
    const projectIds = new Set<string>();
    for (const group of await this.grouped(scope, target, range, [], true)) {
      total.merge(group.usage);
      projectIds.add(group.dimensions.project!);
    }
    return { ...total.toTotals(), projectIds: [...projectIds].sort() };
  }

  /** The biggest spenders in one currency, by project or by model. */
  async topSpenders(
    scope: VisibilityScope,
    range: ReportRange,
    by: SpenderDimension,
    currency: string,
    limit: number,
  ): Promise<Spender[]> {
    const groups = await this.queries.aggregate({
      scope,
      ...range,
      groupBy: [by],
    });
    const directory =
      by === 'project' ? await this.projects.projects() : undefined;
    return groups
      .map(({ dimensions, usage }) => ({
        name: dimensions[by]!,
        nanos: usage.costs.nanos(currency),
        usage,
      }))
      .filter(row => row.nanos > 0n)
      .sort((a, b) => {
        if (a.nanos === b.nanos) return a.name.localeCompare(b.name);
        return a.nanos > b.nanos ? -1 : 1;
      })
      .slice(0, limit)
      .map(({ name, nanos, usage }) => ({
        name,
        cost: formatNanos(nanos),
        calls: usage.counters.calls,
        totalTokens: usage.counters.inputTokens + usage.counters.outputTokens,
        entityRef: directory?.get(name)?.entityRef,
      }));
  }

  /** Cost per calendar day of a time zone, optionally split. */
  async dailyCosts(
    scope: VisibilityScope,
    target: ResolvedTarget,
    query: ReportRange & { split: DailyCostSplit; tz: string },
  ): Promise<DailyCostsResponse> {
    const buckets = timeBuckets(query.from, query.to, 'day', query.tz);
    const dates = buckets.labels.map(label => label.slice(0, 10));
    const split: UsageDimension[] = query.split === 'none' ? [] : [query.split];
    const groups = await this.grouped(scope, target, query, split, false, {
      buckets: buckets.starts,
    });
    const points = new Map<
      string,
      { bucket: number; series: string; usage: UsageAccumulator }
    >();
    for (const { dimensions, bucket, usage } of groups) {
      const series =
        query.split === 'none' ? 'total' : dimensions[query.split]!;
      const key = `${bucket}\n${series}`;
      const point = points.get(key) ?? {
        bucket,
        series,
        usage: new UsageAccumulator(),
      };
      point.usage.merge(usage);
      points.set(key, point);
    }
    const sorted = [...points.values()].sort(
      (a, b) => a.bucket - b.bucket || a.series.localeCompare(b.series),
    );
    return {
      range: {
        from: new Date(query.from).toISOString(),
        to: new Date(query.to).toISOString(),
      },
      timeZone: query.tz,
      split: query.split,
      projectIds: target.projectIds ? [...target.projectIds].sort() : [],
      dates,
      series: [...new Set(sorted.map(p => p.series))].sort(),
      points: sorted.map(({ bucket, series, usage }) => ({
        date: dates[bucket],
        series,
        calls: usage.counters.calls,
        totalTokens: usage.counters.inputTokens + usage.counters.outputTokens,
        costs: usage.costs.toAmounts() as CostAmount[],
      })),
    };
  }

  /**
   * Groups by project (and `extra`) so a target of several projects can be
   * cut out of the caller's scope; one project is filtered in SQL.
   */
  private async grouped(
    scope: VisibilityScope,
    target: ResolvedTarget,
    range: ReportRange,
    extra: UsageDimension[],
    withLatency: boolean,
    options: { buckets?: readonly number[] } = {},
  ) {
    if (target.projectIds?.length === 0) {
      return [];
    }
    const single =
      target.projectIds?.length === 1 ? target.projectIds[0] : undefined;
    const groups = await this.queries.aggregate({
      scope,
      ...range,
      projectId: single,
      groupBy: ['project', ...extra.filter(d => d !== 'project')],
      withLatency,
      buckets: options.buckets,
    });
    if (!target.projectIds || single !== undefined) {
      return groups;
    }
    const wanted = new Set(target.projectIds);
    return groups.filter(group => wanted.has(group.dimensions.project!));
  }
}
