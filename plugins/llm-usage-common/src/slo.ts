/**
 * Service level objectives of a project: what a Component declares (by
 * annotation or in the plugin's settings) and the report the
 * `/slo/projects/{projectId}` endpoint computes from the hourly rollups.
 */

/**
 * What an hour is judged by:
 * - `latencyP95`: the hour's P95 latency (merged from its latency sketches), ms
 * - `errorRate`: failed ÷ finished calls of the hour, a fraction (0.01 = 1 %)
 * - `ttft`: the hour's mean time to first token, ms (the rollups keep its sum
 *   and count, not a sketch)
 *
 * @public
 */
export const SLO_METRICS = ['latencyP95', 'errorRate', 'ttft'] as const;

/** @public */
export type SloMetric = (typeof SLO_METRICS)[number];

/**
 * Annotations a Component declares SLOs with (each of its project ids gets
 * them). Thresholds: `slo-p95-latency-ms: "3000"`, `slo-error-rate: "1%"`,
 * `slo-ttft-ms: "800"`; shared by those: `slo-target: "99%"` (share of good
 * hours, default 99 %) and `slo-window: "28d"` (default 28 days).
 *
 * @public
 */
export const SLO_ANNOTATIONS = {
  latencyP95: 'llm-usage.io/slo-p95-latency-ms',
  errorRate: 'llm-usage.io/slo-error-rate',
  ttft: 'llm-usage.io/slo-ttft-ms',
  target: 'llm-usage.io/slo-target',
  window: 'llm-usage.io/slo-window',
} as const;

/**
 * One objective: at least `target` of the hours with calls in the last
 * `windowDays` must have their metric at or below `threshold`.
 *
 * @public
 */
export interface SloObjective {
  metric: SloMetric;
  /** Milliseconds for latency and TTFT; a fraction for the error rate. */
  threshold: number;
  /** Share of good hours, e.g. 0.99. */
  target: number;
  windowDays: number;
}

/** Where a project's objectives come from: settings override annotations. @public */
export type SloSource = 'settings' | 'annotation';

/** A multiwindow burn-rate alert tier (see the SRE workbook, chapter 5). @public */
export interface SloBurnAlert {
  tier: 'fast' | 'slow';
  longHours: number;
  shortHours: number;
  /** Burn rate both windows must reach. */
  threshold: number;
  /** Both windows at or over the threshold now. */
  firing: boolean;
}

/** An hour that broke an objective. @public */
export interface SloBrokenHour {
  hourStart: string;
  /** The hour's metric (ms or fraction). */
  value: number;
  /** Finished calls in the hour. */
  calls: number;
}

/** One objective's standing over its window. @public */
export interface SloObjectiveReport extends SloObjective {
  windowStart: string;
  windowEnd: string;
  /** Hours with finished calls: the ones that count. */
  countedHours: number;
  goodHours: number;
  badHours: number;
  /** Good ÷ counted hours; null without counted hours. */
  attainment: number | null;
  /** Share of the error budget left (below 0 once overspent); null without counted hours. */
  errorBudgetRemaining: number | null;
  /** Burn rate over the last 1, 6, 24 and 72 hours. */
  burnRates: Array<{ hours: number; burnRate: number | null }>;
  alerts: SloBurnAlert[];
  /**
   * The budget left over the window: a step at the end of each broken hour,
   * starting at 1 at the window's start and ending at its end.
   */
  burn: Array<{ at: string; budgetRemaining: number }>;
  /** Broken hours, newest first (at most 200). */
  brokenHours: SloBrokenHour[];
}

/** `GET /slo/projects/{projectId}`. @public */
export interface SloReportResponse {
  projectId: string;
  /** Null when the project declares no SLO. */
  source: SloSource | null;
  /** Hours before this are rolled and judged; the open hour is not. */
  evaluatedUntil: string;
  objectives: SloObjectiveReport[];
  /** SLO annotations whose value could not be read (their objective is left out). */
  invalidAnnotations: Array<{ annotation: string; value: string }>;
}

/** `PUT /slo/projects/{projectId}/settings` body and the stored settings. @public */
export interface SloSettingsInput {
  objectives: SloObjective[];
}

/** @public */
export interface SloSettings extends SloSettingsInput {
  projectId: string;
  updatedBy: string;
  updatedAt: string;
}
