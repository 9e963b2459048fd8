/*
 * What the calls and the rollups take in PostgreSQL, next to what the
 * compared engines need for the same calls.
 */
import type { Knex } from 'knex';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  HOURLY_TABLE,
  PROJECT_DAYS_TABLE,
} from '../src/database/tables';

export interface StorageSizes {
  /** The calls' heap (and TOAST): what PostgreSQL needs for the bare rows. */
  callsRows: number;
  callsIndexes: Array<[name: string, bytes: number]>;
  /** Per rollup table: heap plus indexes. */
  rollups: Array<[table: string, rows: number, bytes: number]>;
}

export async function storageSizes(knex: Knex): Promise<StorageSizes> {
  await knex.raw(`VACUUM ANALYZE ${CALLS_TABLE}, ${PROJECT_DAYS_TABLE}`);
  // The bench rolls 30 days at once, then deletes the detail rows of the
  // older ones at once (llmUsage.rollup.detailDays); a live server deletes a
  // day's at a time and reuses their space. Compacted, the tables are that
  // steady state.
  await knex.raw(`VACUUM FULL ANALYZE ${HOURLY_TABLE}, ${DAILY_TABLE}`);
  const one = async (sql: string, bindings: string[]) =>
    Number((await knex.raw(sql, bindings)).rows[0].bytes);
  // On PostgreSQL the calls are partitioned by month: sizes are summed over
  // the partitions (pg_partition_tree), and each index over its partitions.
  const indexes = await knex.raw(
    `SELECT i.indexrelid::regclass::text AS name,
       (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree(i.indexrelid)) AS bytes
     FROM pg_index i WHERE i.indrelid = ?::regclass ORDER BY 1`,
    [CALLS_TABLE],
  );
  const rollups: StorageSizes['rollups'] = [];
  for (const table of [HOURLY_TABLE, DAILY_TABLE, PROJECT_DAYS_TABLE]) {
    const [{ count }] = await knex(table).count({ count: '*' });
    rollups.push([
      table,
      Number(count),
      await one('SELECT pg_total_relation_size(?) AS bytes', [table]),
    ]);
  }
  return {
    callsRows: await one(
      'SELECT sum(pg_table_size(relid)) AS bytes FROM pg_partition_tree(?)',
      [CALLS_TABLE],
    ),
    callsIndexes: indexes.rows.map((r: any) => [r.name, Number(r.bytes)]),
    rollups,
  };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export function printStorage(
  sizes: StorageSizes,
  engines: Record<string, number>,
) {
  const indexes = sizes.callsIndexes.reduce((sum, [, b]) => sum + b, 0);
  const rollups = sizes.rollups.reduce((sum, [, , b]) => sum + b, 0);
  const lines: Array<[string, string]> = [
    ['PostgreSQL: raw calls, bare rows', mb(sizes.callsRows)],
    [
      'PostgreSQL: raw calls + indexes',
      `${mb(sizes.callsRows + indexes)} (${(
        (sizes.callsRows + indexes) /
        sizes.callsRows
      ).toFixed(2)}× the bare rows; target ≤ 1.5×)`,
    ],
    ...sizes.callsIndexes.map(([name, bytes]): [string, string] => [
      `  index ${name}`,
      mb(bytes),
    ]),
    ...sizes.rollups.map(([table, rows, bytes]): [string, string] => [
      `PostgreSQL: ${table} (+ indexes)`,
      `${mb(bytes)}, ${rows.toLocaleString('en-US')} rows`,
    ]),
    [
      'PostgreSQL: rollups',
      `${mb(rollups)} (${(rollups / sizes.callsRows).toFixed(
        2,
      )}× the raw rows; target ≤ 0.5×)`,
    ],
    ...Object.entries(engines).map(([name, bytes]): [string, string] => [
      `${name}: raw calls, compressed on disk`,
      mb(bytes),
    ]),
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  for (const [label, value] of lines) {
    console.log(`${label.padEnd(width)}  ${value}`);
  }
}
