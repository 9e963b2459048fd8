import type { Knex } from 'knex';
import { WRITE_CHUNK_ROWS, chunk } from './tables';

export function isPostgres(db: Knex): boolean {
  return db.client.dialect === 'postgresql';
}

/** A column of a bulk insert: its name and PostgreSQL type. */
export type BulkColumn = [
  name: string,
  type: 'text' | 'integer' | 'bigint' | 'numeric',
];

/**
 * Inserts rows given as value arrays in `columns` order. On PostgreSQL it is
 * one statement with one array parameter per column (`unnest`), far cheaper
 * to send and to parse than thousands of bound values; elsewhere it is
 * chunked multi-row inserts. With `ignoreConflictOn`, rows whose key exists
 * are skipped.
 */
export async function bulkInsert(
  db: Knex,
  table: string,
  columns: BulkColumn[],
  rows: unknown[][],
  ignoreConflictOn?: string,
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name);
  if (isPostgres(db)) {
    const conflict = ignoreConflictOn
      ? ` ON CONFLICT (${ignoreConflictOn}) DO NOTHING`
      : '';
    await db.raw(
      `INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM ${unnestOf(
        columns,
      )}${conflict}`,
      columns.map((_column, i) =>
        arrayLiteral(rows.map(row => row[i] ?? null)),
      ),
    );
    return;
  }
  for (const part of chunk(rows, WRITE_CHUNK_ROWS)) {
    const insert = db(table).insert(
      part.map(row =>
        Object.fromEntries(names.map((name, i) => [name, row[i]])),
      ),
    );
    await (ignoreConflictOn
      ? insert.onConflict(ignoreConflictOn).ignore()
      : insert);
  }
}

/** `unnest(?::type[], ...)`: rows from one array parameter per column (PostgreSQL). */
export function unnestOf(columns: BulkColumn[]): string {
  return `unnest(${columns.map(([, type]) => `?::${type}[]`).join(', ')})`;
}

/**
 * A PostgreSQL array literal. JSON's encoding is one when no element needed
 * more than `\"` or `\\` escapes (PostgreSQL reads `\n` as `n`); the native
 * JSON encoder is much faster than quoting element by element.
 */
export function arrayLiteral(values: unknown[]): string {
  const json = JSON.stringify(values);
  if (!/\\[^"\\]/.test(json)) {
    return `{${json.slice(1, -1)}}`;
  }
  const elements = values.map(value => {
    if (value === null || value === undefined) return 'NULL';
    return `"${String(value).replace(/["\\]/g, '\\$&')}"`;
  });
  return `{${elements.join(',')}}`;
}
