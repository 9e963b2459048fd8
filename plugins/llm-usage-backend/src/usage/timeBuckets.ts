import { DateTime } from 'luxon';
import type { TrendInterval } from '@llm-usage/backstage-plugin-llm-usage-common';

export interface TimeBuckets {
  /** Bucket starts in epoch ms, ascending; the first may precede the range. */
  starts: number[];
  /** The same starts as ISO 8601 in the requested zone. */
  labels: string[];
}

/** Calendar buckets (weeks start on Monday) in an IANA time zone. */
export function timeBuckets(
  from: number,
  to: number,
  interval: TrendInterval,
  timeZone: string,
): TimeBuckets {
  const starts: number[] = [];
  const labels: string[] = [];
  let cursor = DateTime.fromMillis(from, { zone: timeZone }).startOf(interval);
  while (cursor.toMillis() < to) {
    starts.push(cursor.toMillis());
    labels.push(cursor.toISO()!);
    cursor = cursor.plus({ [interval]: 1 }).startOf(interval);
  }
  return { starts, labels };
}

/** How many buckets a range would have, without building them. */
export function estimateBucketCount(
  from: number,
  to: number,
  interval: TrendInterval,
) {
  const lengthMs: Record<TrendInterval, number> = {
    hour: 3_600_000,
    day: 86_400_000,
    week: 7 * 86_400_000,
    month: 28 * 86_400_000,
  };
  return Math.ceil((to - from) / lengthMs[interval]) + 1;
}
