import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  llmUsageAccountManagePermission,
  llmUsageKeyReadPermission,
  type EntityUsageResponse,
  type ProjectListResponse,
  type ProviderBreakdownDimension,
  type ProviderUsageBreakdownResponse,
  type TrendInterval,
  type UsageOverviewResponse,
  type UsageSourceParam,
  type UsageTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { VisibilityScope } from '../database/types';
import type { LlmUsageAuthorizer } from '../permissions';
import { toTimeRange } from '../usage/responseShapes';
import type { UsageService } from '../usage/UsageService';
import {
  type ProjectDirectory,
  projectIdsOf,
} from '../visibility/ProjectDirectory';
import type { VisibilityResolver } from '../visibility/VisibilityResolver';
import type {
  ProviderUsageRestriction,
  ProviderUsageVisibility,
} from './ProviderUsageReader';
import type {
  ProviderProjectQuery,
  ProviderTrendQuery,
  ProviderUsageService,
} from './ProviderUsageService';

interface Range {
  from: number;
  to: number;
}

/** What one caller may see of both sources, provider rights asked once. */
class Viewer {
  private provider?: Promise<ProviderUsageVisibility>;

  constructor(
    readonly scope: VisibilityScope,
    private readonly credentials: BackstageCredentials,
    private readonly authorizer: LlmUsageAuthorizer,
  ) {}

  /** Keys the caller may read; accounts (for usage not split by key) they may see. */
  providerVisibility(): Promise<ProviderUsageVisibility> {
    this.provider ??= Promise.all([
      this.authorizer.keys.filter(this.credentials, llmUsageKeyReadPermission),
      this.authorizer.accounts.filter(
        this.credentials,
        llmUsageAccountManagePermission,
      ),
    ]).then(([keys, accounts]) => ({ keys, accounts }));
    return this.provider;
  }
}

/** Which Component or Group an entity usage read covers. */
export interface EntityUsageTarget {
  entityRef: string;
  /** Projects whose recorded calls count. */
  projectIds: string[];
  /** Keys whose provider-reported usage counts. */
  keys: ProviderUsageRestriction;
}

/**
 * The usage views from either source: recorded calls (UsageService,
 * unchanged) or provider reports (ProviderUsageService). `auto` reads calls
 * and falls back to provider reports when the scope has no calls in the
 * range and the providers reported something; every answer names its source.
 */
export class UsageSources {
  constructor(
    private readonly options: {
      visibility: VisibilityResolver;
      authorizer: LlmUsageAuthorizer;
      calls: UsageService;
      provider: ProviderUsageService;
      projects: ProjectDirectory;
    },
  ) {}

  /** Refuses callers without the usage read permission, as calls do. */
  async viewer(credentials: BackstageCredentials): Promise<Viewer> {
    const scope = await this.options.visibility.scopeFor(credentials);
    return new Viewer(scope, credentials, this.options.authorizer);
  }

  async overview(
    credentials: BackstageCredentials,
    range: Range,
    source: UsageSourceParam,
  ): Promise<UsageOverviewResponse> {
    const viewer = await this.viewer(credentials);
    const fromCalls = () => this.options.calls.overview(viewer.scope, range);
    const fromProvider = async (): Promise<UsageOverviewResponse> => {
      const { current, previous } = await this.options.provider.overview(
        await viewer.providerVisibility(),
        range,
      );
      const previousRange = {
        from: range.from - (range.to - range.from),
        to: range.from,
      };
      return {
        source: 'provider',
        range: toTimeRange(range),
        previousRange: toTimeRange(previousRange),
        current,
        previous,
      };
    };
    return pick(
      source,
      fromCalls,
      fromProvider,
      // Calls in the range itself, as trends and the project list decide.
      r => r.current.calls + r.current.processingCalls > 0,
      r => r.current.totalTokens + r.current.calls + r.current.costs.length > 0,
    );
  }

  async trends(
    credentials: BackstageCredentials,
    query: ProviderTrendQuery,
    source: UsageSourceParam,
  ): Promise<UsageTrendsResponse> {
    const viewer = await this.viewer(credentials);
    return pick(
      source,
      () => this.options.calls.trends(viewer.scope, query),
      async () => {
        const trend = await this.options.provider.trends(
          await viewer.providerVisibility(),
          query,
        );
        return {
          source: 'provider' as const,
          range: toTimeRange(query),
          timeZone: query.tz,
          split: query.split,
          ...trend,
        };
      },
      r => r.points.length > 0,
      r => r.points.length > 0,
    );
  }

  async projectList(
    credentials: BackstageCredentials,
    query: ProviderProjectQuery,
    source: UsageSourceParam,
  ): Promise<ProjectListResponse> {
    const viewer = await this.viewer(credentials);
    return pick(
      source,
      () => this.options.calls.projectList(viewer.scope, query),
      async () => {
        const { items, totalCount } = await this.options.provider.projects(
          await viewer.providerVisibility(),
          query,
          await this.options.projects.projects(),
        );
        return {
          source: 'provider' as const,
          range: toTimeRange(query),
          items,
          totalCount,
          offset: query.offset,
          limit: query.limit,
        };
      },
      r => r.totalCount > 0,
      r => r.totalCount > 0,
    );
  }

  async breakdown(
    credentials: BackstageCredentials,
    range: Range,
    by: ProviderBreakdownDimension,
  ): Promise<ProviderUsageBreakdownResponse> {
    const viewer = await this.viewer(credentials);
    return {
      range: toTimeRange(range),
      by,
      items: await this.options.provider.breakdown(
        await viewer.providerVisibility(),
        range,
        by,
      ),
    };
  }

  /**
   * What an entity's usage covers: a Component's project ids and the keys
   * linked to it; a Group's projects (those of the Components it owns), the
   * keys it owns and the keys linked to its Components.
   */
  async targetOf(entity: Entity): Promise<EntityUsageTarget> {
    const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    if (entity.kind.toLocaleLowerCase('en-US') !== 'group') {
      return {
        entityRef,
        projectIds: projectIdsOf(entity),
        keys: { componentRefs: [entityRef] },
      };
    }
    const components = new Set<string>();
    const projectIds: string[] = [];
    for (const [projectId, linked] of await this.options.projects.projects()) {
      if (
        linked.ownerRefs.some(
          ref => ref.toLocaleLowerCase('en-US') === entityRef,
        )
      ) {
        projectIds.push(projectId);
        components.add(linked.entityRef.toLocaleLowerCase('en-US'));
      }
    }
    return {
      entityRef,
      projectIds,
      keys: { componentRefs: [...components], ownerRefs: [entityRef] },
    };
  }

  async entityUsage(
    credentials: BackstageCredentials,
    target: EntityUsageTarget,
    query: Range & { interval: TrendInterval; tz: string },
    source: UsageSourceParam,
  ): Promise<EntityUsageResponse> {
    const viewer = await this.viewer(credentials);
    const head = {
      entityRef: target.entityRef,
      range: toTimeRange(query),
      timeZone: query.tz,
      projectIds: target.projectIds,
    };
    return pick<EntityUsageResponse>(
      source,
      async () => ({
        ...head,
        source: 'calls' as const,
        interval: query.interval,
        keyCount: 0,
        ...(await this.options.calls.projectsUsage(
          viewer.scope,
          target.projectIds,
          query,
        )),
      }),
      async () => {
        const usage = await this.options.provider.entity(
          await viewer.providerVisibility(),
          target.keys,
          query,
        );
        return {
          ...head,
          source: 'provider' as const,
          interval: usage.trend.interval,
          totals: usage.totals,
          points: usage.trend.points,
          models: usage.models,
          keyCount: usage.keyCount,
        };
      },
      r => r.totals.calls + r.totals.processingCalls > 0,
      r => r.totals.totalTokens + r.totals.calls + r.totals.costs.length > 0,
    );
  }
}

/**
 * The answer of the requested source; for `auto`, calls when they have
 * anything, else provider reports when those do, else the (empty) calls.
 */
async function pick<T>(
  source: UsageSourceParam,
  fromCalls: () => Promise<T>,
  fromProvider: () => Promise<T>,
  callsHaveData: (result: T) => boolean,
  providerHasData: (result: T) => boolean,
): Promise<T> {
  if (source === 'calls') return fromCalls();
  if (source === 'provider') return fromProvider();
  const calls = await fromCalls();
  if (callsHaveData(calls)) return calls;
  const provider = await fromProvider();
  return providerHasData(provider) ? provider : calls;
}
