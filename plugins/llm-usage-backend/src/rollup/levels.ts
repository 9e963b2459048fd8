import type { BulkColumn } from '../database/bulkInsert';
import { DAILY_TABLE, HOURLY_TABLE } from '../database/tables';

/** The levels of detail a rollup row can be kept at; see the migrations. */
export type RollupLevel = 'detail' | 'project' | 'model';

/**
 * The levels each table keeps. Hours keep no project level: within one hour
 * a project has few detail rows, so project reads sum those instead and the
 * rollup writes a third fewer rows. Naming the levels also lets a time range
 * be found through the tables' key, which leads with (level, time).
 */
export const LEVELS = {
  hourly: ['detail', 'model'],
  daily: ['detail', 'project', 'model'],
} satisfies Record<string, RollupLevel[]>;

export const ROLLUP_TABLES = {
  hourly: { name: HOURLY_TABLE, timeColumn: 'hour_start' },
  daily: { name: DAILY_TABLE, timeColumn: 'day_start' },
} satisfies Record<keyof typeof LEVELS, { name: string; timeColumn: string }>;

/** The stored level that answers reads at each level, per table. */
export const LEVEL_READ_FROM: Record<
  keyof typeof LEVELS,
  Record<RollupLevel, RollupLevel>
> = {
  hourly: { detail: 'detail', project: 'detail', model: 'model' },
  daily: { detail: 'detail', project: 'project', model: 'model' },
};

/** Stands for "all values" in a dimension a level collapses. */
export const COLLAPSED = '*';

/**
 * The dimensions of a detail row, in the daily table's key order, each with
 * the coarser levels that keep it; the other levels collapse it to
 * {@link COLLAPSED}. A new dimension is added here (and by a migration).
 */
const KEPT_BY: Record<string, Array<'project' | 'model'>> = {
  user_ref: [],
  project_id: ['project'],
  api_key_id: [],
  provider: ['project', 'model'],
  model: ['project', 'model'],
  currency: ['project', 'model'],
};

/** The dimensions of a detail row, every one kept. */
export const DETAIL_DIMENSIONS = Object.keys(KEPT_BY);

/**
 * The detail dimensions in the order of each table's key. Rows grouped in
 * that order are written in key order, into neighbouring index pages.
 */
export const KEY_ORDER = {
  hourly: [
    'project_id',
    'user_ref',
    'api_key_id',
    'provider',
    'model',
    'currency',
  ],
  daily: DETAIL_DIMENSIONS,
} satisfies Record<keyof typeof LEVELS, string[]>;

/** The dimensions a coarser level keeps; the others are {@link COLLAPSED}. */
export const COARSE_DIMENSIONS = {
  project: keptBy('project'),
  model: keptBy('model'),
} satisfies Partial<Record<RollupLevel, string[]>>;

function keptBy(level: 'project' | 'model'): string[] {
  return DETAIL_DIMENSIONS.filter(column => KEPT_BY[column].includes(level));
}

/** The sums of a rollup row, after its time and dimensions. */
const SUM_COLUMNS: BulkColumn[] = [
  ['call_count', 'integer'],
  ['success_count', 'integer'],
  ['failed_count', 'integer'],
  ['processing_count', 'integer'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cached_tokens', 'bigint'],
  // numeric on PostgreSQL (see migration 20261204120000): sums of maximal costs.
  ['cost_nanos', 'numeric'],
  // The part of cost_nanos the price book computed (migration 20261204170000).
  ['priced_cost_nanos', 'numeric'],
  ['latency_count', 'integer'],
  ['latency_sum_ms', 'bigint'],
  ['ttft_count', 'integer'],
  ['ttft_sum_ms', 'bigint'],
  ['latency_sketch', 'text'],
  ['last_call_at', 'bigint'],
];

/** The columns of both rollup tables, after the hour or day start. */
export const ROLLUP_COLUMNS: BulkColumn[] = [
  ['level', 'text'],
  ...DETAIL_DIMENSIONS.map((column): BulkColumn => [column, 'text']),
  ...SUM_COLUMNS,
];

/**
 * The dimensions of the project-day table (`PROJECT_DAYS_TABLE`): a day's
 * project rows summed over providers and models, so reads of whole-range
 * project sums scan one compact row per project and day.
 */
export const PROJECT_DAY_DIMENSIONS = ['project_id', 'currency'];

/** The columns of the project-day table, after the day start. */
export const PROJECT_DAY_COLUMNS: BulkColumn[] = [
  ...PROJECT_DAY_DIMENSIONS.map((column): BulkColumn => [column, 'text']),
  ...SUM_COLUMNS,
];
