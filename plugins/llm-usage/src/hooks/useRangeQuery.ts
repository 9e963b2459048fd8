import type { TimeRange } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { LlmUsageApi } from '../api';
import { ApiQueryOptions, useApiQuery } from './useApiQuery';
import { PolledQueryState } from './usePolledQuery';
import { RangeSelection, rangeKey, resolveRange } from './useUsageRange';

/**
 * A {@link useApiQuery} of a view over the picked range: `load` gets the
 * view's query with the range's `from` and `to`, resolved at each load so
 * that a preset keeps moving with the clock while the view polls. The name,
 * the range and the query make the key.
 *
 * @internal
 */
export function useRangeQuery<Q extends object, T>(
  name: string,
  range: RangeSelection,
  query: Q,
  load: (
    api: LlmUsageApi,
    query: Q & TimeRange,
    signal: AbortSignal,
  ) => Promise<T>,
  options?: ApiQueryOptions,
): PolledQueryState<T> {
  return useApiQuery(
    (api, signal) => load(api, { ...query, ...resolveRange(range) }, signal),
    `${name}:${rangeKey(range)}:${JSON.stringify(query)}`,
    options,
  );
}
