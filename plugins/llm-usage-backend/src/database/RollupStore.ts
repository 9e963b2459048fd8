import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { toBigInt } from '../lib/money';
import {
  addCounters,
  countersFromRow,
  emptyCounters,
} from '../usage/UsageAccumulator';
import { LatencyBins } from '../rollup/LatencySketch';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  DAY_MS,
  DIRTY_HOURS_TABLE,
  HOURLY_TABLE,
  HOUR_MS,
  ROLLUP_STATE_TABLE,
  WRITE_CHUNK_ROWS,
  chunk,
  dayStartOf,
} from './tables';
import { TimeSpan, hourSpans } from '../usage/segments';
import { CALL_COUNTERS, HAS_LATENCY, joinedTextSql } from './callCounters';
import { BulkColumn, bulkInsert, isPostgres } from './bulkInsert';

const STATE_ID = 'calls';

/** What readers need to know to trust the rollups. */
export interface RollupState {
  /** Every hour before this (epoch ms) was rolled, except the dirty ones. */
  rolledUntil: number;
  dirtyHours: Set<number>;
  /**
   * Changes with every rollup transaction that rewrites rows, so sums of
   * rolled spans read under one generation stay valid while it lasts.
   */
  generation: number;
}

/** The token of a dirty mark that no rollup has claimed. */
export const UNCLAIMED = 'dirty';

export interface DirtyHour {
  hourStart: number;
  token: string;
}

/** The levels of detail each rollup is kept at; see the migration. */
export type RollupLevel = 'detail' | 'project' | 'model';

/**
 * Every level: the tables' key leads with (level, time), so a time range is
 * found through the index only when the levels are named.
 */
const ROLLUP_LEVELS: RollupLevel[] = ['detail', 'project', 'model'];

/** Stands for "all values" in a dimension a level collapses. */
export const COLLAPSED = '*';

/** The dimensions of a rollup row. */
interface RollupKey {
  level: RollupLevel;
  user_ref: string;
  project_id: string;
  api_key_id: string;
  provider: string;
  model: string;
  currency: string;
}

const KEY_COLUMNS: Array<keyof RollupKey> = [
  'level',
  'user_ref',
  'project_id',
  'api_key_id',
  'provider',
  'model',
  'currency',
];

/** The keys one call (or detail row) contributes to, one per level. */
function keysOf(row: Omit<RollupKey, 'level'>): RollupKey[] {
  const { provider, model, currency } = row;
  return [
    {
      level: 'detail',
      user_ref: row.user_ref,
      project_id: row.project_id,
      api_key_id: row.api_key_id,
      provider,
      model,
      currency,
    },
    {
      level: 'project',
      user_ref: COLLAPSED,
      project_id: row.project_id,
      api_key_id: COLLAPSED,
      provider,
      model,
      currency,
    },
    {
      level: 'model',
      user_ref: COLLAPSED,
      project_id: COLLAPSED,
      api_key_id: COLLAPSED,
      provider,
      model,
      currency,
    },
  ];
}

/**
 * What a rollup row sums. One currency per row, so one cost; latency as
 * bare bins, since a rollup builds hundreds of thousands of these at once.
 */
class RollupAccumulator {
  readonly counters = emptyCounters();
  costNanos = 0n;
  readonly bins = new LatencyBins();

  merge(other: RollupAccumulator) {
    addCounters(this.counters, other.counters);
    this.costNanos += other.costNanos;
    this.bins.addBins(other.bins);
  }
}

/** Accumulators by rollup key. */
class RollupGroups {
  readonly groups = new Map<
    string,
    { key: RollupKey; usage: RollupAccumulator }
  >();

  get(key: RollupKey): RollupAccumulator {
    const id = `${key.level}\u0000${key.user_ref}\u0000${key.project_id}\u0000${key.api_key_id}\u0000${key.provider}\u0000${key.model}\u0000${key.currency}`;
    let group = this.groups.get(id);
    if (!group) {
      group = { key, usage: new RollupAccumulator() };
      this.groups.set(id, group);
    }
    return group.usage;
  }

  merge(other: RollupGroups) {
    for (const { key, usage } of other.groups.values()) {
      this.get(key).merge(usage);
    }
  }

  /** Total calls, counted once (at the detail level). */
  callCount(): number {
    let calls = 0;
    for (const { key, usage } of this.groups.values()) {
      if (key.level === 'detail') calls += usage.counters.calls;
    }
    return calls;
  }

  /** Appends one row per group: the time, then {@link ROLLUP_COLUMNS}. */
  appendTo(rows: RollupRows, time: number) {
    for (const { key, usage } of this.groups.values()) {
      const c = usage.counters;
      rows.push([
        time,
        key.level,
        key.user_ref,
        key.project_id,
        key.api_key_id,
        key.provider,
        key.model,
        key.currency,
        c.calls,
        c.successCalls,
        c.failedCalls,
        c.processingCalls,
        c.inputTokens,
        c.outputTokens,
        c.cachedTokens,
        usage.costNanos.toString(),
        c.latencyCount,
        c.latencySumMs,
        c.ttftCount,
        c.ttftSumMs,
        usage.bins.encode(),
        c.lastCallAt,
      ]);
    }
  }
}

/** Rollup rows as value arrays: the time, then {@link ROLLUP_COLUMNS}. */
type RollupRows = unknown[][];

function byLevelAndTime(a: unknown[], b: unknown[]): number {
  const [timeA, levelA] = a as [number, string];
  const [timeB, levelB] = b as [number, string];
  if (levelA !== levelB) return levelA < levelB ? -1 : 1;
  return timeA - timeB;
}

/** The columns of both rollup tables, after the hour or day start. */
const ROLLUP_COLUMNS: BulkColumn[] = [
  ...KEY_COLUMNS.map((column): BulkColumn => [column, 'text']),
  ['call_count', 'integer'],
  ['success_count', 'integer'],
  ['failed_count', 'integer'],
  ['processing_count', 'integer'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cached_tokens', 'bigint'],
  ['cost_nanos', 'bigint'],
  ['latency_count', 'integer'],
  ['latency_sum_ms', 'bigint'],
  ['ttft_count', 'integer'],
  ['ttft_sum_ms', 'bigint'],
  ['latency_sketch', 'text'],
  ['last_call_at', 'bigint'],
];

/** The counters of a rollup row that add up (not the cost, kept exact as text). */
const SUMMED_COLUMNS = ROLLUP_COLUMNS.map(([column]) => column).filter(
  column =>
    !(KEY_COLUMNS as string[]).includes(column) &&
    !['cost_nanos', 'latency_sketch', 'last_call_at'].includes(column),
);

/** Joins encoded sketches, which are JSON arrays and never contain it. */
const SKETCH_SEPARATOR = ';';

/** Most days one rollup transaction reads: a month of catch-up in one pass. */
export const MAX_DAYS_PER_ROLL = 31;

/**
 * Most calls one rollup transaction reads: their groups are built in memory,
 * about 1 KB each, so a busy month is rolled a few days at a time.
 */
export const MAX_CALLS_PER_ROLL = 1_000_000;

/**
 * Maintains the hourly and daily rollups. The database sums each hour's calls
 * per detail key; JavaScript builds the latency sketches, the coarser levels
 * and the days from those sums. A batch of days is one transaction, so a
 * reader never sees an hourly rollup that its daily rollup does not reflect.
 */
export class RollupStore {
  constructor(private readonly db: Knex) {}

  async getState(): Promise<RollupState> {
    const [state, dirty] = await Promise.all([
      this.db(ROLLUP_STATE_TABLE).where('id', STATE_ID).first(),
      this.db(DIRTY_HOURS_TABLE).select('hour_start'),
    ]);
    return {
      rolledUntil: state ? Number(state.rolled_until) : 0,
      dirtyHours: new Set(dirty.map(row => Number(row.hour_start))),
      generation: state ? Number(state.generation) : 0,
    };
  }

  /**
   * Claims the closed dirty hours for one rollup, oldest first: their marks
   * take this rollup's token. A write that lands afterwards sets its hour's
   * mark back to {@link UNCLAIMED}, so the rollup leaves that mark in place
   * and the next run rolls the hour again.
   */
  async claimClosedDirtyHours(before: number): Promise<DirtyHour[]> {
    const token = `claimed:${randomUUID()}`;
    if (isPostgres(this.db)) {
      // Locks in hour order, as writers do, so neither side can deadlock.
      await this.db.raw(
        `UPDATE ${DIRTY_HOURS_TABLE} SET token = ? WHERE hour_start IN (
           SELECT hour_start FROM ${DIRTY_HOURS_TABLE}
           WHERE hour_start < ? ORDER BY hour_start FOR UPDATE)`,
        [token, before],
      );
    } else {
      await this.db(DIRTY_HOURS_TABLE)
        .where('hour_start', '<', before)
        .update({ token });
    }
    const rows = await this.db(DIRTY_HOURS_TABLE)
      .select('hour_start')
      .where('token', token)
      .orderBy('hour_start');
    return rows.map(row => ({ hourStart: Number(row.hour_start), token }));
  }

  /**
   * Re-rolls the given hours (sorted, of at most {@link MAX_DAYS_PER_ROLL}
   * UTC days) and the daily rows of their days, then clears the dirty marks
   * that were not renewed meanwhile. Idempotent. Returns the number of calls
   * rolled.
   */
  async rollHours(hours: DirtyHour[]): Promise<number> {
    const hourStarts = hours.map(h => h.hourStart);
    const spans = hourSpans(hourStarts);
    return this.db.transaction(async tx => {
      const detailRows = await this.sumCallsPerHour(tx, spans);

      await deleteInSpans(tx, HOURLY_TABLE, 'hour_start', spans);

      // Hours of these days that are not re-rolled keep their rows; the
      // daily rows include them as they are.
      const dayStarts = [...new Set(hourStarts.map(dayStartOf))];
      const kept = new Map<number, any[]>();
      for (const row of await this.sumKeptHours(tx, dayStarts)) {
        const day = Number(row.day_start);
        const rows = kept.get(day);
        if (rows) rows.push(row);
        else kept.set(day, [row]);
      }

      const byDay = splitByDay(detailRows);
      let calls = 0;
      let writing: Promise<void> = Promise.resolve();
      for (const dayStart of dayStarts) {
        const dayGroups = new RollupGroups();
        const hourRows: RollupRows = [];
        for (const [hourStart, groups] of groupPerHour(
          byDay.get(dayStart) ?? [],
        )) {
          groups.appendTo(hourRows, hourStart);
          dayGroups.merge(groups);
          calls += groups.callCount();
        }
        for (const row of kept.get(dayStart) ?? []) {
          addKeptSums(dayGroups.get(keyOf(row)), row);
        }
        const dayRows: RollupRows = [];
        dayGroups.appendTo(dayRows, dayStart);
        // Each level's rows together: reads of one level touch fewer pages.
        hourRows.sort(byLevelAndTime);
        dayRows.sort(byLevelAndTime);

        // The database stores one day while the next is built.
        await writing;
        writing = (async () => {
          await tx(DAILY_TABLE)
            .whereIn('level', ROLLUP_LEVELS)
            .andWhere('day_start', dayStart)
            .delete();
          await insertRows(tx, DAILY_TABLE, 'day_start', dayRows);
          await insertRows(tx, HOURLY_TABLE, 'hour_start', hourRows);
        })();
        writing.catch(() => {}); // awaited below; not an unhandled rejection
        await new Promise(resolveSoon => setImmediate(resolveSoon));
      }
      await writing;

      // One hour at a time, in hour order, as writers lock them.
      for (const { hourStart, token } of hours) {
        await tx(DIRTY_HOURS_TABLE)
          .where({ hour_start: hourStart, token })
          .delete();
      }
      await nextGeneration(tx);
      return calls;
    });
  }

  /** Calls stored in the given hours (sorted). */
  async countCalls(hours: DirtyHour[]): Promise<number> {
    const spans = hourSpans(hours.map(h => h.hourStart));
    const [row] = await this.db(CALLS_TABLE)
      .where(spansWhere('occurred_at', spans))
      .count({ n: '*' });
    return Number(row.n);
  }

  async setRolledUntil(rolledUntil: number) {
    await this.db(ROLLUP_STATE_TABLE)
      .insert({
        id: STATE_ID,
        rolled_until: rolledUntil,
        updated_at: Date.now(),
      })
      .onConflict('id')
      .merge(['rolled_until', 'updated_at']);
  }

  /**
   * The hourly rows left in the given days, summed per day and key by the
   * database, their sketches joined with {@link SKETCH_SEPARATOR}: a busy
   * day has a hundred thousand of them, far fewer keys.
   */
  private async sumKeptHours(
    tx: Knex.Transaction,
    dayStarts: number[],
  ): Promise<any[]> {
    const day = `hour_start - (hour_start % ${DAY_MS})`;
    const rows: any[] = [];
    for (const days of chunk(dayStarts, WRITE_CHUNK_ROWS / 2)) {
      const sums = await tx(HOURLY_TABLE)
        .select(
          tx.raw(
            [
              `${day} AS day_start`,
              ...KEY_COLUMNS,
              ...SUMMED_COLUMNS.map(column => `SUM(${column}) AS ${column}`),
              'CAST(SUM(cost_nanos) AS TEXT) AS cost_nanos',
              'MAX(last_call_at) AS last_call_at',
              `${joinedTextSql(
                tx,
                'latency_sketch',
                SKETCH_SEPARATOR,
              )} AS latency_sketches`,
            ].join(', '),
          ),
        )
        .whereIn('level', ROLLUP_LEVELS)
        .andWhere(
          spansWhere(
            'hour_start',
            days.map((start): TimeSpan => [start, start + DAY_MS]),
          ),
        )
        .groupByRaw([day, ...KEY_COLUMNS].join(', '));
      // Not push(...sums): a busy day's rows overflow the argument stack.
      for (const row of sums) rows.push(row);
    }
    return rows;
  }

  /**
   * One row per hour and detail key with the summed counters and the
   * durations as a comma-separated list: the database does the grouping, and
   * far fewer rows cross the wire than there are calls.
   */
  private async sumCallsPerHour(
    tx: Knex.Transaction,
    spans: TimeSpan[],
  ): Promise<DetailHourRow[]> {
    const dimensions = KEY_COLUMNS.filter(column => column !== 'level');
    const hour = `occurred_at - (occurred_at % ${HOUR_MS})`;
    if (isPostgres(tx)) {
      // A month of detail groups fits in memory instead of spilling to disk.
      await tx.raw(`SET LOCAL work_mem = '256MB'`);
    }
    const query = tx(CALLS_TABLE)
      .select(
        tx.raw(
          [
            `${hour} AS hour_start`,
            ...dimensions,
            ...Object.entries(CALL_COUNTERS).map(
              ([alias, expression]) => `SUM(${expression}) AS ${alias}`,
            ),
            // Text keeps bigint sums exact on both databases.
            'CAST(SUM(cost_nanos) AS TEXT) AS cost_nanos',
            'MAX(occurred_at) AS last_call_at',
            `${joinedTextSql(
              tx,
              `CASE WHEN ${HAS_LATENCY} THEN CAST(duration_ms AS TEXT) END`,
            )} AS durations`,
          ].join(', '),
        ),
      )
      .where(spansWhere('occurred_at', spans))
      .groupByRaw([hour, ...dimensions].join(', '));
    const rows: any[] = await query;
    return rows.map(row => ({
      hourStart: Number(row.hour_start),
      key: keyOf(row, 'detail'),
      row,
    }));
  }
}

/** Counters and durations of one hour and detail key, summed by the database. */
interface DetailHourRow {
  hourStart: number;
  key: RollupKey;
  row: any;
}

function splitByDay(rows: DetailHourRow[]): Map<number, DetailHourRow[]> {
  const days = new Map<number, DetailHourRow[]>();
  for (const row of rows) {
    const day = dayStartOf(row.hourStart);
    const list = days.get(day);
    if (list) list.push(row);
    else days.set(day, [row]);
  }
  return days;
}

/** Every level of each hour, built from its detail rows. */
function groupPerHour(rows: DetailHourRow[]): Map<number, RollupGroups> {
  const hours = new Map<number, RollupGroups>();
  for (const { hourStart, key, row } of rows) {
    let groups = hours.get(hourStart);
    if (!groups) {
      groups = new RollupGroups();
      hours.set(hourStart, groups);
    }
    const counters = countersFromRow(row);
    const cost = toBigInt(row.cost_nanos);
    const durations: string[] = row.durations
      ? String(row.durations).split(',')
      : [];
    for (const levelKey of keysOf(key)) {
      const usage = groups.get(levelKey);
      addCounters(usage.counters, counters);
      usage.costNanos += cost;
      for (const duration of durations) usage.bins.addDuration(+duration);
    }
  }
  return hours;
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

function insertRows(
  tx: Knex.Transaction,
  table: string,
  timeColumn: string,
  rows: RollupRows,
) {
  return bulkInsert(
    tx,
    table,
    [[timeColumn, 'bigint'], ...ROLLUP_COLUMNS],
    rows,
  );
}

/** The key of a rollup row, or of a calls aggregate row at `level`. */
function keyOf(row: any, level: RollupLevel = row.level): RollupKey {
  return {
    level,
    user_ref: row.user_ref,
    project_id: row.project_id,
    api_key_id: row.api_key_id,
    provider: row.provider,
    model: row.model,
    currency: row.currency,
  };
}

function spansWhere(column: string, spans: TimeSpan[]) {
  return (inner: Knex.QueryBuilder) => {
    for (const [start, end] of spans) {
      inner.orWhere(span =>
        span.where(column, '>=', start).andWhere(column, '<', end),
      );
    }
  };
}

async function deleteInSpans(
  tx: Knex.Transaction,
  table: string,
  column: string,
  spans: TimeSpan[],
) {
  for (const part of chunk(spans, WRITE_CHUNK_ROWS / 2)) {
    await tx(table)
      .whereIn('level', ROLLUP_LEVELS)
      .andWhere(spansWhere(column, part))
      .delete();
  }
}

/** Adds the summed hourly rows of one day and key to an accumulator. */
function addKeptSums(usage: RollupAccumulator, row: any) {
  addCounters(usage.counters, countersFromRow(row));
  usage.costNanos += toBigInt(row.cost_nanos);
  for (const sketch of String(row.latency_sketches).split(SKETCH_SEPARATOR)) {
    usage.bins.addEncoded(sketch);
  }
}

/** Starts a new generation of rollup rows, inside the transaction that wrote them. */
async function nextGeneration(tx: Knex.Transaction) {
  await tx(ROLLUP_STATE_TABLE)
    .insert({
      id: STATE_ID,
      rolled_until: 0,
      updated_at: Date.now(),
      generation: 1,
    })
    .onConflict('id')
    .merge({
      generation: tx.raw('?? + 1', [`${ROLLUP_STATE_TABLE}.generation`]),
    });
}
