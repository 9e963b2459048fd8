import { useEffect } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  AlertListQuery,
  AlertListResponse,
  AlertRuleListResponse,
  AlertUnreadCountResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../api';
import { PolledQueryState, usePolledQuery } from './usePolledQuery';
import { useApiQuery } from './useApiQuery';
import { usePollingIntervalMs } from './usePollingInterval';

const ALERTS_CHANGED_EVENT = 'llm-usage:alerts-changed';

/**
 * Tells every alert view in the page (the nav badge, the list) that read
 * state changed here, so they reload now rather than at their next poll.
 *
 * @internal
 */
export function notifyAlertsChanged() {
  window.dispatchEvent(new Event(ALERTS_CHANGED_EVENT));
}

function useReloadOnAlertsChanged(retry: () => void) {
  useEffect(() => {
    window.addEventListener(ALERTS_CHANGED_EVENT, retry);
    return () => window.removeEventListener(ALERTS_CHANGED_EVENT, retry);
  }, [retry]);
}

/** One page of alerts; live. */
export function useAlerts(
  query: AlertListQuery,
): PolledQueryState<AlertListResponse> {
  const api = useApi(llmUsageApiRef);
  const state = usePolledQuery(
    signal => api.listAlerts(query, { signal }),
    `alerts:${JSON.stringify(query)}`,
    { pollIntervalMs: usePollingIntervalMs() },
  );
  useReloadOnAlertsChanged(state.retry);
  return state;
}

/**
 * Open alerts the viewer has not read, polled, for badges in the navigation
 * and the plugin's header.
 *
 * @public
 */
export function useUnreadAlertCount(): PolledQueryState<AlertUnreadCountResponse> {
  const api = useApi(llmUsageApiRef);
  const state = usePolledQuery(
    signal => api.getUnreadAlertCount({ signal }),
    'alerts:unread-count',
    { pollIntervalMs: usePollingIntervalMs() },
  );
  useReloadOnAlertsChanged(state.retry);
  return state;
}

/** Global rules (saved or default) and overrides; `retry` reloads after a change. */
export function useAlertRules(): PolledQueryState<AlertRuleListResponse> {
  return useApiQuery(
    (api, signal) => api.listAlertRules({ signal }),
    'alert-rules',
  );
}
