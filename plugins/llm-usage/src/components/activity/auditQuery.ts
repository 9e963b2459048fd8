import type { AuditEventListQuery } from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';

/** The target types the Activity page filters by. */
export const ACTIVITY_TARGET_TYPES = [
  'key',
  'account',
  'tag',
  'budget',
  'alertRule',
  'alert',
  'digestPreferences',
] as const;

/** The Activity page's filters as kept in the URL. */
export interface ActivityFilters {
  key?: string;
  user?: string;
  type?: string;
  action?: string;
  /** `YYYY-MM-DD` in the viewer's zone, inclusive. */
  from?: string;
  /** `YYYY-MM-DD` in the viewer's zone, inclusive. */
  to?: string;
}

function dayStart(date: string, plusDays = 0): string | undefined {
  const day = DateTime.fromISO(date);
  return day.isValid
    ? day.startOf('day').plus({ days: plusDays }).toUTC().toISO() ?? undefined
    : undefined;
}

/** Turns the page's filters into the API query; a key filter selects keys. */
export function toAuditQuery(
  filters: ActivityFilters,
): Omit<AuditEventListQuery, 'limit' | 'cursor'> {
  return {
    targetType: filters.key ? 'key' : filters.type || undefined,
    targetId: filters.key || undefined,
    actorRef: filters.user || undefined,
    action: filters.action || undefined,
    from: filters.from ? dayStart(filters.from) : undefined,
    // The "to" day is included: the range ends at the start of the next one.
    to: filters.to ? dayStart(filters.to, 1) : undefined,
  };
}
