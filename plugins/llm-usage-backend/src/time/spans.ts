import { HOUR_MS } from '../database/tables';

/** Half-open [start, end) in epoch ms. */
export type TimeSpan = [start: number, end: number];

/** Contiguous spans covering the given sorted hour starts. */
export function hourSpans(hourStarts: number[]): TimeSpan[] {
  const spans: TimeSpan[] = [];
  for (const hour of hourStarts) pushSpan(spans, hour, hour + HOUR_MS);
  return spans;
}

/** Appends a span, extending the last one when they touch. */
export function pushSpan(spans: TimeSpan[], start: number, end: number) {
  const last = spans[spans.length - 1];
  if (last && last[1] === start) {
    last[1] = end;
  } else {
    spans.push([start, end]);
  }
}

/** The parts of `spans` within [start, end). */
export function clipSpans(
  spans: TimeSpan[],
  start: number,
  end: number,
): TimeSpan[] {
  const clipped: TimeSpan[] = [];
  for (const [spanStart, spanEnd] of spans) {
    const from = Math.max(spanStart, start);
    const to = Math.min(spanEnd, end);
    if (from < to) clipped.push([from, to]);
  }
  return clipped;
}

/** The parts of `spans` outside `window`. */
export function spansOutside(spans: TimeSpan[], [start, end]: TimeSpan) {
  return [
    ...clipSpans(spans, -Infinity, start),
    ...clipSpans(spans, end, Infinity),
  ];
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
