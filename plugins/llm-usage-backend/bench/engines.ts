/*
 * The engines `yarn bench` compares the plugin with: ClickHouse (in-process
 * through the `chdb` package) and DuckDB (`@duckdb/node-api`), both loaded
 * with the same rows as the plugin's calls table, both answering the
 * dashboard's reads from raw calls at query time, as Helicone and Langfuse do
 * with ClickHouse. Bench-only: neither package is a dependency of the plugin.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { CALLS_TABLE } from '../src/database/tables';

/** The columns both engines get, in this order (the calls table's, less metadata). */
const COLUMNS: Array<[name: string, clickhouse: string, duckdb: string]> = [
  ['id', 'String', 'VARCHAR'],
  ['occurred_at', 'Int64', 'BIGINT'],
  ['user_ref', 'LowCardinality(String)', 'VARCHAR'],
  ['project_id', 'LowCardinality(String)', 'VARCHAR'],
  ['api_key_id', 'String', 'VARCHAR'],
  ['provider', 'LowCardinality(String)', 'VARCHAR'],
  ['model', 'LowCardinality(String)', 'VARCHAR'],
  ['type', 'LowCardinality(String)', 'VARCHAR'],
  ['status', 'LowCardinality(String)', 'VARCHAR'],
  ['error_reason', 'Nullable(String)', 'VARCHAR'],
  ['duration_ms', 'Nullable(Int64)', 'BIGINT'],
  ['ttft_ms', 'Nullable(Int64)', 'BIGINT'],
  ['input_tokens', 'Int64', 'BIGINT'],
  ['output_tokens', 'Int64', 'BIGINT'],
  ['cached_tokens', 'Int64', 'BIGINT'],
  ['cost_nanos', 'Int64', 'BIGINT'],
  ['currency', 'LowCardinality(String)', 'VARCHAR'],
];

/** Writes every row of the calls table to a CSV file (NULL as `\N`). */
export async function dumpCalls(connectionString: string, file: string) {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await pipeline(
      client.query(
        copyTo(
          `COPY (SELECT ${COLUMNS.map(([name]) => name).join(
            ', ',
          )} FROM ${CALLS_TABLE}) TO STDOUT WITH (FORMAT csv, NULL '\\N')`,
        ),
      ),
      createWriteStream(file),
    );
  } finally {
    await client.end();
  }
}

/** How the two SQL dialects spell what the reads need. */
export interface Dialect {
  countIf(condition: string): string;
  p95(column: string): string;
  /** The day (as a day number) of `occurred_at` at a fixed UTC offset. */
  day(offsetMs: number): string;
}

export interface Engine {
  readonly name: string;
  readonly dialect: Dialect;
  /** Runs one query and materialises its rows in JavaScript. */
  query(sql: string): Promise<unknown[]>;
  /** Bytes the engine needs for the calls: on disk, compressed. */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}

const CLICKHOUSE: Dialect = {
  countIf: condition => `countIf(${condition})`,
  p95: column => `quantile(0.95)(${column})`,
  day: offsetMs => `intDiv(occurred_at + ${offsetMs}, 86400000)`,
};

const DUCKDB: Dialect = {
  countIf: condition => `count(*) FILTER (WHERE ${condition})`,
  p95: column => `approx_quantile(${column}, 0.95)`,
  day: offsetMs => `(occurred_at + ${offsetMs}) // 86400000`,
};

/** ClickHouse's engine in this process, a MergeTree ordered by project and time. */
export async function openClickHouse(csv: string): Promise<Engine> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Session } = require('chdb') as typeof import('chdb');
  const dir = mkdtempSync(join(tmpdir(), 'llm-usage-bench-chdb-'));
  const session = new Session(dir);
  const columns = COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');
  session.query(
    `CREATE TABLE calls (${columns}) ENGINE = MergeTree ORDER BY (project_id, occurred_at)`,
  );
  session.query(
    `INSERT INTO calls SELECT * FROM file('${csv}', 'CSV', '${COLUMNS.map(
      ([name, type]) => `${name} ${type}`,
    ).join(', ')}')`,
  );
  session.query('OPTIMIZE TABLE calls FINAL');
  return {
    name: 'ClickHouse',
    dialect: CLICKHOUSE,
    async query(sql) {
      const result = await session.queryAsync(sql, { format: 'JSONEachRow' });
      const text = result.text();
      return text
        ? text
            .trimEnd()
            .split('\n')
            .map(line => JSON.parse(line))
        : [];
    },
    async sizeBytes() {
      const text = session.query(
        `SELECT sum(bytes_on_disk) FROM system.parts WHERE table = 'calls' AND active`,
        'TSV',
      );
      return Number(text.trim());
    },
    async close() {
      session.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** DuckDB in this process, in a database file so that its size can be read. */
export async function openDuckDb(csv: string): Promise<Engine> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DuckDBInstance } =
    require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const dir = mkdtempSync(join(tmpdir(), 'llm-usage-bench-duckdb-'));
  const file = join(dir, 'calls.duckdb');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  const columns = COLUMNS.map(([name, , type]) => `${name} ${type}`).join(', ');
  await connection.run(`CREATE TABLE calls (${columns})`);
  await connection.run(
    `COPY calls FROM '${csv}' (FORMAT csv, HEADER false, NULLSTR '\\N')`,
  );
  await connection.run('CHECKPOINT');
  return {
    name: 'DuckDB',
    dialect: DUCKDB,
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS();
    },
    async sizeBytes() {
      return statSync(file).size;
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
