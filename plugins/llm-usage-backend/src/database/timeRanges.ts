import type { Knex } from 'knex';
import type { TimeSpan } from '../time/spans';
import { monthStartOf } from '../time/months';
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
 * SQL: the hour a call occurred in, as hours since 1970, exactly as the raw
 * calls' time index has it (migration 20261206020000). The index is on the
 * hour, not the time: an hour is shared by its calls, so the index keeps it
 * once with the list of its rows (B-tree deduplication), a fraction of an
 * index on the time itself. It is the hour's number, not its start in ms,
 * so that it differs from the rollup's grouping by hour start: PostgreSQL
 * would otherwise read a month of calls in index order to skip a sort,
 * which costs random reads of the whole table.
 */
export const CALL_HOUR_SQL = `occurred_at / ${HOUR_MS}`;

/** {@link CALL_HOUR_SQL} in JavaScript: both divisions truncate toward zero. */
export function callHourOf(time: number): number {
  return Math.trunc(time / HOUR_MS);
}

/** Whether calls before `time` are exactly those of the hours before its hour. */
const isHourBoundary = (time: number) => time > 0 && time % HOUR_MS === 0;

/**
 * Calls whose time lies in the range, found through the hour index. At an
 * end that is an hour's start the hour condition alone is exact; elsewhere
 * the time is compared too. The time is always bounded by the months around
 * the range as well: PostgreSQL skips the other months' partitions by them,
 * and as they hold for every call in the months it reads, its estimate of
 * the rows rests on the hour condition alone (an estimate that multiplied
 * the two conditions' shares would be far too low).
 */
export const callsInRange: RangeWhere = (start, end) => query => {
  if (start > -Infinity) {
    query.where(
      'occurred_at',
      '>=',
      isHourBoundary(start) ? monthStartOf(start) : start,
    );
    query.andWhereRaw(`${CALL_HOUR_SQL} >= ?`, [callHourOf(start)]);
  }
  if (end < Infinity) {
    query.andWhere(
      'occurred_at',
      '<',
      isHourBoundary(end) ? monthStartOf(end - 1, 1) : end,
    );
    query.andWhereRaw(`${CALL_HOUR_SQL} <= ?`, [callHourOf(end - 1)]);
  }
};

/**
 * {@link callsInRange} with the time compared exactly at both ends as well,
 * for reads narrowed by another column: an index led by that column and the
 * time (a project's calls) is then read for the range, not for its months.
 * PostgreSQL's estimate of the rows is then too low, which for such reads
 * only favours those indexes over a scan.
 */
export const callsInRangeExactly: RangeWhere = (start, end) => query => {
  callsInRange(start, end)(query);
  if (start > -Infinity && isHourBoundary(start)) {
    query.andWhere('occurred_at', '>=', start);
  }
  if (end < Infinity && isHourBoundary(end)) {
    query.andWhere('occurred_at', '<', end);
  }
};
