import { useApi } from '@backstage/frontend-plugin-api';
import { LlmUsageApi, LlmUsageRequestOptions, llmUsageApiRef } from '../api';
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

/**
 * The API's reads without parameters: the methods that take only the
 * request options.
 *
 * @internal
 */
export type ApiRead = {
  [K in keyof LlmUsageApi]: LlmUsageApi[K] extends (
    ...args: infer A
  ) => Promise<unknown>
    ? A extends [options?: LlmUsageRequestOptions]
      ? [options?: LlmUsageRequestOptions] extends A
        ? K
        : never
      : never
    : never;
}[keyof LlmUsageApi];

/** What a read of the API resolves to. */
type ReadValue<K extends ApiRead> = Awaited<ReturnType<LlmUsageApi[K]>>;

/**
 * A {@link useApiQuery} of one of the API's reads without parameters, named
 * like the API's method.
 *
 * @internal
 */
export function useApiRead<K extends ApiRead>(
  operation: K,
  key: string,
  options?: ApiQueryOptions,
): PolledQueryState<ReadValue<K>> {
  return useApiQuery(
    (api, signal) => {
      const read = api[operation] as (
        options: LlmUsageRequestOptions,
      ) => Promise<ReadValue<K>>;
      return read.call(api, { signal });
    },
    key,
    options,
  );
}
