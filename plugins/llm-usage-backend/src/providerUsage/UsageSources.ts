import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  llmUsageAccountManagePermission,
  llmUsageKeyReadPermission,
  type EntityUsageResponse,
  type ProjectListResponse,
  type ProviderBreakdownDimension,
  type ProviderUsageBreakdownResponse,
  type UsageOverviewResponse,
  type UsageSourceParam,
  type UsageTotals,
  type UsageTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { VisibilityScope } from '../database/types';
import type { LlmUsageAuthorizer } from '../permissions';
import {
  type BucketedRange,
  type EpochRange,
  type ProjectListQuery,
  type TrendQuery,
  toTimeRange,
} from '../usage/responseShapes';
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
import type { ProviderUsageService } from './ProviderUsageService';

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
    range: EpochRange,
    source: UsageSourceParam,
  ): Promise<UsageOverviewResponse> {
    return this.read(credentials, source, {
      calls: (usage, scope) => usage.overview(scope, range),
      provider: visibility => this.options.provider.overview(visibility, range),
      // Calls in the range itself, as trends and the project list decide.
      hasData: r => callsIn(r.current),
      providerHasData: r => reportsIn(r.current),
    });
  }

  async trends(
    credentials: BackstageCredentials,
    query: TrendQuery,
    source: UsageSourceParam,
  ): Promise<UsageTrendsResponse> {
    return this.read(credentials, source, {
      calls: (usage, scope) => usage.trends(scope, query),
      provider: visibility => this.options.provider.trends(visibility, query),
      hasData: r => r.points.length > 0,
    });
  }

  async projectList(
    credentials: BackstageCredentials,
    query: ProjectListQuery,
    source: UsageSourceParam,
  ): Promise<ProjectListResponse> {
    return this.read(credentials, source, {
      calls: (usage, scope) => usage.projectList(scope, query),
      provider: async visibility =>
        this.options.provider.projects(
          visibility,
          query,
          await this.options.projects.projects(),
        ),
      hasData: r => r.totalCount > 0,
    });
  }

  async breakdown(
    credentials: BackstageCredentials,
    range: EpochRange,
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
    query: BucketedRange,
    source: UsageSourceParam,
  ): Promise<EntityUsageResponse> {
    const head = {
      entityRef: target.entityRef,
      range: toTimeRange(query),
      timeZone: query.tz,
      projectIds: target.projectIds,
    };
    return this.read<EntityUsageResponse>(credentials, source, {
      calls: async (usage, scope) => ({
        ...head,
        source: 'calls' as const,
        interval: query.interval,
        keyCount: 0,
        ...(await usage.projectsUsage(scope, target.projectIds, query)),
      }),
      provider: async visibility => {
        const usage = await this.options.provider.entity(
          visibility,
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
      hasData: r => callsIn(r.totals),
      providerHasData: r => reportsIn(r.totals),
    });
  }

  /**
   * One view from the requested source; for `auto`, calls when they have
   * anything, else provider reports when those do, else the (empty) calls.
   */
  private async read<T>(
    credentials: BackstageCredentials,
    source: UsageSourceParam,
    view: {
      calls: (usage: UsageService, scope: VisibilityScope) => Promise<T>;
      provider: (visibility: ProviderUsageVisibility) => Promise<T>;
      /** Whether an answer has anything to show. */
      hasData: (result: T) => boolean;
      /** Whether provider reports do, when they are judged otherwise. */
      providerHasData?: (result: T) => boolean;
    },
  ): Promise<T> {
    // The rollup state is read while the caller is authorized.
    const usage =
      source === 'provider'
        ? this.options.calls
        : this.options.calls.readingStateAhead();
    const viewer = await this.viewer(credentials);
    const fromCalls = () => view.calls(usage, viewer.scope);
    const fromProvider = async () =>
      view.provider(await viewer.providerVisibility());
    if (source === 'calls') return fromCalls();
    if (source === 'provider') return fromProvider();
    const calls = await fromCalls();
    if (view.hasData(calls)) return calls;
    const provider = await fromProvider();
    return (view.providerHasData ?? view.hasData)(provider) ? provider : calls;
  }
}

/** Totals with calls in them (finished or still processing). */
function callsIn(totals: UsageTotals): boolean {
  return totals.calls + totals.processingCalls > 0;
}

/** Totals with anything providers reported: tokens, requests or cost. */
function reportsIn(totals: UsageTotals): boolean {
  return totals.totalTokens + totals.calls + totals.costs.length > 0;
}
