import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { arrayLiteral, isPostgres } from '../database/bulkInsert';
import {
  DIRTY_HOURS_TABLE,
  ROLLUP_STATE_TABLE,
  WRITE_CHUNK_ROWS,
  chunk,
  dayStartOf,
} from '../database/tables';

/*
 * The dirty-hour protocol between ingestion and the rollup, in one place.
 * A write marks each hour it touched (UNCLAIMED). A rollup claims the closed
 * marked hours with a token of its own, rolls them, and deletes only the
 * marks still holding its token: a write that landed meanwhile set its mark
 * back to UNCLAIMED, so that hour is rolled again next run. Both sides lock
 * marks in hour order, so they cannot deadlock.
 */

/** The token of a dirty mark that no rollup has claimed. */
export const UNCLAIMED = 'dirty';

export interface DirtyHour {
  hourStart: number;
  token: string;
}

/** An hour whose rollup failed, as recorded with its dirty mark. */
export interface FailedRollupHour {
  hourStart: number;
  error: string;
  failedAt: number;
  /** Failed runs since the hour was last rolled. */
  failures: number;
}

/** Most days one rollup transaction covers: a month of catch-up in one pass. */
export const MAX_DAYS_PER_ROLL = 31;

/** Where the rollup state row keeps `raw_calls_since` (see `RawCallRetention`). */
export const RAW_CALLS_SINCE_SQL = `coalesce((SELECT raw_calls_since FROM ${ROLLUP_STATE_TABLE} WHERE id = 'calls'), 0)`;

/**
 * Marks hours for the rollup. A mark a rollup has claimed goes back to
 * unclaimed, so that rollup keeps it; an unclaimed mark is left as it is,
 * which spares a new row version per hour and batch. Hours before
 * `raw_calls_since` are not marked: retention deleted their other raw calls,
 * so re-rolling them would replace their totals with the late calls alone.
 */
export async function markHoursDirty(db: Knex, hours: Iterable<number>) {
  // Sorted, so concurrent batches lock the rows in the same order and cannot deadlock.
  let sorted = [...hours].sort((a, b) => a - b);
  if (sorted.length === 0) return;
  if (isPostgres(db)) {
    await db.raw(
      `INSERT INTO ${DIRTY_HOURS_TABLE} AS marks (hour_start, token)
       SELECT hour_start, ? FROM unnest(?::bigint[]) AS hours (hour_start)
       WHERE hour_start >= ${RAW_CALLS_SINCE_SQL}
       ON CONFLICT (hour_start) DO UPDATE SET token = excluded.token
       WHERE marks.token <> excluded.token`,
      [UNCLAIMED, arrayLiteral(sorted)],
    );
    return;
  }
  const [{ since }] = await db.select(
    db.raw(`${RAW_CALLS_SINCE_SQL} AS since`),
  );
  sorted = sorted.filter(hour => hour >= Number(since));
  for (const part of chunk(sorted, WRITE_CHUNK_ROWS)) {
    await db(DIRTY_HOURS_TABLE)
      .insert(part.map(hour_start => ({ hour_start, token: UNCLAIMED })))
      .onConflict('hour_start')
      .merge(['token']);
  }
}

/**
 * Claims the closed dirty hours for one rollup, oldest first: their marks
 * take this rollup's token. A write that lands afterwards sets its hour's
 * mark back to {@link UNCLAIMED}, so the rollup leaves that mark in place
 * and the next run rolls the hour again.
 */
export async function claimClosedDirtyHours(
  db: Knex,
  before: number,
): Promise<DirtyHour[]> {
  const token = `claimed:${randomUUID()}`;
  if (isPostgres(db)) {
    // Locks in hour order, as writers do, so neither side can deadlock.
    await db.raw(
      `UPDATE ${DIRTY_HOURS_TABLE} SET token = ? WHERE hour_start IN (
         SELECT hour_start FROM ${DIRTY_HOURS_TABLE}
         WHERE hour_start < ? ORDER BY hour_start FOR UPDATE)`,
      [token, before],
    );
  } else {
    await db(DIRTY_HOURS_TABLE)
      .where('hour_start', '<', before)
      .update({ token });
  }
  const rows = await db(DIRTY_HOURS_TABLE)
    .select('hour_start')
    .where('token', token)
    .orderBy('hour_start');
  return rows.map(row => ({ hourStart: Number(row.hour_start), token }));
}

/**
 * Deletes the marks of rolled hours that still hold the rollup's token,
 * inside the transaction that rolled them.
 */
export async function clearRolledMarks(
  tx: Knex.Transaction,
  hours: DirtyHour[],
) {
  // One hour at a time, in hour order, as writers lock them.
  for (const { hourStart, token } of hours) {
    const cleared = await tx(DIRTY_HOURS_TABLE)
      .where({ hour_start: hourStart, token })
      .delete();
    if (cleared === 0) {
      // A late call renewed the mark: the hour still rolled, so a
      // failure recorded on the mark is over (and its alert with it).
      await tx(DIRTY_HOURS_TABLE)
        .where({ hour_start: hourStart })
        .whereNotNull('failed_at')
        .update({ last_error: null, failed_at: null, failures: 0 });
    }
  }
}

/**
 * Deletes the marks of claimed hours the rollup must not roll (before
 * `raw_calls_since`), unless a writer renewed them meanwhile.
 */
export async function discardClaimedMarks(db: Knex, hours: DirtyHour[]) {
  await db.transaction(tx => clearRolledMarks(tx, hours));
}

/**
 * Records that rolling these hours failed. Their dirty marks stay, so the
 * next run retries them; a successful roll deletes the mark and with it
 * the failure.
 */
export async function recordRollupFailure(
  db: Knex,
  hours: number[],
  error: string,
  now: number,
) {
  await db(DIRTY_HOURS_TABLE)
    .whereIn('hour_start', hours)
    .update({
      last_error: error.slice(0, 1000),
      failed_at: now,
      failures: db.raw('failures + 1'),
    });
}

/** The hours whose last rollup failed and that are still not rolled, oldest first. */
export async function failedRollupHours(db: Knex): Promise<FailedRollupHour[]> {
  const rows = await db(DIRTY_HOURS_TABLE)
    .select('hour_start', 'last_error', 'failed_at', 'failures')
    .whereNotNull('failed_at')
    .orderBy('hour_start');
  return rows.map(row => ({
    hourStart: Number(row.hour_start),
    error: String(row.last_error ?? ''),
    failedAt: Number(row.failed_at),
    failures: Number(row.failures),
  }));
}

/** Groups dirty hours into batches of whole UTC days, oldest first. */
export function batchesOfDays(
  hours: DirtyHour[],
  maxDays = MAX_DAYS_PER_ROLL,
): DirtyHour[][] {
  const batches: DirtyHour[][] = [];
  let days = new Set<number>();
  let batch: DirtyHour[] = [];
  for (const hour of hours) {
    const day = dayStartOf(hour.hourStart);
    if (!days.has(day) && days.size === maxDays) {
      batches.push(batch);
      batch = [];
      days = new Set();
    }
    days.add(day);
    batch.push(hour);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
