import { configApiRef, useApi } from '@backstage/frontend-plugin-api';

/** Default of `llmUsage.polling.intervalSeconds`. */
export const DEFAULT_POLLING_INTERVAL_SECONDS = 30;

/**
 * How often live views (call history, stats) poll, in milliseconds, from
 * `llmUsage.polling.intervalSeconds`; 0 turns polling off.
 *
 * @internal
 */
export function usePollingIntervalMs(): number {
  const configApi = useApi(configApiRef);
  const seconds =
    configApi.getOptionalNumber('llmUsage.polling.intervalSeconds') ??
    DEFAULT_POLLING_INTERVAL_SECONDS;
  return seconds > 0 ? Math.round(seconds * 1000) : 0;
}
