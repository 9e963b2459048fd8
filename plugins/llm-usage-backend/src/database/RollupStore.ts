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
import {
  CALL_COUNTERS,
  COUNTER_COLUMNS,
  joinedTextSql,
  latencyKeySql,
} from './callCounters';
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

/** The levels of detail a rollup row can be kept at; see the migrations. */
export type RollupLevel = 'detail' | 'project' | 'model';

/**
 * The levels each table keeps. Hours keep no project level: within one hour
 * a project has few detail rows, so project reads sum those instead and the
 * rollup writes a third fewer rows. Naming the levels also lets a time range
 * be found through the tables' key, which leads with (level, time).
 */
const LEVELS = {
  hourly: ['detail', 'model'],
  daily: ['detail', 'project', 'model'],
} satisfies Record<string, RollupLevel[]>;

const ROLLUP_TABLES = {
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

/** The dimensions of a detail row, every one kept. */
const DETAIL_DIMENSIONS = [
  'user_ref',
  'project_id',
  'api_key_id',
  'provider',
  'model',
  'currency',
];

/**
 * The detail dimensions in the order of each table's key. Rows grouped in
 * that order are written in key order, into neighbouring index pages.
 */
const KEY_ORDER = {
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
const COARSE_DIMENSIONS = {
  project: ['project_id', 'provider', 'model', 'currency'],
  model: ['provider', 'model', 'currency'],
} satisfies Partial<Record<RollupLevel, string[]>>;

/** The columns of both rollup tables, after the hour or day start. */
const ROLLUP_COLUMNS: BulkColumn[] = [
  ['level', 'text'],
  ...DETAIL_DIMENSIONS.map((column): BulkColumn => [column, 'text']),
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

/** A column of a rollup row and the SQL that computes it from summed rows. */
type SummedColumn = [column: string, sql: string | Knex.Raw];

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

/**
 * Maintains the hourly and daily rollups.
 *
 * The database does the bulk: it sums each hour's calls per detail key and
 * each day's detail rows, and writes them with their latency sketches as key
 * lists (see `LatencySketch`), so the rows never travel through JavaScript.
 * JavaScript builds only the project and model levels, whose rows sum far
 * more calls and keep their sketches as bins.
 *
 * A batch of days is one transaction, so a reader never sees an hourly
 * rollup that its daily rollup does not reflect.
 */
export class RollupStore {
  constructor(private readonly db: Knex) {}

  /**
   * How many batches of days may be rolled at once. On PostgreSQL two, one
   * server process each, so both cores of a small machine work. SQLite has
   * one connection.
   */
  get rollLanes(): number {
    return isPostgres(this.db) ? 2 : 1;
  }

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
   * UTC days) and every level of their days, then clears the dirty marks
   * that were not renewed meanwhile. Idempotent. Returns the number of calls
   * rolled.
   */
  async rollHours(hours: DirtyHour[]): Promise<number> {
    const spans = hourSpans(hours.map(h => h.hourStart));
    const dayStarts = [...new Set(hours.map(h => dayStartOf(h.hourStart)))];
    return this.db.transaction(async tx => {
      if (isPostgres(tx)) {
        // Sorting a month of calls into detail sums spills less to disk.
        await tx.raw(`SET LOCAL work_mem = '256MB'`);
      }
      for (const part of chunk(spans, WRITE_CHUNK_ROWS / 2)) {
        await deleteLevels(tx, HOURLY_TABLE, 'hour_start', LEVELS.hourly, part);
        await insertHourlyDetail(tx, part);
      }
      // A day's detail rows sum all its hourly detail rows: the re-rolled
      // hours and the ones kept as they were.
      const daySpans = dayStarts.map((day): TimeSpan => [day, day + DAY_MS]);
      for (const part of chunk(daySpans, WRITE_CHUNK_ROWS / 2)) {
        await deleteLevels(tx, DAILY_TABLE, 'day_start', LEVELS.daily, part);
        await insertDailyDetail(tx, part);
      }

      let calls = 0;
      for (const dayStart of dayStarts) {
        calls += await writeCoarseLevels(tx, dayStart, spans);
      }

      // Before the marks: a concurrent rollup waits for this row holding no
      // mark that a writer, which this rollup may wait for, could need.
      await nextGeneration(tx);
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
      return calls;
    });
  }

  /**
   * Records that rolling these hours failed. Their dirty marks stay, so the
   * next run retries them; a successful roll deletes the mark and with it
   * the failure.
   */
  async recordFailure(hours: number[], error: string, now = Date.now()) {
    await this.db(DIRTY_HOURS_TABLE)
      .whereIn('hour_start', hours)
      .update({
        last_error: error.slice(0, 1000),
        failed_at: now,
        failures: this.db.raw('failures + 1'),
      });
  }

  /** The hours whose last rollup failed and that are still not rolled, oldest first. */
  async failedHours(): Promise<FailedRollupHour[]> {
    const rows = await this.db(DIRTY_HOURS_TABLE)
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
}

/**
 * A project or model rollup row built in JavaScript from summed detail
 * rows. Its sketch is kept as bins: such a row sums many calls.
 */
class RollupRow {
  private readonly counters = emptyCounters();
  private costNanos = 0n;
  private readonly bins = new LatencyBins();

  private constructor(private readonly key: Record<string, string>) {}

  /** An empty row of `level` for the dimensions of a detail sums row. */
  static of(sums: any, level: 'project' | 'model'): RollupRow {
    const key: Record<string, string> = { level };
    for (const column of DETAIL_DIMENSIONS) {
      key[column] = (COARSE_DIMENSIONS[level] as string[]).includes(column)
        ? sums[column]
        : COLLAPSED;
    }
    return new RollupRow(key);
  }

  /** Adds a row of detail sums (see {@link sumDetailRows}). */
  add(sums: any): this {
    addCounters(this.counters, countersFromRow(sums));
    this.costNanos += toBigInt(sums.cost_nanos);
    this.bins.addEncoded(sums.latency_sketch);
    return this;
  }

  merge(other: RollupRow) {
    addCounters(this.counters, other.counters);
    this.costNanos += other.costNanos;
    this.bins.addBins(other.bins);
  }

  /** The row's values: the time, then {@link ROLLUP_COLUMNS}. */
  values(time: number): unknown[] {
    const c = this.counters;
    return [
      time,
      ...ROLLUP_COLUMNS.slice(0, 1 + DETAIL_DIMENSIONS.length).map(
        ([column]) => this.key[column],
      ),
      c.calls,
      c.successCalls,
      c.failedCalls,
      c.processingCalls,
      c.inputTokens,
      c.outputTokens,
      c.cachedTokens,
      this.costNanos.toString(),
      c.latencyCount,
      c.latencySumMs,
      c.ttftCount,
      c.ttftSumMs,
      this.bins.encode(),
      c.lastCallAt,
    ];
  }
}

/**
 * Writes the model rows of the re-rolled hours of one day and the project
 * and model rows of the day, from the detail rows written before them.
 * Returns the number of calls in those hours.
 */
async function writeCoarseLevels(
  tx: Knex.Transaction,
  dayStart: number,
  rerolledHours: TimeSpan[],
): Promise<number> {
  const dayEnd = dayStart + DAY_MS;
  let calls = 0;
  const hourModels = await sumDetailRows(tx, {
    table: HOURLY_TABLE,
    timeColumn: 'hour_start',
    spans: clipSpans(rerolledHours, dayStart, dayEnd),
    level: 'model',
  });
  const hourRows = hourModels.map(sums => {
    calls += Number(sums.call_count);
    return RollupRow.of(sums, 'model')
      .add(sums)
      .values(Number(sums.time_start));
  });
  await insertRows(tx, HOURLY_TABLE, 'hour_start', hourRows);

  const dayProjects = await sumDetailRows(tx, {
    table: DAILY_TABLE,
    timeColumn: 'day_start',
    spans: [[dayStart, dayEnd]],
    level: 'project',
  });
  const dayModels = new Map<string, RollupRow>();
  const dayRows: unknown[][] = [];
  for (const sums of dayProjects) {
    const project = RollupRow.of(sums, 'project').add(sums);
    dayRows.push(project.values(dayStart));
    const modelId = COARSE_DIMENSIONS.model.map(c => sums[c]).join('\u0000');
    let model = dayModels.get(modelId);
    if (!model) {
      model = RollupRow.of(sums, 'model');
      dayModels.set(modelId, model);
    }
    model.merge(project);
  }
  for (const model of dayModels.values()) dayRows.push(model.values(dayStart));
  await insertRows(tx, DAILY_TABLE, 'day_start', dayRows);
  return calls;
}

/** SQL: the start of the period of `length` ms that `column` falls in. */
function periodStartSql(column: string, length: number): string {
  return `${column} - (${column} % ${length})`;
}

/**
 * Writes the detail rows of the hours in `spans`: the database sums each
 * hour's calls per detail key and lists their latency keys.
 */
function insertHourlyDetail(tx: Knex.Transaction, spans: TimeSpan[]) {
  return insertDetailRows(
    tx,
    'hourly',
    periodStartSql('occurred_at', HOUR_MS),
    [
      ...Object.entries(CALL_COUNTERS).map(
        ([column, perCall]): SummedColumn => [column, `SUM(${perCall})`],
      ),
      ['cost_nanos', 'SUM(cost_nanos)'],
      [
        'latency_sketch',
        tx.raw(`COALESCE(${joinedTextSql(tx, '?')}, '')`, [latencyKeySql(tx)]),
      ],
      ['last_call_at', 'MAX(occurred_at)'],
    ],
    tx(CALLS_TABLE).where(spansWhere('occurred_at', spans)),
  );
}

/** Writes the detail rows of the days in `spans` from their hourly detail rows. */
function insertDailyDetail(tx: Knex.Transaction, spans: TimeSpan[]) {
  return insertDetailRows(
    tx,
    'daily',
    periodStartSql('hour_start', DAY_MS),
    summedDetailColumns(tx),
    tx(HOURLY_TABLE)
      .where('level', 'detail')
      .andWhere(spansWhere('hour_start', spans)),
  );
}

/**
 * Writes the detail rows of one table: `sums` of the `source` rows per
 * period start (`periodSql`) and detail key, in one statement.
 */
function insertDetailRows(
  tx: Knex.Transaction,
  table: keyof typeof LEVELS,
  periodSql: string,
  sums: SummedColumn[],
  source: Knex.QueryBuilder,
) {
  const target = ROLLUP_TABLES[table];
  return insertSummed(
    tx,
    target.name,
    [
      [target.timeColumn, periodSql],
      ['level', "'detail'"],
      ...DETAIL_DIMENSIONS.map((column): SummedColumn => [column, column]),
      ...sums,
    ],
    source.groupByRaw([periodSql, ...KEY_ORDER[table]].join(', ')),
  );
}

/**
 * The detail rows of `table` in `spans` summed per time and the dimensions
 * `level` keeps, with their latency key lists joined and the cost as text
 * (exact on both databases).
 */
function sumDetailRows(
  tx: Knex.Transaction,
  options: {
    table: string;
    timeColumn: string;
    spans: TimeSpan[];
    level: 'project' | 'model';
  },
): Promise<any[]> {
  if (options.spans.length === 0) return Promise.resolve([]);
  const dimensions = COARSE_DIMENSIONS[options.level];
  const sums = summedDetailColumns(tx).map(
    ([column, sql]): SummedColumn => [
      column,
      column === 'cost_nanos' ? `CAST(${sql} AS TEXT)` : sql,
    ],
  );
  return tx(options.table)
    .select(
      tx.raw(`${options.timeColumn} AS time_start`),
      ...dimensions,
      ...sums.map(([column, sql]) => tx.raw(`${sql} AS ${column}`)),
    )
    .where('level', 'detail')
    .andWhere(spansWhere(options.timeColumn, options.spans))
    .groupBy(options.timeColumn, ...dimensions);
}

/** How rollup rows' columns add up when detail rows are summed. */
function summedDetailColumns(tx: Knex.Transaction): SummedColumn[] {
  return [
    ...COUNTER_COLUMNS.map(
      (column): SummedColumn => [column, `SUM(${column})`],
    ),
    ['cost_nanos', 'SUM(cost_nanos)'],
    // Key lists merge by joining; an empty one would add a stray entry.
    [
      'latency_sketch',
      `COALESCE(${joinedTextSql(tx, "NULLIF(latency_sketch, '')")}, '')`,
    ],
    ['last_call_at', 'MAX(last_call_at)'],
  ];
}

/** `INSERT INTO table (columns) SELECT sums FROM source`, in one statement. */
async function insertSummed(
  tx: Knex.Transaction,
  table: string,
  columns: SummedColumn[],
  source: Knex.QueryBuilder,
) {
  const select = source
    .clone()
    .select(
      columns.map(([column, sql]) =>
        tx.raw(`? AS ${column}`, [asRaw(tx, sql)]),
      ),
    );
  const { sql, bindings } = select.toSQL();
  await tx.raw(
    `INSERT INTO ${table} (${columns
      .map(([column]) => column)
      .join(', ')}) ${sql}`,
    bindings,
  );
}

/** The parts of `spans` within [start, end). */
function clipSpans(spans: TimeSpan[], start: number, end: number): TimeSpan[] {
  const clipped: TimeSpan[] = [];
  for (const [spanStart, spanEnd] of spans) {
    const from = Math.max(spanStart, start);
    const to = Math.min(spanEnd, end);
    if (from < to) clipped.push([from, to]);
  }
  return clipped;
}

function asRaw(tx: Knex.Transaction, sql: string | Knex.Raw): Knex.Raw {
  return typeof sql === 'string' ? tx.raw(sql) : sql;
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
  rows: unknown[][],
) {
  return bulkInsert(
    tx,
    table,
    [[timeColumn, 'bigint'], ...ROLLUP_COLUMNS],
    rows,
  );
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

/** Deletes the rows of `levels` in `spans`. */
async function deleteLevels(
  tx: Knex.Transaction,
  table: string,
  timeColumn: string,
  levels: RollupLevel[],
  spans: TimeSpan[],
) {
  await tx(table)
    .whereIn('level', levels)
    .andWhere(spansWhere(timeColumn, spans))
    .delete();
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
