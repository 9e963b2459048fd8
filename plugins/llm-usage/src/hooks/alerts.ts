import { useEffect } from 'react';
import type {
  AlertListQuery,
  AlertListResponse,
  AlertRuleListResponse,
  AlertUnreadCountResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { PolledQueryState } from './usePolledQuery';
import { useApiQueryRead, useApiRead } from './useApiQuery';

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

/** A live query of alert state, reloaded also on {@link notifyAlertsChanged}. */
function useReloadOnAlertsChanged<T>(
  state: PolledQueryState<T>,
): PolledQueryState<T> {
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
  return useReloadOnAlertsChanged(
    useApiQueryRead('listAlerts', 'alerts', query, { live: true }),
  );
}

/**
 * Open alerts the viewer has not read, polled, for badges in the navigation
 * and the plugin's header.
 *
 * @public
 */
export function useUnreadAlertCount(): PolledQueryState<AlertUnreadCountResponse> {
  return useReloadOnAlertsChanged(
    useApiRead('getUnreadAlertCount', 'alerts:unread-count', { live: true }),
  );
}

/** Global rules (saved or default) and overrides; `retry` reloads after a change. */
export function useAlertRules(): PolledQueryState<AlertRuleListResponse> {
  return useApiRead('listAlertRules', 'alert-rules');
}
