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

/**
 * The API's reads by a query: the methods that take a query object, which
 * may be left out, and the request options.
 *
 * @internal
 */
export type ApiQueryRead = {
  [K in keyof LlmUsageApi]: LlmUsageApi[K] extends (
    ...args: infer A
  ) => Promise<unknown>
    ? A extends [query?: infer Q, options?: LlmUsageRequestOptions]
      ? [Q] extends [object | undefined]
        ? [query?: Q, options?: LlmUsageRequestOptions] extends A
          ? K
          : never
        : never
      : never
    : never;
}[keyof LlmUsageApi];

/** The query a read of {@link ApiQueryRead} takes. */
export type ReadQuery<K extends ApiQueryRead> = NonNullable<
  Parameters<LlmUsageApi[K]>[0]
>;

/** What a read of the API resolves to. */
type ReadValue<K extends keyof LlmUsageApi> = Awaited<
  ReturnType<LlmUsageApi[K]>
>;

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

/**
 * A {@link useApiQuery} of one of the API's reads by a query, named like the
 * API's method; a different query is a different key.
 *
 * @internal
 */
export function useApiQueryRead<K extends ApiQueryRead>(
  operation: K,
  key: string,
  query: ReadQuery<K>,
  options?: ApiQueryOptions,
): PolledQueryState<ReadValue<K>> {
  return useApiQuery(
    (api, signal) => {
      const read = api[operation] as (
        query: ReadQuery<K>,
        options: LlmUsageRequestOptions,
      ) => Promise<ReadValue<K>>;
      return read.call(api, query, { signal });
    },
    `${key}:${JSON.stringify(query)}`,
    options,
  );
}
