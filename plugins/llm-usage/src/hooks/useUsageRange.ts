import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { DateTime } from 'luxon';
import {
  TREND_INTERVALS,
  type TimeRange,
  type TrendInterval,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { oneOf } from '../lib/params';

/** @internal */
export const RANGE_PRESETS = ['24h', '7d', '30d', '90d', 'custom'] as const;
/** @internal */
export type RangePreset = (typeof RANGE_PRESETS)[number];

/**
 * The time range a view shows, as the user picked it. Presets are resolved at
 * request time, so a polling view keeps moving with the clock.
 *
 * @internal
 */
export interface RangeSelection {
  preset: RangePreset;
  /** `yyyy-MM-dd` in the viewer's zone, first day included (custom only). */
  from?: string;
  /** `yyyy-MM-dd` in the viewer's zone, last day included (custom only). */
  to?: string;
}

const DEFAULT_PRESET: RangePreset = '30d';

const PRESET_DURATIONS: Record<Exclude<RangePreset, 'custom'>, object> = {
  '24h': { hours: 24 },
  '7d': { days: 7 },
  '30d': { days: 30 },
  '90d': { days: 90 },
};

/** Turns a selection into the ISO range the API takes (`to` exclusive). */
export function resolveRange(
  selection: RangeSelection,
  now: DateTime = DateTime.local(),
): TimeRange {
  if (selection.preset === 'custom') {
    const from = selection.from ? DateTime.fromISO(selection.from) : undefined;
    const to = selection.to ? DateTime.fromISO(selection.to) : undefined;
    if (from?.isValid && to?.isValid && from <= to) {
      return {
        from: from.startOf('day').toUTC().toISO()!,
        to: to.plus({ days: 1 }).startOf('day').toUTC().toISO()!,
      };
    }
    return resolveRange({ preset: DEFAULT_PRESET }, now);
  }
  return {
    from: now.minus(PRESET_DURATIONS[selection.preset]).toUTC().toISO()!,
    to: now.toUTC().toISO()!,
  };
}

/** The bucket size that suits a range when the user has not picked one. */
export function defaultIntervalFor(selection: RangeSelection): TrendInterval {
  if (selection.preset === '24h') {
    return 'hour';
  }
  if (selection.preset === '90d') {
    return 'week';
  }
  return 'day';
}

/** Whether hourly buckets are reasonable for the range (at most a week). */
export function allowsHourly(selection: RangeSelection): boolean {
  if (selection.preset === '24h' || selection.preset === '7d') {
    return true;
  }
  if (selection.preset === 'custom') {
    const { from, to } = resolveRange(selection);
    return DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days <= 7;
  }
  return false;
}

/**
 * The bucket sizes a trend may use for the range, and the one to show: the
 * requested one (from the URL) where it is allowed, else the range's default.
 */
export function trendIntervalChoice(
  selection: RangeSelection,
  requested: string | null,
): { intervals: TrendInterval[]; interval: TrendInterval } {
  const intervals = TREND_INTERVALS.filter(
    i => i !== 'hour' || allowsHourly(selection),
  );
  return {
    intervals,
    interval: oneOf(requested, intervals, defaultIntervalFor(selection)),
  };
}

/** The viewer's IANA time zone, sent as `tz` so buckets match their days. */
export function viewerTimeZone(): string {
  return DateTime.local().zoneName ?? 'UTC';
}

/** Serialised selection, for cache keys. */
export function rangeKey(selection: RangeSelection): string {
  return selection.preset === 'custom'
    ? `custom:${selection.from}:${selection.to}`
    : selection.preset;
}

/** The range as URL params, to carry it from one page to another. */
export function rangeSearch(selection: RangeSelection): string {
  const params = new URLSearchParams();
  if (selection.preset !== DEFAULT_PRESET) {
    params.set('range', selection.preset);
  }
  if (selection.preset === 'custom') {
    params.set('from', selection.from ?? '');
    params.set('to', selection.to ?? '');
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

function isPreset(value: string | null): value is RangePreset {
  return (RANGE_PRESETS as readonly string[]).includes(value ?? '');
}

/**
 * Reads and writes URL search params, so every view can be shared as a link.
 * Setting a param to undefined or '' removes it.
 *
 * @internal
 */
export function useUrlParams(): [
  URLSearchParams,
  (patch: Record<string, string | undefined>) => void,
] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (patch: Record<string, string | undefined>) => {
      setParams(
        previous => {
          const next = new URLSearchParams(previous);
          for (const [name, value] of Object.entries(patch)) {
            if (value === undefined || value === '') {
              next.delete(name);
            } else {
              next.set(name, value);
            }
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [params, update];
}

/**
 * The range selection kept in the URL (`range`, `from`, `to`).
 *
 * @internal
 */
export function useRangeSelection(): [
  RangeSelection,
  (
    selection: RangeSelection,
    extra?: Record<string, string | undefined>,
  ) => void,
] {
  const [params, update] = useUrlParams();
  const rangeParam = params.get('range');
  const fromParam = params.get('from') ?? undefined;
  const toParam = params.get('to') ?? undefined;
  const selection = useMemo<RangeSelection>(() => {
    const preset = isPreset(rangeParam) ? rangeParam : DEFAULT_PRESET;
    return preset === 'custom'
      ? { preset, from: fromParam, to: toParam }
      : { preset };
  }, [rangeParam, fromParam, toParam]);
  const setSelection = useCallback(
    (next: RangeSelection, extra: Record<string, string | undefined> = {}) => {
      update({
        range: next.preset === DEFAULT_PRESET ? undefined : next.preset,
        from: next.preset === 'custom' ? next.from : undefined,
        to: next.preset === 'custom' ? next.to : undefined,
        ...extra,
      });
    },
    [update],
  );
  return [selection, setSelection];
}
