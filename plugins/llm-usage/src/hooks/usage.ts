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
import { LiveOptions, useApiQuery } from './useApiQuery';
import { PolledQueryState } from './usePolledQuery';
import {
  RangeSelection,
  rangeKey,
  resolveRange,
  viewerTimeZone,
} from './useUsageRange';

/** Totals for the range and the period before it, for the overview cards. */
export function useUsageOverview(
  range: RangeSelection,
  options?: LiveOptions & { source?: UsageSourceParam },
): PolledQueryState<UsageOverviewResponse> {
  const source = options?.source;
  return useApiQuery(
    (api, signal) =>
      api.getOverview({ ...resolveRange(range), source }, { signal }),
    `overview:${rangeKey(range)}:${source ?? ''}`,
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
  return useApiQuery(
    (api, signal) =>
      api.getTrends(
        {
          ...resolveRange(range),
          interval,
          split,
          tz: viewerTimeZone(),
          source,
        },
        { signal },
      ),
    `trends:${rangeKey(range)}:${interval}:${split}:${source ?? ''}`,
  );
}

/** One page of the project list. */
export function useProjectList(
  range: RangeSelection,
  query: Omit<ProjectListQuery, 'from' | 'to'>,
): PolledQueryState<ProjectListResponse> {
  return useApiQuery(
    (api, signal) =>
      api.getProjects({ ...resolveRange(range), ...query }, { signal }),
    `projects:${rangeKey(range)}:${JSON.stringify(query)}`,
  );
}

/** The six headline numbers of one project. */
export function useProjectStats(
  projectId: string,
  range: RangeSelection,
  options?: LiveOptions,
): PolledQueryState<ProjectStatsResponse> {
  return useApiQuery(
    (api, signal) =>
      api.getProjectStats(projectId, resolveRange(range), { signal }),
    `stats:${projectId}:${rangeKey(range)}`,
    options,
  );
}

/** Requests and latency per bucket for one project. */
export function useProjectTrends(
  projectId: string,
  range: RangeSelection,
  interval: TrendInterval,
): PolledQueryState<ProjectTrendsResponse> {
  return useApiQuery(
    (api, signal) =>
      api.getProjectTrends(
        projectId,
        { ...resolveRange(range), interval, tz: viewerTimeZone() },
        { signal },
      ),
    `project-trends:${projectId}:${rangeKey(range)}:${interval}`,
  );
}

/** Calls per model for one project. */
export function useProjectModels(
  projectId: string,
  range: RangeSelection,
): PolledQueryState<ProjectModelsResponse> {
  return useApiQuery(
    (api, signal) =>
      api.getProjectModels(projectId, resolveRange(range), { signal }),
    `models:${projectId}:${rangeKey(range)}`,
  );
}

/** One keyset page of a project's calls. */
export function useProjectCalls(
  projectId: string,
  range: RangeSelection,
  query: Omit<CallListQuery, 'from' | 'to'>,
  options?: LiveOptions,
): PolledQueryState<CallListResponse> {
  return useApiQuery(
    (api, signal) =>
      api.getProjectCalls(
        projectId,
        { ...resolveRange(range), ...query },
        { signal },
      ),
    `calls:${projectId}:${rangeKey(range)}:${JSON.stringify(query)}`,
    options,
  );
}

/** Facts about the installation (demo data on?); loaded once per page. */
export function useLlmUsageInfo(): PolledQueryState<LlmUsageInfoResponse> {
  return useApiQuery((api, signal) => api.getInfo({ signal }), 'info');
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
