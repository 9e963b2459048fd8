import { DateTime, Duration } from 'luxon';

/** A Cost Insights repeating interval, resolved to UTC days. */
export interface ResolvedIntervals {
  /** First day, inclusive (ISO date). */
  from: DateTime;
  /** Day after the last, exclusive. */
  to: DateTime;
  /** Where the last period (the one compared with the one before) starts. */
  lastPeriodFrom: DateTime;
  /** Where the period before it starts. */
  previousPeriodFrom: DateTime;
}

/**
 * Reads an ISO 8601 repeating interval as Cost Insights sends it, e.g.
 * `R2/P30D/2020-09-01`: two periods of 30 days ending (exclusively) on
 * 2020-09-01.
 */
export function parseIntervals(intervals: string): ResolvedIntervals {
  const match = /^R(\d+)\/(P[^/]+)\/(\d{4}-\d{2}-\d{2})$/.exec(
    intervals.trim(),
  );
  const duration = match ? Duration.fromISO(match[2]) : undefined;
  const to = match
    ? DateTime.fromISO(match[3], { zone: 'utc' }).startOf('day')
    : undefined;
  if (!match || !duration?.isValid || !to?.isValid || Number(match[1]) < 1) {
    throw new Error(
      `Invalid intervals '${intervals}': expected e.g. R2/P30D/2020-09-01`,
    );
  }
  const repeats = Number(match[1]);
  let from = to;
  for (let i = 0; i < repeats; i++) from = from.minus(duration);
  const lastPeriodFrom = to.minus(duration);
  return {
    from,
    to,
    lastPeriodFrom,
    previousPeriodFrom: lastPeriodFrom.minus(duration),
  };
}

/** Every ISO date from `from` (inclusive) to `to` (exclusive). */
export function daysBetween(from: DateTime, to: DateTime): string[] {
  const days: string[] = [];
  for (let day = from; day < to; day = day.plus({ days: 1 })) {
    days.push(day.toISODate()!);
  }
  return days;
}
