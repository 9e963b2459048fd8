import { DateTime } from 'luxon';
import type { TrendInterval } from '@llm-usage/backstage-plugin-llm-usage-common';

export interface TimeBuckets {
  /** Bucket starts in epoch ms, ascending; the first may precede the range. */
  readonly starts: readonly number[];
  /** The same starts as ISO 8601 in the requested zone. */
  readonly labels: readonly string[];
}

/**
 * Buckets computed lately. Walking 90 days in a zone such as Asia/Shanghai
 * takes luxon about 3 ms, more than the rest of a cached trends read, and
 * every client of a dashboard asks for the same buckets.
 */
const recentBuckets = new Map<string, TimeBuckets>();
const MAX_RECENT_BUCKETS = 256;

/**
 * Calendar buckets (weeks start on Monday) in an IANA time zone, from the
 * one holding `from` to the one holding the range's last millisecond.
 * Shared between callers: read-only.
 */
export function timeBuckets(
  from: number,
  to: number,
  interval: TrendInterval,
  timeZone: string,
): TimeBuckets {
  const first = DateTime.fromMillis(from, { zone: timeZone }).startOf(interval);
  // A bucket starts before `to` exactly when it starts by the bucket of to - 1.
  const last = DateTime.fromMillis(to - 1, { zone: timeZone })
    .startOf(interval)
    .toMillis();
  const key = `${timeZone}|${interval}|${first.toMillis()}|${last}`;
  const recent = recentBuckets.get(key);
  if (recent) {
    recentBuckets.delete(key);
    recentBuckets.set(key, recent);
    return recent;
  }

  const starts: number[] = [];
  const labels: string[] = [];
  for (
    let cursor = first;
    cursor.toMillis() <= last;
    cursor = cursor.plus({ [interval]: 1 }).startOf(interval)
  ) {
    starts.push(cursor.toMillis());
    labels.push(cursor.toISO()!);
  }
  const buckets = { starts, labels };
  recentBuckets.set(key, buckets);
  if (recentBuckets.size > MAX_RECENT_BUCKETS) {
    recentBuckets.delete(recentBuckets.keys().next().value!);
  }
  return buckets;
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
