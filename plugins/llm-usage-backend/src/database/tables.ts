/** Table names and the one-hour arithmetic every store shares. */
export const CALLS_TABLE = 'llm_usage_calls';
export const HOURLY_TABLE = 'llm_usage_rollup_hourly';
export const DAILY_TABLE = 'llm_usage_rollup_daily';
/** One row per project, day and currency; see migration 20261205090000. */
export const PROJECT_DAYS_TABLE = 'llm_usage_rollup_project_days';
export const DIRTY_HOURS_TABLE = 'llm_usage_rollup_dirty_hours';
export const ROLLUP_STATE_TABLE = 'llm_usage_rollup_state';
/** The id of the rollup state's single row. */
export const ROLLUP_STATE_ID = 'calls';
export const ROLLUP_HOUR_VERSIONS_TABLE = 'llm_usage_rollup_hour_versions';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function hourStartOf(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
}

export function dayStartOf(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS) * DAY_MS;
}

/**
 * SQLite limits bound parameters per statement; PostgreSQL to 65535. Writes
 * are chunked so both stay well inside.
 */
export const WRITE_CHUNK_ROWS = 500;

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}
