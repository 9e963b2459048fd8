/**
 * Values of database rows read by hand (joins, sums, API shapes), the same
 * on both databases: PostgreSQL returns bigint columns as strings, SQLite as
 * numbers. A store that reads and writes whole records declares them with
 * rowMapping instead.
 */
import { formatNanos, toBigInt } from './money';

type ColumnNumber = string | number;

/** A nullable number column. */
export function numberOrNull(value: ColumnNumber | null): number | null {
  return value === null ? null : Number(value);
}

/** A nullable amount column (nanos). */
export function bigintOrNull(value: ColumnNumber | null): bigint | null {
  return value === null ? null : toBigInt(value);
}

/** An amount column (nanos) as an exact decimal string; a sum of no rows (NULL) is 0. */
export function decimalOf(nanos: ColumnNumber | null): string {
  return formatNanos(toBigInt(nanos));
}

/** A nullable amount column (nanos) as an exact decimal string. */
export function decimalOrNull(nanos: ColumnNumber | null): string | null {
  return nanos === null ? null : decimalOf(nanos);
}

/** An epoch ms column as ISO 8601. */
export function isoTime(value: ColumnNumber): string {
  return new Date(Number(value)).toISOString();
}

/** A nullable epoch ms column as ISO 8601. */
export function isoTimeOrNull(value: ColumnNumber | null): string | null {
  return value === null ? null : isoTime(value);
}
