import type { Knex } from 'knex';
import type { TimeSpan } from '../time/spans';
import { HOUR_MS } from './tables';

/** Narrows a query to the rows whose time lies in [start, end); either end may be infinite. */
export type RangeWhere = (
  start: number,
  end: number,
) => (query: Knex.QueryBuilder) => void;

/** Rows whose `column` lies in the range. */
export function columnRange(column: string): RangeWhere {
  return (start, end) => query => {
    if (start > -Infinity) query.where(column, '>=', start);
    if (end < Infinity) query.andWhere(column, '<', end);
  };
}

/** Rows in any of the spans. */
export function spansWhere(range: RangeWhere, spans: TimeSpan[]) {
  return (inner: Knex.QueryBuilder) => {
    for (const [start, end] of spans) inner.orWhere(range(start, end));
  };
}

/**
 * SQL: the start of the hour a call occurred in, exactly as the raw calls'
 * time index has it (migration 20261206020000). The index is on the hour,
 * not the time: a call's hour is shared with the hour's other calls, so the
 * index keeps each hour once with the list of its rows (B-tree
 * deduplication), a fraction of an index on the time itself.
 */
export const CALL_HOUR_SQL = `occurred_at - (occurred_at % ${HOUR_MS})`;

/** {@link CALL_HOUR_SQL} in JavaScript: both remainders truncate toward zero. */
function callHourOf(time: number): number {
  return time - (time % HOUR_MS);
}

/**
 * Calls whose time lies in the range. The hours of its ends are named too,
 * so that the database finds the calls through the hour index.
 */
export const callsInRange: RangeWhere = (start, end) => query => {
  columnRange('occurred_at')(start, end)(query);
  if (start > -Infinity) {
    query.andWhereRaw(`${CALL_HOUR_SQL} >= ?`, [callHourOf(start)]);
  }
  if (end < Infinity) {
    query.andWhereRaw(`${CALL_HOUR_SQL} <= ?`, [callHourOf(end - 1)]);
  }
};
