import type {
  GroupProjectsQuery,
  GroupProjectsResponse,
  GroupSpendQuery,
  GroupSpendResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { PolledQueryState } from './usePolledQuery';
import { useApiQuery } from './useApiQuery';
import { useRangeQuery } from './useRangeQuery';
import { RangeSelection } from './useUsageRange';

/** One page of the usage of the projects a Group owns, ranked by the server. */
export function useGroupProjects(
  groupRef: string,
  range: RangeSelection,
  query: Omit<GroupProjectsQuery, 'from' | 'to'>,
): PolledQueryState<GroupProjectsResponse> {
  return useRangeQuery(
    `group-projects:${groupRef}`,
    range,
    query,
    (api, ranged, signal) => api.getGroupProjects(groupRef, ranged, { signal }),
  );
}

/** One page of a Group's month-to-date spend per member, summed by the server. */
export function useGroupSpend(
  groupRef: string,
  query: GroupSpendQuery,
): PolledQueryState<GroupSpendResponse> {
  return useApiQuery(
    (api, signal) => api.getGroupSpend(groupRef, query, { signal }),
    `group-spend:${groupRef}:${JSON.stringify(query)}`,
  );
}
