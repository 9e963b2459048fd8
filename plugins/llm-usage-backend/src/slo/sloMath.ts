import type {
  SloBurnAlert,
  SloMetric,
  SloObjective,
  SloObjectiveReport,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DAY_MS, HOUR_MS } from '../database/tables';

/**
 * The SLO maths, on hours: an hour with finished calls is good when its
 * metric is at or below the objective's threshold, bad otherwise; an hour
 * without finished calls does not count. The error budget is the share of
 * counted hours allowed to be bad, `1 - target`. A burn rate is the bad
 * share of a window's counted hours divided by that allowance: 1 spends the
 * budget exactly over the SLO window, 6 in a sixth of it.
 *
 * Alerts follow the SRE workbook's multiwindow, multi-burn-rate alerts
 * (chapter 5), with windows adapted to hourly data: a fast tier (6 h, checked
 * against the last hour so it stops once the burning stops) at burn rate 6,
 * the workbook's "5 % of a 30-day budget in 6 hours", and a slow tier (72 h,
 * checked against the last 24 hours) at burn rate 1, its "10 % in 3 days".
 */

/** One rolled hour of a project, as the SLO maths needs it. */
export interface HourSample {
  hourStart: number;
  /** Successful plus failed calls. */
  finished: number;
  failed: number;
  /** From the hour's merged latency sketches; null without latencies. */
  p95LatencyMs: number | null;
  /** Null without TTFT values. */
  meanTtftMs: number | null;
}

/** An hour that counts for an objective. */
export interface JudgedHour {
  hourStart: number;
  value: number;
  calls: number;
  good: boolean;
}

/** The burn rates reported, in hours. */
export const BURN_RATE_WINDOWS = [1, 6, 24, 72] as const;

/** The alert tiers: both windows must burn at `threshold` or faster. */
export const BURN_ALERT_TIERS: ReadonlyArray<Omit<SloBurnAlert, 'firing'>> = [
  { tier: 'fast', longHours: 6, shortHours: 1, threshold: 6 },
  { tier: 'slow', longHours: 72, shortHours: 24, threshold: 1 },
];

/** The broken hours a report lists at most. */
export const MAX_BROKEN_HOURS = 200;

/** The hour's value of a metric, or null when the hour has none. */
export function hourValue(metric: SloMetric, hour: HourSample): number | null {
  switch (metric) {
    case 'latencyP95':
      return hour.p95LatencyMs;
    case 'ttft':
      return hour.meanTtftMs;
    case 'errorRate':
      return hour.finished > 0 ? hour.failed / hour.finished : null;
    default:
      return null;
  }
}

/** The hours that count for the objective, oldest first. */
export function judgeHours(
  objective: Pick<SloObjective, 'metric' | 'threshold'>,
  hours: HourSample[],
): JudgedHour[] {
  const judged: JudgedHour[] = [];
  for (const hour of hours) {
    if (hour.finished <= 0) continue;
    const value = hourValue(objective.metric, hour);
    if (value === null) continue;
    judged.push({
      hourStart: hour.hourStart,
      value,
      calls: hour.finished,
      good: value <= objective.threshold,
    });
  }
  return judged.sort((a, b) => a.hourStart - b.hourStart);
}

/**
 * `1 - bad / allowed`, to nine places: `1 - target` is inexact in binary,
 * and a budget spent exactly should read 0, not -2e-16.
 */
function budgetLeft(bad: number, allowed: number): number {
  // `+ 0` turns -0 into 0.
  return Math.round((1 - bad / allowed) * 1e9) / 1e9 + 0;
}

/** Counted, good and bad hours, and good ÷ counted (null without hours). */
export function attainmentOf(hours: JudgedHour[]) {
  const goodHours = hours.filter(hour => hour.good).length;
  const countedHours = hours.length;
  return {
    countedHours,
    goodHours,
    badHours: countedHours - goodHours,
    attainment: countedHours > 0 ? goodHours / countedHours : null,
  };
}

/**
 * The share of the error budget left: 1 untouched, 0 spent, below 0
 * overspent. Null without counted hours (no budget to speak of).
 */
export function errorBudgetRemaining(
  badHours: number,
  countedHours: number,
  target: number,
): number | null {
  if (countedHours <= 0) return null;
  return budgetLeft(badHours, (1 - target) * countedHours);
}

/**
 * The burn rate over the `windowHours` before `end`: the bad share of the
 * counted hours there over `1 - target`. Null when none counts.
 */
export function burnRate(
  hours: JudgedHour[],
  end: number,
  windowHours: number,
  target: number,
): number | null {
  const from = end - windowHours * HOUR_MS;
  let counted = 0;
  let bad = 0;
  for (const hour of hours) {
    if (hour.hourStart < from || hour.hourStart >= end) continue;
    counted += 1;
    if (!hour.good) bad += 1;
  }
  if (counted === 0) return null;
  return bad / counted / (1 - target);
}

/** Each alert tier, firing when both its windows burn at its threshold or faster. */
export function burnAlerts(
  hours: JudgedHour[],
  end: number,
  target: number,
): SloBurnAlert[] {
  return BURN_ALERT_TIERS.map(tier => {
    const long = burnRate(hours, end, tier.longHours, target);
    const short = burnRate(hours, end, tier.shortHours, target);
    return {
      ...tier,
      firing:
        long !== null &&
        short !== null &&
        long >= tier.threshold &&
        short >= tier.threshold,
    };
  });
}

/**
 * The budget left through the window: 1 at its start, one step down at the
 * end of each broken hour (each spends `1 / allowed bad hours`), flat to the
 * window's end.
 */
export function budgetBurnSeries(
  hours: JudgedHour[],
  windowStart: number,
  windowEnd: number,
  target: number,
): Array<{ at: number; budgetRemaining: number }> {
  const points = [{ at: windowStart, budgetRemaining: 1 }];
  const allowed = (1 - target) * hours.length;
  let bad = 0;
  for (const hour of hours) {
    if (hour.good) continue;
    bad += 1;
    points.push({
      at: hour.hourStart + HOUR_MS,
      budgetRemaining: budgetLeft(bad, allowed),
    });
  }
  const last = points[points.length - 1];
  if (last.at < windowEnd) {
    points.push({ at: windowEnd, budgetRemaining: last.budgetRemaining });
  }
  return points;
}

/** The hour-aligned window of an objective that ends at `end`. */
export function windowOf(
  objective: Pick<SloObjective, 'windowDays'>,
  end: number,
) {
  return { start: end - objective.windowDays * DAY_MS, end };
}

/**
 * An objective's full standing from the rolled hours of its window (hours
 * outside it are ignored), `end` being the end of the last rolled hour.
 */
export function evaluateObjective(
  objective: SloObjective,
  samples: HourSample[],
  end: number,
): SloObjectiveReport {
  const window = windowOf(objective, end);
  const hours = judgeHours(
    objective,
    samples.filter(
      sample => sample.hourStart >= window.start && sample.hourStart < end,
    ),
  );
  const counts = attainmentOf(hours);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    ...objective,
    windowStart: iso(window.start),
    windowEnd: iso(window.end),
    ...counts,
    errorBudgetRemaining: errorBudgetRemaining(
      counts.badHours,
      counts.countedHours,
      objective.target,
    ),
    burnRates: BURN_RATE_WINDOWS.map(windowHours => ({
      hours: windowHours,
      burnRate: burnRate(hours, end, windowHours, objective.target),
    })),
    alerts: burnAlerts(hours, end, objective.target),
    burn: budgetBurnSeries(
      hours,
      window.start,
      window.end,
      objective.target,
    ).map(point => ({
      at: iso(point.at),
      budgetRemaining: point.budgetRemaining,
    })),
    brokenHours: hours
      .filter(hour => !hour.good)
      .reverse()
      .slice(0, MAX_BROKEN_HOURS)
      .map(hour => ({
        hourStart: iso(hour.hourStart),
        value: hour.value,
        calls: hour.calls,
      })),
  };
}
