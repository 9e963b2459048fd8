import { useApi } from '@backstage/frontend-plugin-api';
import { LlmUsageApi, llmUsageApiRef } from '../api';
import {
  PolledQueryOptions,
  PolledQueryState,
  usePolledQuery,
} from './usePolledQuery';

/**
 * A {@link usePolledQuery} of the plugin's API: `load` gets the API client
 * and the abort signal.
 *
 * @internal
 */
export function useApiQuery<T>(
  load: (api: LlmUsageApi, signal: AbortSignal) => Promise<T>,
  key: string,
  options?: PolledQueryOptions,
): PolledQueryState<T> {
  const api = useApi(llmUsageApiRef);
  return usePolledQuery(signal => load(api, signal), key, options);
}
