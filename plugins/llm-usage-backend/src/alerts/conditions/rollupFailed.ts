import type { AlertCondition } from '../types';
import type { ConditionContext } from './context';

/** An hour whose rollup failed, as the rollup store records it. */
export interface FailedHourFact {
  hourStart: number;
  error: string;
  failedAt: number;
  failures: number;
}

/** The hours whose rollup failed and that are still not rolled. */
export interface FailedHoursReader {
  failedHours(): Promise<FailedHourFact[]>;
}

/** The one rollup alert: its key names no hour, so it stays one alert while any hour fails. */
export const ROLLUP_FAILED_CONDITION_KEY = 'rollup_failed:system:rollup';

const ERROR_LENGTH = 200;

/*
 * The rollup stores the database's reason without Knex's statement, but a
 * driver may still quote SQL (with the row's values) in its message: the
 * alert is mailed and posted to webhooks, so such text stays in the log.
 */
const SQL_TEXT =
  /\b(insert\s+into|delete\s+from|update\s+\S+\s+set|select\s[\s\S]*\sfrom|values\s*\()/i;

/** The stored reason, short and without SQL. */
export function rollupErrorGist(error: string): string | null {
  const text = error.replace(/\s+/g, ' ').trim();
  if (!text) return null;
  if (SQL_TEXT.test(text)) return 'database error (see the backend log)';
  return text.length > ERROR_LENGTH
    ? `${text.slice(0, ERROR_LENGTH - 1)}…`
    : text;
}

/**
 * Open while any hour of calls cannot be rolled up. Those hours are read
 * from raw calls and retried every run, so nothing is lost, but one that
 * keeps failing needs a person (corrupt rows, a full disk). It is about the
 * plugin, not anyone's key, so it has no owner: admins see it and are told.
 */
export function rollupFailedConditions(
  failed: FailedHourFact[],
  context: ConditionContext,
): AlertCondition[] {
  const rule = context.rules.ruleFor('rollup_failed');
  if (!rule.enabled || failed.length === 0) return [];
  const oldest = failed.reduce((a, b) => (b.hourStart < a.hourStart ? b : a));
  const latest = failed.reduce((a, b) => (b.failedAt > a.failedAt ? b : a));
  return [
    {
      type: 'rollup_failed',
      severity: rule.severity,
      conditionKey: ROLLUP_FAILED_CONDITION_KEY,
      target: { type: 'system', id: 'rollup', name: null },
      accountId: null,
      ownerRef: null,
      params: {
        firstHour: new Date(oldest.hourStart).toISOString(),
        hours: failed.length,
        failures: oldest.failures,
        failedAt: new Date(latest.failedAt).toISOString(),
        error: rollupErrorGist(latest.error),
      },
    },
  ];
}
