import type { Knex } from 'knex';
import { isPostgres } from '../database/bulkInsert';
import { joinedTextSql } from '../database/callCounters';
import {
  DAILY_TABLE,
  DAY_MS,
  HOUR_MS,
  DIRTY_HOURS_TABLE,
  HOURLY_TABLE,
  PROJECT_DAYS_TABLE,
  ROLLUP_HOUR_VERSIONS_TABLE,
  ROLLUP_STATE_ID,
  ROLLUP_STATE_TABLE,
  WRITE_CHUNK_ROWS,
  chunk,
  dayStartOf,
} from '../database/tables';
import { type TimeSpan, hourSpans } from '../time/spans';
import {
  type DirtyHour,
  type FailedRollupHour,
  claimClosedDirtyHours,
  clearRolledMarks,
  discardClaimedMarks,
  failedRollupHours,
  recordRollupFailure,
} from './dirtyHours';
import { LEVELS } from './levels';
import {
  type RawDetailDaysMove,
  deleteDetailRows,
  moveRawDetailDays,
  rawDetailDaysOf,
  readRawDetailDays,
} from './rawDetailDays';
import { writeCoarseLevels } from './RollupRow';
import { deleteRows, insertDailyDetail, insertHourlyDetail } from './rollupSql';
import {
  type RewrittenHour,
  type RollupStore,
  type RollupState,
} from './RollupStore';
import { rawCallsSince } from '../retention/RawCallRetention';

/**
 * Maintains the hourly and daily rollups.
 *
 * The database does the bulk: it sums each hour's calls per detail key and
 * each day's detail rows, and writes them with their latency sketches as key
 * lists (see `LatencySketch`), so the rows never travel through JavaScript.
 * JavaScript builds only the project and model levels and the project days,
 * whose rows sum far more calls and keep their sketches as bins (see
 * `RollupRow`).
 *
 * A batch of days is one transaction, so a reader never sees an hourly
 * rollup that its daily rollup does not reflect.
 */
export class DatabaseRollupStore implements RollupStore {
  constructor(private readonly db: Knex) {}

  /**
   * How many batches of days may be rolled at once. On PostgreSQL two, one
   * server process each, so both cores of a small machine work. SQLite has
   * one connection.
   */
  get rollLanes(): number {
    return isPostgres(this.db) ? 2 : 1;
  }

  /**
   * One statement, so one round trip and one snapshot: every read starts
   * with it. The dirty hours (and the rewritten hours asked for) come as
   * text lists beside the state row, which may not exist yet.
   */
  async getState(
    options: { rewrittenSince?: number } = {},
  ): Promise<RollupState> {
    const since = options.rewrittenSince;
    const db = this.db;
    const listed = (expression: string, table: string) =>
      db(table).select(db.raw(joinedTextSql(db, expression)));
    const asText = (column: string) => `CAST(${column} AS TEXT)`;
    const row = await db
      .select(
        'state.*',
        listed(asText('hour_start'), DIRTY_HOURS_TABLE).as('dirty_hours'),
        since === undefined
          ? db.raw('NULL AS rewritten_hours')
          : listed(
              `${asText('hour_start')} || ':' || ${asText('generation')}`,
              ROLLUP_HOUR_VERSIONS_TABLE,
            )
              .where('generation', '>', since)
              .as('rewritten_hours'),
      )
      .from(db.raw('(SELECT 1 AS one) AS one_row'))
      .leftJoin(`${ROLLUP_STATE_TABLE} AS state`, join =>
        join.onVal('state.id', '=', ROLLUP_STATE_ID),
      )
      .first();
    const state = row.id === null || row.id === undefined ? undefined : row;
    return {
      rolledUntil: state ? Number(state.rolled_until) : 0,
      dirtyHours: new Set(numbersIn(row.dirty_hours)),
      generation: state ? Number(state.generation) : 0,
      hoursGeneration: state ? Number(state.hours_generation) : 0,
      daysGeneration: state ? Number(state.days_generation) : 0,
      rawDetailDays: rawDetailDaysOf(state),
      ...(since !== undefined && {
        rewrittenHours: {
          since,
          hours: listedText(row.rewritten_hours).map(pair => {
            const [hourStart, generation] = pair.split(':').map(Number);
            return { hourStart, generation };
          }),
        },
      }),
    };
  }

  async rewrittenHoursSince(generation: number): Promise<RewrittenHour[]> {
    const rows = await this.db(ROLLUP_HOUR_VERSIONS_TABLE)
      .where('generation', '>', generation)
      .select('hour_start', 'generation');
    return rows.map(row => ({
      hourStart: Number(row.hour_start),
      generation: Number(row.generation),
    }));
  }

  /** Claims the closed dirty hours for one rollup; see `dirtyHours`. */
  claimClosedDirtyHours(before: number): Promise<DirtyHour[]> {
    return claimClosedDirtyHours(this.db, before);
  }

  /**
   * Re-rolls the given hours (sorted, of at most `MAX_DAYS_PER_ROLL` UTC
   * days) and every level of their days, then clears the dirty marks that
   * were not renewed meanwhile. Idempotent. Returns the number of calls
   * rolled.
   */
  async rollHours(hours: DirtyHour[]): Promise<number> {
    if (hours.length === 0) return 0;
    const dayStarts = [...new Set(hours.map(h => dayStartOf(h.hourStart)))];
    return this.db.transaction(async tx => {
      if (isPostgres(tx)) {
        // Sorting a month of calls into detail sums spills less to disk.
        await tx.raw(`SET LOCAL work_mem = '256MB'`);
      }
      // A day whose detail rows are gone is rolled whole again from its raw
      // calls (its daily sums need every hour's detail), then they go again.
      const rawDetail = await readRawDetailDays(tx);
      const wholeDays = dayStarts.filter(
        day => rawDetail && day >= rawDetail[0] && day < rawDetail[1],
      );
      const hourStarts = new Set(hours.map(h => h.hourStart));
      for (const day of wholeDays) {
        for (let hour = day; hour < day + DAY_MS; hour += HOUR_MS) {
          hourStarts.add(hour);
        }
      }
      const spans = hourSpans([...hourStarts].sort((a, b) => a - b));
      for (const part of chunk(spans, WRITE_CHUNK_ROWS / 2)) {
        await deleteRows(tx, HOURLY_TABLE, 'hour_start', part, LEVELS.hourly);
        await insertHourlyDetail(tx, part);
      }
      // A day's detail rows sum all its hourly detail rows: the re-rolled
      // hours and the ones kept as they were.
      const daySpans = dayStarts.map((day): TimeSpan => [day, day + DAY_MS]);
      for (const part of chunk(daySpans, WRITE_CHUNK_ROWS / 2)) {
        await deleteRows(tx, DAILY_TABLE, 'day_start', part, LEVELS.daily);
        await deleteRows(tx, PROJECT_DAYS_TABLE, 'day_start', part);
        await insertDailyDetail(tx, part);
      }

      let calls = 0;
      for (const dayStart of dayStarts) {
        calls += await writeCoarseLevels(tx, dayStart, spans);
      }
      await deleteDetailRows(
        tx,
        wholeDays.map((day): TimeSpan => [day, day + DAY_MS]),
      );

      // Before the marks: a concurrent rollup waits for this row holding no
      // mark that a writer, which this rollup may wait for, could need.
      await nextGeneration(tx, Math.min(...hours.map(hour => hour.hourStart)));
      await recordRewrittenHours(tx, hours);
      await clearRolledMarks(tx, hours);
      return calls;
    });
  }

  /** Records that rolling these hours failed; see `dirtyHours`. */
  recordFailure(hours: number[], error: string, now = Date.now()) {
    return recordRollupFailure(this.db, hours, error, now);
  }

  /** The hours whose last rollup failed and that are still not rolled, oldest first. */
  failedHours(): Promise<FailedRollupHour[]> {
    return failedRollupHours(this.db);
  }

  rawCallsSince(): Promise<number> {
    return rawCallsSince(this.db);
  }

  moveRawDetailDays(target: TimeSpan | undefined): Promise<RawDetailDaysMove> {
    return moveRawDetailDays(this.db, target);
  }

  discardClaimedHours(hours: DirtyHour[]): Promise<void> {
    return discardClaimedMarks(this.db, hours);
  }

  async setRolledUntil(rolledUntil: number) {
    await this.db(ROLLUP_STATE_TABLE)
      .insert({
        id: ROLLUP_STATE_ID,
        rolled_until: rolledUntil,
        updated_at: Date.now(),
      })
      .onConflict('id')
      .merge(['rolled_until', 'updated_at']);
  }
}

/**
 * Starts a new generation of rollup rows, inside the transaction that wrote
 * them. When the rows include hours, or whole days, that readers could
 * already read (before `rolled_until`: late or re-priced calls), the hours'
 * or the days' generation moves on too; rows past it only add to what
 * readers saw. Decided by the statement, against the state as it commits.
 */
async function nextGeneration(tx: Knex.Transaction, firstHour: number) {
  const column = (name: string) => tx.ref(`${ROLLUP_STATE_TABLE}.${name}`);
  const next = tx.raw('? + 1', [column('generation')]);
  const nextIfRolledBy = (end: number, name: string) =>
    tx.raw('CASE WHEN ? >= ? THEN ? + 1 ELSE ? END', [
      column('rolled_until'),
      end,
      column('generation'),
      column(name),
    ]);
  await tx(ROLLUP_STATE_TABLE)
    .insert({
      id: ROLLUP_STATE_ID,
      rolled_until: 0,
      updated_at: Date.now(),
      generation: 1,
    })
    .onConflict('id')
    .merge({
      generation: next,
      hours_generation: nextIfRolledBy(firstHour + HOUR_MS, 'hours_generation'),
      days_generation: nextIfRolledBy(
        dayStartOf(firstHour) + DAY_MS,
        'days_generation',
      ),
    });
}

/**
 * Records the generation just started as the version of each re-rolled hour
 * that readers could already read, in the transaction that rewrote it. The
 * state row is locked by `nextGeneration` until it commits, so
 * `rolled_until` and the generation are the ones it commits with.
 */
async function recordRewrittenHours(tx: Knex.Transaction, hours: DirtyHour[]) {
  const state = await tx(ROLLUP_STATE_TABLE)
    .where('id', ROLLUP_STATE_ID)
    .first('rolled_until', 'generation');
  const rolledUntil = Number(state.rolled_until);
  await writeHourVersions(
    tx,
    hours
      .map(hour => hour.hourStart)
      .filter(hourStart => hourStart + HOUR_MS <= rolledUntil),
    Number(state.generation),
  );
}

/** The items of a list joined by `joinedTextSql`; none for NULL. */
function listedText(joined: string | null): string[] {
  return joined ? joined.split(',') : [];
}

function numbersIn(joined: string | null): number[] {
  return listedText(joined).map(Number);
}

/** Sets the version of each of these hours (see `RollupStore.rewrittenHoursSince`). */
export async function writeHourVersions(
  db: Knex,
  hourStarts: number[],
  generation: number,
) {
  const rows = hourStarts.map(hourStart => ({
    hour_start: hourStart,
    generation,
  }));
  for (const part of chunk(rows, WRITE_CHUNK_ROWS / 2)) {
    await db(ROLLUP_HOUR_VERSIONS_TABLE)
      .insert(part)
      .onConflict('hour_start')
      .merge(['generation']);
  }
}
