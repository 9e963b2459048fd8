import {
  USAGE_SOURCES,
  type EntityUsageResponse,
  type TrendInterval,
  type UsageSource,
  type UsageSourceParam,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { oneOf } from '../lib/params';
import { PolledQueryState } from './usePolledQuery';
import { useRangeQuery } from './useRangeQuery';
import { RangeSelection, useUrlParams, viewerTimeZone } from './useUsageRange';

/**
 * The source a view shows, kept in the URL (`source=calls|provider`). Until
 * the viewer picks one the view asks for `auto`: recorded calls where the
 * scope has any, else provider reports; the answer says which it got.
 *
 * @internal
 */
export function useUsageSource(): [
  UsageSourceParam,
  (next: UsageSource) => void,
] {
  const [params, setParams] = useUrlParams();
  const picked = oneOf<UsageSource | 'auto'>(
    params.get('source'),
    USAGE_SOURCES,
    'auto',
  );
  return [picked, next => setParams({ source: next })];
}

/** A Component's or Group's usage from one source, for its entity tab. */
export function useEntityUsage(
  entityRef: string,
  range: RangeSelection,
  interval: TrendInterval,
  source: UsageSourceParam,
): PolledQueryState<EntityUsageResponse> {
  return useRangeQuery(
    `entity-usage:${entityRef}`,
    range,
    { interval, tz: viewerTimeZone(), source },
    (api, query, signal) => api.getEntityUsage(entityRef, query, { signal }),
  );
}
