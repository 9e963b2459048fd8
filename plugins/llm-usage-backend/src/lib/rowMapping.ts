import type { Knex } from 'knex';
import { isoTime, numberOf, orNull } from './columnValues';
import { toBigInt } from './money';

/** How one field of a record is kept in its column. */
export interface Column<T> {
  /** The field from the column's value as the database returns it. */
  read(value: any): T;
  /** The column's value for the field. */
  write(value: T): unknown;
}

/** Text as it is (a string union such as a status, when named). */
export function text<T extends string = string>(): Column<T> {
  return { read: value => value, write: value => value };
}

/** A whole number; PostgreSQL returns bigint columns (epoch ms) as strings. */
export const integer: Column<number> = {
  read: numberOf,
  write: value => value,
};

/** A boolean; SQLite keeps it as 0 or 1. */
export const flag: Column<boolean> = {
  read: value => Boolean(value),
  write: value => value,
};

/** A value kept as JSON text. */
export function json<T>(): Column<T> {
  return {
    read: value => JSON.parse(value),
    write: value => JSON.stringify(value),
  };
}

/** Nanos in a bigint column: exact, never a float. */
export const nanos: Column<bigint> = {
  read: value => toBigInt(value),
  write: value => value.toString(),
};

/** An epoch ms column, an ISO 8601 timestamp in the record. */
export const isoTimestamp: Column<string> = {
  read: isoTime,
  write: value => Date.parse(value),
};

/** A column that may be NULL (or left out of the select): null in the record. */
export function nullable<T>(column: Column<T>): Column<T | null> {
  return {
    read: orNull(column.read),
    write: value => (value === null ? null : column.write(value)),
  };
}

/** The snake_case column of a camelCase field: `amountNanos` → `amount_nanos`. */
function columnName(field: string): string {
  return field.replace(/[A-Z]/g, letter => `_${letter.toLowerCase()}`);
}

/**
 * A record's fields and their columns, declared once for reading rows and
 * writing them: each field is stored in the snake_case column of its name.
 */
export function rowMapping<R extends object>(fields: {
  [K in keyof R]-?: Column<R[K]>;
}) {
  const entries = Object.entries(fields) as Array<[keyof R, Column<unknown>]>;
  const fromRow = (row: Record<string, unknown>): R => {
    const record = {} as R;
    for (const [field, column] of entries) {
      record[field] = column.read(row[columnName(String(field))]) as R[keyof R];
    }
    return record;
  };
  return {
    fromRow,
    /** The query's first row as a record (see firstRecord). */
    first: (query: Knex.QueryBuilder) => firstRecord(query, fromRow),
    /** The columns of the fields given; fields left undefined are left out. */
    toRow(record: Partial<R>): Record<string, unknown> {
      const row: Record<string, unknown> = {};
      for (const [field, column] of entries) {
        const value = record[field];
        if (value !== undefined) {
          row[columnName(String(field))] = column.write(value);
        }
      }
      return row;
    },
  };
}

/** The query's first row as a record, or undefined when no row matches. */
export async function firstRecord<R>(
  query: Knex.QueryBuilder,
  fromRow: (row: Record<string, unknown>) => R,
): Promise<R | undefined> {
  const row = await query.first();
  return row ? fromRow(row) : undefined;
}
