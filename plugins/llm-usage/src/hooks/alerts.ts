import { useEffect } from 'react';
import type {
  AlertListQuery,
  AlertListResponse,
  AlertRuleListResponse,
  AlertUnreadCountResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { LlmUsageApi } from '../api';
import { PolledQueryState } from './usePolledQuery';
import { useApiQuery, useApiRead } from './useApiQuery';

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

/** A live query of alert state that also reloads on {@link notifyAlertsChanged}. */
function useAlertsQuery<T>(
  load: (api: LlmUsageApi, signal: AbortSignal) => Promise<T>,
  key: string,
): PolledQueryState<T> {
  const state = useApiQuery(load, key, { live: true });
  const { retry } = state;
  useEffect(() => {
    window.addEventListener(ALERTS_CHANGED_EVENT, retry);
    return () => window.removeEventListener(ALERTS_CHANGED_EVENT, retry);
  }, [retry]);
  return state;
}

/** One page of alerts; live. */
export function useAlerts(
  query: AlertListQuery,
): PolledQueryState<AlertListResponse> {
  return useAlertsQuery(
    (api, signal) => api.listAlerts(query, { signal }),
    `alerts:${JSON.stringify(query)}`,
  );
}

/**
 * Open alerts the viewer has not read, polled, for badges in the navigation
 * and the plugin's header.
 *
 * @public
 */
export function useUnreadAlertCount(): PolledQueryState<AlertUnreadCountResponse> {
  return useAlertsQuery(
    (api, signal) => api.getUnreadAlertCount({ signal }),
    'alerts:unread-count',
  );
}

/** Global rules (saved or default) and overrides; `retry` reloads after a change. */
export function useAlertRules(): PolledQueryState<AlertRuleListResponse> {
  return useApiRead('listAlertRules', 'alert-rules');
}
