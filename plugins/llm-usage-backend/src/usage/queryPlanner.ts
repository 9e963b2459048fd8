import { DAY_MS, HOUR_MS, dayStartOf, hourStartOf } from '../database/tables';
import type { RollupState } from '../rollup/RollupStore';
import { type TimeSpan, lowerBound, pushSpan } from '../time/spans';

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
      pushSpan(plan.daily, day, dayEnd);
      continue;
    }
    for (
      let hour = Math.max(day, hourStartOf(from));
      hour < Math.min(dayEnd, to);
      hour += HOUR_MS
    ) {
      if (hourUsable(hour)) {
        pushSpan(plan.hourly, hour, hour + HOUR_MS);
      } else {
        pushSpan(plan.raw, Math.max(hour, from), Math.min(hour + HOUR_MS, to));
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
