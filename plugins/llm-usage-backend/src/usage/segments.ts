import { DAY_MS, HOUR_MS, dayStartOf, hourStartOf } from '../database/tables';
import type { RollupState } from '../database/RollupStore';

/** Half-open [start, end) in epoch ms. */
export type TimeSpan = [start: number, end: number];

/** Where each part of a range is read from. */
export interface SourcePlan {
  daily: TimeSpan[];
  hourly: TimeSpan[];
  raw: TimeSpan[];
}

/**
 * Splits [from, to) into spans answered by the daily rollup, the hourly rollup
 * and raw calls. A rollup hour or day is used only when it lies wholly inside
 * the range, is rolled and not dirty, and no bucket boundary cuts through it;
 * everything else (edges, the open hour, late-call hours, half-hour time zone
 * offsets) is read raw, so results are exact either way.
 */
export function planSources(
  from: number,
  to: number,
  state: RollupState,
  boundaries: readonly number[] = [],
): SourcePlan {
  const plan: SourcePlan = { daily: [], hourly: [], raw: [] };
  if (to <= from) {
    return plan;
  }
  const cutsThrough = (start: number, end: number) => {
    const i = lowerBound(boundaries, start + 1);
    return i < boundaries.length && boundaries[i] < end;
  };
  const hourUsable = (hour: number) =>
    hour >= from &&
    hour + HOUR_MS <= to &&
    hour + HOUR_MS <= state.rolledUntil &&
    !state.dirtyHours.has(hour) &&
    !cutsThrough(hour, hour + HOUR_MS);

  for (let day = dayStartOf(from); day < to; day += DAY_MS) {
    const dayEnd = day + DAY_MS;
    if (
      day >= from &&
      dayEnd <= to &&
      dayEnd <= state.rolledUntil &&
      !cutsThrough(day, dayEnd) &&
      !hasDirtyHour(state.dirtyHours, day)
    ) {
      push(plan.daily, day, dayEnd);
      continue;
    }
    for (
      let hour = Math.max(day, hourStartOf(from));
      hour < Math.min(dayEnd, to);
      hour += HOUR_MS
    ) {
      if (hourUsable(hour)) {
        push(plan.hourly, hour, hour + HOUR_MS);
      } else {
        push(plan.raw, Math.max(hour, from), Math.min(hour + HOUR_MS, to));
      }
    }
  }
  return plan;
}

function hasDirtyHour(dirty: Set<number>, day: number) {
  if (dirty.size === 0) return false;
  for (let hour = day; hour < day + DAY_MS; hour += HOUR_MS) {
    if (dirty.has(hour)) return true;
  }
  return false;
}

/** Contiguous spans covering the given sorted hour starts. */
export function hourSpans(hourStarts: number[]): TimeSpan[] {
  const spans: TimeSpan[] = [];
  for (const hour of hourStarts) push(spans, hour, hour + HOUR_MS);
  return spans;
}

/** Appends a span, extending the last one when they touch. */
function push(spans: TimeSpan[], start: number, end: number) {
  const last = spans[spans.length - 1];
  if (last && last[1] === start) {
    last[1] = end;
  } else {
    spans.push([start, end]);
  }
}

/** Index of the first element >= value in a sorted array. */
export function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
