import type { Knex } from 'knex';
import { isPostgres } from '../database/bulkInsert';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  DAY_MS,
  HOURLY_TABLE,
  HOUR_MS,
  ROLLUP_STATE_ID,
  ROLLUP_STATE_TABLE,
  dayStartOf,
} from '../database/tables';
import { callsInRange, columnRange, spansWhere } from '../database/timeRanges';
import { type TimeSpan, clipSpans, spansOutside } from '../time/spans';
import { DETAIL_DIMENSIONS } from './levels';
import { deleteRows, insertDailyDetail, insertHourlyDetail } from './rollupSql';

/*
 * Detail rollup rows (per user, key and model) hold about one row per call
 * when calls are spread thin over many projects, which made the rollups
 * larger than the raw calls. With `llmUsage.rollup.detailDays` set, the
 * detail rows of older days are deleted while their raw calls are kept:
 * reads at the detail level sum those days' raw calls instead (cached like
 * any rolled sum), and the project and model levels, which answer most
 * reads, stay. Before retention deletes a day's raw calls, its detail rows
 * are written back, so a day always has one or the other.
 *
 * The days are `[raw_detail_from, raw_detail_until)` in the rollup state.
 * Rows of a day that entered it are deleted one run later, so a reader that
 * planned with the state before never misses them.
 */

/** The days whose detail only the raw calls keep; undefined: none. */
export async function readRawDetailDays(
  db: Knex,
): Promise<TimeSpan | undefined> {
  const state = await db(ROLLUP_STATE_TABLE)
    .where('id', ROLLUP_STATE_ID)
    .first('raw_detail_from', 'raw_detail_until');
  return rawDetailDaysOf(state);
}

/** The span of a state row's columns; undefined when empty. */
export function rawDetailDaysOf(state: any): TimeSpan | undefined {
  const from = Number(state?.raw_detail_from ?? 0);
  const until = Number(state?.raw_detail_until ?? 0);
  return until > from ? [from, until] : undefined;
}

/**
 * The days whose detail rows may go: before the last `detailDays` UTC days
 * (today included), rolled whole, and with their raw calls kept. Retention
 * deletes days before `dayStartOf(now - rawCallsDays days)`, so those keep
 * their detail rows.
 */
export function rawDetailDaysFor(options: {
  now: number;
  detailDays: number;
  rolledUntil: number;
  rawCallsSince: number;
  rawCallsDays?: number;
}): TimeSpan | undefined {
  const { now, detailDays, rolledUntil, rawCallsSince, rawCallsDays } = options;
  const from = Math.max(
    dayStartOf(rawCallsSince + DAY_MS - 1),
    rawCallsDays === undefined ? 0 : dayStartOf(now - rawCallsDays * DAY_MS),
  );
  const until = Math.min(
    dayStartOf(now) - (detailDays - 1) * DAY_MS,
    dayStartOf(rolledUntil),
  );
  return until > from ? [from, until] : undefined;
}

export interface RawDetailDaysMove {
  /** Days whose detail rows were written back from their raw calls. */
  restoredDays: number;
  /** Days whose detail rows were deleted by this move. */
  prunedRows: number;
}

/**
 * Moves the days whose detail only raw calls keep to `target`, in one
 * transaction: days leaving them get their detail rows back from the raw
 * calls; rows of days that were among them already (readers had a run's
 * time to learn it) are deleted. Runs after the rollup, in its task, so no
 * re-roll of those days runs meanwhile.
 */
export async function moveRawDetailDays(
  db: Knex,
  target: TimeSpan | undefined,
): Promise<RawDetailDaysMove> {
  return db.transaction(async tx => {
    const stateQuery = tx(ROLLUP_STATE_TABLE)
      .where('id', ROLLUP_STATE_ID)
      .first('raw_detail_from', 'raw_detail_until');
    if (isPostgres(tx)) stateQuery.forUpdate();
    const state = await stateQuery;
    const current = rawDetailDaysOf(state);
    // Without the setting, and no days to give back: nothing to write.
    if (!state || (!current && !target)) {
      return { restoredDays: 0, prunedRows: 0 };
    }

    let leaving: TimeSpan[] = [];
    if (current) leaving = target ? spansOutside([current], target) : [current];
    if (leaving.length > 0) await restoreDetailRows(tx, leaving);
    // Only days readers know to read raw; the others join the next run.
    const prunable = current && target ? clipSpans([current], ...target) : [];
    const prunedRows =
      prunable.length > 0 ? await deleteDetailRows(tx, prunable) : 0;

    await tx(ROLLUP_STATE_TABLE)
      .where('id', ROLLUP_STATE_ID)
      .update({
        raw_detail_from: target?.[0] ?? 0,
        raw_detail_until: target?.[1] ?? 0,
      });
    return {
      restoredDays: leaving.reduce(
        (days, [start, end]) => days + (end - start) / DAY_MS,
        0,
      ),
      prunedRows,
    };
  });
}

/** Writes the detail rows of whole days again from their raw calls. */
async function restoreDetailRows(tx: Knex.Transaction, days: TimeSpan[]) {
  await deleteDetailRows(tx, days);
  await insertHourlyDetail(tx, days);
  await insertDailyDetail(tx, days);
}

/** Deletes the hourly and daily detail rows of whole days; returns how many. */
export async function deleteDetailRows(
  tx: Knex.Transaction,
  days: TimeSpan[],
): Promise<number> {
  return (
    (await deleteRows(tx, HOURLY_TABLE, 'hour_start', days, ['detail'])) +
    (await deleteRows(tx, DAILY_TABLE, 'day_start', days, ['detail']))
  );
}

/** Detail-shaped columns a reader can take from either source. */
const DETAIL_COLUMNS = [
  ...DETAIL_DIMENSIONS,
  'input_tokens',
  'output_tokens',
  'cost_nanos',
];

/**
 * Rows shaped like the detail rows of `table` (its time column, the
 * dimensions, `call_count`, tokens and cost) in `span`: the stored detail
 * rows, and for the days whose detail only raw calls keep, one row per call.
 * Readers group and sum them as they would the detail rows alone.
 */
export function detailRowsIn(
  db: Knex,
  options: {
    table: 'hourly' | 'daily';
    span: TimeSpan;
    rawDetailDays: TimeSpan | undefined;
  },
): Knex.QueryBuilder {
  const { span, rawDetailDays } = options;
  const [table, timeColumn, period] =
    options.table === 'hourly'
      ? [HOURLY_TABLE, 'hour_start', HOUR_MS]
      : [DAILY_TABLE, 'day_start', DAY_MS];
  const storedSpans = rawDetailDays
    ? spansOutside([span], rawDetailDays)
    : [span];
  const rawSpans = rawDetailDays ? clipSpans([span], ...rawDetailDays) : [];
  const parts: Knex.QueryBuilder[] = [];
  if (storedSpans.length > 0) {
    parts.push(
      db(table)
        .select(timeColumn, 'call_count', ...DETAIL_COLUMNS)
        .where('level', 'detail')
        .andWhere(spansWhere(columnRange(timeColumn), storedSpans)),
    );
  }
  if (rawSpans.length > 0) {
    parts.push(
      db(CALLS_TABLE)
        .select(
          db.raw(`occurred_at - (occurred_at % ${period}) AS ${timeColumn}`),
          db.raw('1 AS call_count'),
          ...DETAIL_COLUMNS,
        )
        .where(spansWhere(callsInRange, rawSpans)),
    );
  }
  // Unwrapped: SQLite takes no parenthesised select in a union.
  const [first, ...rest] = parts;
  const rows = rest.length > 0 ? first.unionAll(rest) : first;
  return db.from(rows.as('detail_rows'));
}
