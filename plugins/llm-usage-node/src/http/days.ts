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

/**
 * The records of a provider's daily buckets, each result mapped with its
 * bucket's UTC day. Buckets of days outside the range are dropped: the
 * query window is whole days, but providers may still pad it.
 *
 * @public
 */
export function recordsOfDailyBuckets<
  TBucket extends { results: readonly unknown[] },
  TRecord,
>(
  buckets: Iterable<TBucket>,
  range: ProviderDateRange,
  // NoInfer: the bucket type comes from `buckets` alone, so a `dayOf` that
  // reads only some of its fields still sees the whole bucket.
  options: {
    /** The bucket's UTC day, `YYYY-MM-DD`. */
    dayOf(bucket: NoInfer<TBucket>): string;
    toRecord(result: NoInfer<TBucket>['results'][number], day: string): TRecord;
  },
): TRecord[] {
  const records: TRecord[] = [];
  for (const bucket of buckets) {
    const day = options.dayOf(bucket);
    if (!isDayInRange(day, range)) {
      continue;
    }
    for (const result of bucket.results) {
      records.push(options.toRecord(result, day));
    }
  }
  return records;
}
