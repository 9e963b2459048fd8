import { useApi } from '@backstage/frontend-plugin-api';
import { LlmUsageApi, llmUsageApiRef } from '../api';
import {
  PolledQueryOptions,
  PolledQueryState,
  usePolledQuery,
} from './usePolledQuery';
import { usePollingIntervalMs } from './usePollingInterval';

/** @internal */
export interface LiveOptions {
  /** Poll silently at the configured interval. */
  live?: boolean;
}

/** @internal */
export type ApiQueryOptions = PolledQueryOptions & LiveOptions;

/**
 * A {@link usePolledQuery} of the plugin's API: `load` gets the API client
 * and the abort signal. A `live` query polls at the interval configured in
 * `llmUsage.polling.intervalSeconds`.
 *
 * @internal
 */
export function useApiQuery<T>(
  load: (api: LlmUsageApi, signal: AbortSignal) => Promise<T>,
  key: string,
  options: ApiQueryOptions = {},
): PolledQueryState<T> {
  const api = useApi(llmUsageApiRef);
  const configuredIntervalMs = usePollingIntervalMs();
  const { live, ...polling } = options;
  return usePolledQuery(
    signal => load(api, signal),
    key,
    live ? { ...polling, pollIntervalMs: configuredIntervalMs } : polling,
  );
}
