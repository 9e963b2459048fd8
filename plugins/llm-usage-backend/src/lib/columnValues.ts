/**
 * Values of database columns, the same on both databases: PostgreSQL returns
 * bigint columns as strings, SQLite as numbers. Rows read by hand (joins,
 * sums, API shapes) use these directly; a store that reads and writes whole
 * records declares its columns with rowMapping, which builds on them.
 */
import { formatNanos, toBigInt } from './money';

export type ColumnNumber = string | number;

/** The converter for a nullable column: NULL (or a column not selected) stays null. */
export function orNull<V, T>(
  convert: (value: V) => T,
): (value: V | null | undefined) => T | null {
  return value =>
    value === null || value === undefined ? null : convert(value);
}

/** A whole number column (epoch ms, counts). */
export function numberOf(value: ColumnNumber): number {
  return Number(value);
}

/** A nullable number column. */
export const numberOrNull = orNull(numberOf);

/** A nullable amount column (nanos). */
export const bigintOrNull = orNull((value: ColumnNumber) => toBigInt(value));

/** An amount column (nanos) as an exact decimal string; a sum of no rows (NULL) is 0. */
export function decimalOf(nanos: ColumnNumber | null): string {
  return formatNanos(toBigInt(nanos));
}

/** A nullable amount column (nanos) as an exact decimal string. */
export const decimalOrNull = orNull((nanos: ColumnNumber) => decimalOf(nanos));

/** An epoch ms column as ISO 8601. */
export function isoTime(value: ColumnNumber): string {
  return new Date(Number(value)).toISOString();
}

/** A nullable epoch ms column as ISO 8601. */
export const isoTimeOrNull = orNull(isoTime);
