import { useApi } from '@backstage/frontend-plugin-api';
import type {
  CallListQuery,
  CallListResponse,
  LlmUsageInfoResponse,
  ProjectListQuery,
  ProjectListResponse,
  ProjectModelsResponse,
  ProjectStatsResponse,
  ProjectTrendsResponse,
  SloReportResponse,
  TrendInterval,
  TrendSplit,
  UsageOverviewResponse,
  UsageSourceParam,
  UsageTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { UsageExportFormat, llmUsageApiRef } from '../api';
import { LiveOptions, useApiQuery, useApiRead } from './useApiQuery';
import { PolledQueryState } from './usePolledQuery';
import { useRangeQuery } from './useRangeQuery';
import { RangeSelection, resolveRange, viewerTimeZone } from './useUsageRange';

/** Totals for the range and the period before it, for the overview cards. */
export function useUsageOverview(
  range: RangeSelection,
  options?: LiveOptions & { source?: UsageSourceParam },
): PolledQueryState<UsageOverviewResponse> {
  return useRangeQuery(
    'overview',
    range,
    { source: options?.source },
    (api, query, signal) => api.getOverview(query, { signal }),
    { live: options?.live },
  );
}

/** Buckets for the dashboard trend chart. */
export function useUsageTrends(
  range: RangeSelection,
  interval: TrendInterval,
  split: TrendSplit,
  source?: UsageSourceParam,
): PolledQueryState<UsageTrendsResponse> {
  return useRangeQuery(
    'trends',
    range,
    { interval, split, tz: viewerTimeZone(), source },
    (api, query, signal) => api.getTrends(query, { signal }),
  );
}

/** One page of the project list. */
export function useProjectList(
  range: RangeSelection,
  query: Omit<ProjectListQuery, 'from' | 'to'>,
): PolledQueryState<ProjectListResponse> {
  return useRangeQuery('projects', range, query, (api, ranged, signal) =>
    api.getProjects(ranged, { signal }),
  );
}

/** The six headline numbers of one project. */
export function useProjectStats(
  projectId: string,
  range: RangeSelection,
  options?: LiveOptions,
): PolledQueryState<ProjectStatsResponse> {
  return useRangeQuery(
    `stats:${projectId}`,
    range,
    {},
    (api, query, signal) => api.getProjectStats(projectId, query, { signal }),
    options,
  );
}

/** Requests and latency per bucket for one project. */
export function useProjectTrends(
  projectId: string,
  range: RangeSelection,
  interval: TrendInterval,
): PolledQueryState<ProjectTrendsResponse> {
  return useRangeQuery(
    `project-trends:${projectId}`,
    range,
    { interval, tz: viewerTimeZone() },
    (api, query, signal) => api.getProjectTrends(projectId, query, { signal }),
  );
}

/** Calls per model for one project. */
export function useProjectModels(
  projectId: string,
  range: RangeSelection,
): PolledQueryState<ProjectModelsResponse> {
  return useRangeQuery(`models:${projectId}`, range, {}, (api, query, signal) =>
    api.getProjectModels(projectId, query, { signal }),
  );
}

/** One keyset page of a project's calls. */
export function useProjectCalls(
  projectId: string,
  range: RangeSelection,
  query: Omit<CallListQuery, 'from' | 'to'>,
  options?: LiveOptions,
): PolledQueryState<CallListResponse> {
  return useRangeQuery(
    `calls:${projectId}`,
    range,
    query,
    (api, ranged, signal) => api.getProjectCalls(projectId, ranged, { signal }),
    options,
  );
}

/** Facts about the installation (demo data on?); loaded once per page. */
export function useLlmUsageInfo(): PolledQueryState<LlmUsageInfoResponse> {
  return useApiRead('getInfo', 'info');
}

/** File downloads of the usage views; the range is resolved at click time. */
export function useUsageExports(range: RangeSelection) {
  const api = useApi(llmUsageApiRef);
  return {
    projects: (
      query: Omit<ProjectListQuery, 'from' | 'to' | 'offset' | 'limit'>,
      format: UsageExportFormat,
    ) => api.exportProjects({ ...resolveRange(range), ...query }, format),
    projectCalls: (
      projectId: string,
      query: Omit<CallListQuery, 'from' | 'to' | 'limit' | 'cursor'>,
      format: UsageExportFormat,
    ) =>
      api.exportProjectCalls(
        projectId,
        { ...resolveRange(range), ...query },
        format,
      ),
  };
}

/** A project's SLOs as of the last rolled hour; refreshed with the page. */
export function useProjectSlo(
  projectId: string,
): PolledQueryState<SloReportResponse> {
  return useApiQuery(
    (api, signal) => api.getProjectSlo(projectId, { signal }),
    `slo:${projectId}`,
  );
}
