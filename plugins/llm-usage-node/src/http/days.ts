import { InputError } from '@backstage/errors';
import type { ProviderDateRange } from '../provider';

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const SECONDS_PER_DAY = 86_400;

/** Unix seconds of 00:00 UTC of a `YYYY-MM-DD` day. @public */
export function utcDayStartSeconds(day: string): number {
  if (!DAY_PATTERN.test(day)) {
    throw new InputError(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
  }
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new InputError(`not a calendar day: ${JSON.stringify(day)}`);
  }
  return ms / 1000;
}

/** The UTC `YYYY-MM-DD` that contains a unix time in seconds. @public */
export function utcDayOfSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus (or minus) whole days. @public */
export function addDays(day: string, days: number): string {
  return utcDayOfSeconds(utcDayStartSeconds(day) + days * SECONDS_PER_DAY);
}

/**
 * Checks a range and returns it as a half-open interval of unix seconds:
 * `[start of from, start of the day after to)`.
 *
 * @public
 */
export function dateRangeToSeconds(range: ProviderDateRange): {
  startSeconds: number;
  endSeconds: number;
} {
  const startSeconds = utcDayStartSeconds(range.from);
  const endSeconds = utcDayStartSeconds(range.to) + SECONDS_PER_DAY;
  if (endSeconds <= startSeconds) {
    throw new InputError(
      `date range ends (${range.to}) before it starts (${range.from})`,
    );
  }
  return { startSeconds, endSeconds };
}

/** Whether a `YYYY-MM-DD` day lies inside an inclusive range. @public */
export function isDayInRange(day: string, range: ProviderDateRange): boolean {
  return day >= range.from && day <= range.to;
}
