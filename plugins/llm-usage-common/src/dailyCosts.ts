import type { CostAmount, TimeRange } from './types';

/** @public */
export const DAILY_COST_SPLITS = [
  'none',
  'project',
  'provider',
  'model',
] as const;

/** @public */
export type DailyCostSplit = (typeof DAILY_COST_SPLITS)[number];

/**
 * `GET /costs/daily`: cost per day for a project, for a catalog entity
 * (a Component: its projects; a Group or User: the projects it owns) or for
 * everything the caller sees. For Cost Insights and other cost tools.
 *
 * @public
 */
export interface DailyCostsQuery {
  from?: string;
  to?: string;
  projectId?: string;
  entityRef?: string;
  split?: DailyCostSplit;
  /** IANA zone the days are cut in; default UTC. */
  tz?: string;
}

/** @public */
export interface DailyCostPoint {
  /** The day, `YYYY-MM-DD` in the requested zone. */
  date: string;
  /** `total`, or the project / provider / model name when split. */
  series: string;
  calls: number;
  totalTokens: number;
  costs: CostAmount[];
}

/** @public */
export interface DailyCostsResponse {
  range: TimeRange;
  timeZone: string;
  split: DailyCostSplit;
  /** The projects the costs cover (empty when they cover everything visible). */
  projectIds: string[];
  /** Every day of the range, in order, including days without calls. */
  dates: string[];
  series: string[];
  /** Only days and series with calls. */
  points: DailyCostPoint[];
}
