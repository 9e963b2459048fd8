/*
 * Anomaly detection on hourly series, pure functions only: the readers
 * (rollups, provider usage) and the alert conditions live beside this file.
 *
 * A key's (or project's) traffic has its own weekly rhythm, so each hour is
 * compared with the same hour of the week in the weeks before it. Counts
 * and money are skewed and their spread grows with their level, so values
 * are compared on a square-root scale, where the spread is nearly constant:
 * the baseline is the median of the same hour in the previous weeks, the
 * scale is the median absolute deviation (MAD) of every earlier hour's
 * residual from its own baseline, and the score is the robust z-score
 * (value − baseline) / (1.4826 · MAD). Medians ignore the odd earlier
 * spike, so one incident does not hide the next.
 */

export const HOUR_MS = 3_600_000;
export const WEEK_HOURS = 168;
const MAD_TO_SIGMA = 1.4826;

/** Hourly values from `start` (an hour start, epoch ms), one per hour, no gaps. */
export interface HourlySeries {
  start: number;
  values: number[];
}

/** How sensitive spike detection is; see the anomaly rule's parameters. */
export interface SpikeOptions {
  /** Robust z-score an hour must reach (higher: fewer alerts). */
  threshold: number;
  /** And the value must be at least this multiple of its baseline. */
  minRatio: number;
  /** And at least this much in absolute terms (e.g. 20 requests). */
  minValue: number;
  /** Weeks of history the baseline looks at. */
  weeks: number;
  /** Fewest earlier weeks with that hour for a baseline at all. */
  minWeeks: number;
}

/** One hour that stood out, with the numbers that made it stand out. */
export interface SpikeFinding {
  /** Index of the hour in the series. */
  index: number;
  hourStart: number;
  value: number;
  /** The median of the same hour in earlier weeks (original units). */
  baseline: number;
  score: number;
}

/** 0 = Monday 00:00 UTC … 167 = Sunday 23:00 UTC. */
export function hourOfWeek(time: number): number {
  const date = new Date(time);
  return ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The values of the same hour of the week in up to `weeks` earlier weeks. */
export function sameHourBefore(
  values: readonly number[],
  index: number,
  weeks: number,
): number[] {
  const samples: number[] = [];
  for (let week = 1; week <= weeks; week++) {
    const earlier = index - week * WEEK_HOURS;
    if (earlier < 0) break;
    samples.push(values[earlier]);
  }
  return samples;
}

/**
 * The robust scale of a series on the square-root scale: the MAD of each
 * hour's residual from its seasonal baseline, over the hours before `until`
 * that have a baseline. Undefined without enough history.
 */
export function residualScale(
  roots: readonly number[],
  until: number,
  options: Pick<SpikeOptions, 'weeks' | 'minWeeks'>,
): number | undefined {
  const residuals: number[] = [];
  for (let i = options.minWeeks * WEEK_HOURS; i < until; i++) {
    const samples = sameHourBefore(roots, i, options.weeks);
    if (samples.length < options.minWeeks) continue;
    residuals.push(roots[i] - median(samples));
  }
  if (residuals.length < 24) return undefined;
  const centre = median(residuals);
  return MAD_TO_SIGMA * median(residuals.map(r => Math.abs(r - centre)));
}

/**
 * The hours from `from` (an index) on that are spikes against the series'
 * own hour-of-week baseline. An hour whose earlier weeks were all zero is
 * not a spike but traffic at an unusual hour (see {@link offHours}).
 */
export function spikes(
  series: HourlySeries,
  from: number,
  options: SpikeOptions,
): SpikeFinding[] {
  const roots = series.values.map(value => Math.sqrt(Math.max(0, value)));
  const scale = residualScale(roots, from, options);
  if (scale === undefined) return [];
  const findings: SpikeFinding[] = [];
  for (let i = Math.max(from, 0); i < series.values.length; i++) {
    const value = series.values[i];
    const samples = sameHourBefore(series.values, i, options.weeks);
    if (samples.length < options.minWeeks) continue;
    const baseline = median(samples);
    if (baseline <= 0) continue;
    const rootBaseline = Math.sqrt(baseline);
    // Never less than a tenth of the level: a very regular series still
    // needs a real change, not a rounding difference, to score.
    const sigma = Math.max(scale, 0.1 * rootBaseline, 1e-9);
    const score = (roots[i] - rootBaseline) / sigma;
    if (
      score >= options.threshold &&
      value >= options.minRatio * baseline &&
      value >= options.minValue
    ) {
      findings.push({
        index: i,
        hourStart: series.start + i * HOUR_MS,
        value,
        baseline,
        score: Math.round(score * 100) / 100,
      });
    }
  }
  return findings;
}

/**
 * Hours from `from` on with at least `minValue` calls at an hour of the
 * week (or next to one) where every earlier week had none: a key that
 * works office hours called at 3 a.m. Needs `minWeeks` of history, and
 * some traffic in it, so a new or idle key is never "off hours".
 */
export function offHours(
  series: HourlySeries,
  from: number,
  options: Pick<SpikeOptions, 'weeks' | 'minWeeks' | 'minValue'>,
): SpikeFinding[] {
  const history = series.values.slice(0, Math.max(0, from));
  if (history.every(value => value === 0)) return [];
  const findings: SpikeFinding[] = [];
  for (let i = Math.max(from, 0); i < series.values.length; i++) {
    const value = series.values[i];
    if (value < options.minValue) continue;
    const quiet = [i - 1, i, i + 1].every(slot => {
      const samples = sameHourBefore(series.values, slot, options.weeks);
      return samples.length >= options.minWeeks && samples.every(v => v === 0);
    });
    if (quiet) {
      findings.push({
        index: i,
        hourStart: series.start + i * HOUR_MS,
        value,
        baseline: 0,
        score: Number.POSITIVE_INFINITY,
      });
    }
  }
  return findings;
}

/** The hours of the week (0–167) in which a series had any traffic before `until`. */
export function usualHours(series: HourlySeries, until: number): number[] {
  const hours = new Set<number>();
  for (let i = 0; i < Math.min(until, series.values.length); i++) {
    if (series.values[i] > 0) hours.add(hourOfWeek(series.start + i * HOUR_MS));
  }
  return [...hours].sort((a, b) => a - b);
}

/** A model a subject used in the window that it never used before it. */
export interface NewModelFinding {
  model: string;
  firstSeenAt: number;
  calls: number;
  knownModels: string[];
}

/**
 * Models first used at or after `windowStart`, for a subject that was
 * already in use before it (a brand-new key's first model is not news).
 */
export function newModels(
  uses: ReadonlyArray<{ model: string; firstSeenAt: number; calls: number }>,
  windowStart: number,
): NewModelFinding[] {
  const known = uses
    .filter(use => use.firstSeenAt < windowStart)
    .map(use => use.model)
    .sort();
  if (known.length === 0) return [];
  return uses
    .filter(use => use.firstSeenAt >= windowStart && use.calls > 0)
    .map(use => ({ ...use, knownModels: known }));
}

/** One day of a key as its provider billed it and as calls recorded it. */
export interface KeyDayUsage {
  day: number;
  providerRequests: number;
  providerTokens: number;
  recordedCalls: number;
}

/**
 * Days on which the provider reports use of a key that no recorded call
 * made: someone outside the company's instrumented services holds it. Only
 * for keys whose calls are recorded at all (`instrumented`), else every
 * day of a key used by uninstrumented tools would look leaked.
 */
export function leakedDays(
  days: readonly KeyDayUsage[],
  instrumented: boolean,
  minRequests: number,
): KeyDayUsage[] {
  if (!instrumented) return [];
  return days.filter(
    day =>
      day.recordedCalls === 0 &&
      (day.providerRequests >= minRequests ||
        (day.providerRequests === 0 && day.providerTokens > 0)),
  );
}

/** A subject's (key's or project's) hourly traffic, all series aligned on `start`. */
export interface SubjectHours {
  start: number;
  requests: number[];
  tokens: number[];
  /** Spend per currency in currency units (not nanos). */
  spend: Map<string, number[]>;
}

export type SpikeMetric = 'requests' | 'tokens' | 'spend';

/** The knobs of an anomaly rule that detection needs. */
export interface Sensitivity {
  threshold: number;
  minRatio: number;
  /** Fewest calls in an hour for a request spike or an off-hours finding. */
  minRequests: number;
  weeks: number;
}

export interface MetricSpike extends SpikeFinding {
  metric: SpikeMetric;
  currency: string | null;
}

/** Request, token and spend spikes of a subject in the hours from `from` on. */
export function subjectSpikes(
  hours: SubjectHours,
  from: number,
  sensitivity: Sensitivity,
): MetricSpike[] {
  const base = {
    threshold: sensitivity.threshold,
    minRatio: sensitivity.minRatio,
    weeks: sensitivity.weeks,
    minWeeks: Math.min(2, sensitivity.weeks),
  };
  const found: MetricSpike[] = [];
  const add = (
    metric: SpikeMetric,
    currency: string | null,
    values: number[],
    minValue: number,
  ) => {
    for (const spike of spikes({ start: hours.start, values }, from, {
      ...base,
      minValue,
    })) {
      found.push({ ...spike, metric, currency });
    }
  };
  add('requests', null, hours.requests, sensitivity.minRequests);
  add('tokens', null, hours.tokens, 0);
  for (const [currency, values] of hours.spend) {
    add('spend', currency, values, 0);
  }
  return found;
}

/** Calls at hours the subject never works, from `from` on. */
export function subjectOffHours(
  hours: SubjectHours,
  from: number,
  sensitivity: Sensitivity,
): SpikeFinding[] {
  return offHours({ start: hours.start, values: hours.requests }, from, {
    weeks: sensitivity.weeks,
    minWeeks: Math.min(2, sensitivity.weeks),
    minValue: sensitivity.minRequests,
  });
}

/** The default sensitivity, tuned on the backtest (anomalies/backtest.test.ts). */
export const DEFAULT_SENSITIVITY: Sensitivity = {
  threshold: 5,
  minRatio: 2.5,
  minRequests: 20,
  weeks: 4,
};
