import type { Knex } from 'knex';
import { type BulkColumn, bulkInsert } from '../database/bulkInsert';
import {
  CALL_COUNTERS,
  COUNTER_COLUMNS,
  PRICED_COST_SQL,
  joinedTextSql,
  latencyKeySql,
} from '../database/callCounters';
import { CALLS_TABLE, DAY_MS, HOURLY_TABLE, HOUR_MS } from '../database/tables';
import { callsInRange, columnRange, spansWhere } from '../database/timeRanges';
import type { TimeSpan } from '../time/spans';
import {
  COARSE_DIMENSIONS,
  DETAIL_DIMENSIONS,
  KEY_ORDER,
  LEVELS,
  ROLLUP_COLUMNS,
  ROLLUP_TABLES,
  type RollupLevel,
} from './levels';

/*
 * The SQL of the rollup: the database sums calls into hourly detail rows and
 * hourly detail rows into daily ones, and sums detail rows for the coarser
 * levels that RollupRow builds.
 */

/** Cost sums, read as text: exact on both databases. */
const COST_COLUMNS = ['cost_nanos', 'priced_cost_nanos'];

/** A column of a rollup row and the SQL that computes it from summed rows. */
export type SummedColumn = [column: string, sql: string | Knex.Raw];

/** SQL: the start of the period of `length` ms that `column` falls in. */
function periodStartSql(column: string, length: number): string {
  return `${column} - (${column} % ${length})`;
}

/**
 * Writes the detail rows of the hours in `spans`: the database sums each
 * hour's calls per detail key and lists their latency keys.
 */
export function insertHourlyDetail(tx: Knex.Transaction, spans: TimeSpan[]) {
  return insertDetailRows(
    tx,
    'hourly',
    periodStartSql('occurred_at', HOUR_MS),
    [
      ...Object.entries(CALL_COUNTERS).map(
        ([column, perCall]): SummedColumn => [column, `SUM(${perCall})`],
      ),
      ['cost_nanos', 'SUM(cost_nanos)'],
      ['priced_cost_nanos', `SUM(${PRICED_COST_SQL})`],
      [
        'latency_sketch',
        tx.raw(`COALESCE(${joinedTextSql(tx, '?')}, '')`, [latencyKeySql(tx)]),
      ],
      ['last_call_at', 'MAX(occurred_at)'],
    ],
    tx(CALLS_TABLE).where(spansWhere(callsInRange, spans)),
  );
}

/** Writes the detail rows of the days in `spans` from their hourly detail rows. */
export function insertDailyDetail(tx: Knex.Transaction, spans: TimeSpan[]) {
  return insertDetailRows(
    tx,
    'daily',
    periodStartSql('hour_start', DAY_MS),
    summedDetailColumns(tx),
    tx(HOURLY_TABLE)
      .where('level', 'detail')
      .andWhere(spansWhere(columnRange('hour_start'), spans)),
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
export function sumDetailRows(
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
      COST_COLUMNS.includes(column) ? `CAST(${sql} AS TEXT)` : sql,
    ],
  );
  return tx(options.table)
    .select(
      tx.raw(`${options.timeColumn} AS time_start`),
      ...dimensions,
      ...sums.map(([column, sql]) => tx.raw(`${sql} AS ${column}`)),
    )
    .where('level', 'detail')
    .andWhere(spansWhere(columnRange(options.timeColumn), options.spans))
    .groupBy(options.timeColumn, ...dimensions);
}

/** How rollup rows' columns add up when detail rows are summed. */
function summedDetailColumns(tx: Knex.Transaction): SummedColumn[] {
  return [
    ...COUNTER_COLUMNS.map(
      (column): SummedColumn => [column, `SUM(${column})`],
    ),
    ['cost_nanos', 'SUM(cost_nanos)'],
    ['priced_cost_nanos', 'SUM(priced_cost_nanos)'],
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

function asRaw(tx: Knex.Transaction, sql: string | Knex.Raw): Knex.Raw {
  return typeof sql === 'string' ? tx.raw(sql) : sql;
}

/** Inserts rows of the time, then `columns`. */
export function insertRows(
  tx: Knex.Transaction,
  table: string,
  timeColumn: string,
  rows: unknown[][],
  columns: BulkColumn[] = ROLLUP_COLUMNS,
) {
  return bulkInsert(tx, table, [[timeColumn, 'bigint'], ...columns], rows);
}

/**
 * Deletes the rows in `spans`, only those of `levels` when given; returns
 * how many.
 */
export async function deleteRows(
  tx: Knex.Transaction,
  table: string,
  timeColumn: string,
  spans: TimeSpan[],
  levels?: RollupLevel[],
): Promise<number> {
  if (spans.length === 0) return 0;
  const rows = tx(table).where(spansWhere(columnRange(timeColumn), spans));
  if (levels) rows.whereIn('level', levels);
  return rows.delete();
}
