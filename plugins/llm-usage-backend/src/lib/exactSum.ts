import type { Knex } from 'knex';

/**
 * `SUM(expression)` selected as text under `alias`: PostgreSQL sums bigints
 * as numeric and SQLite as a 64-bit integer, and a text sum stays exact on
 * both (read it with toBigInt or Number). A sum of no rows is NULL.
 */
export function exactSumSql(expression: string, alias: string): string {
  return `CAST(SUM(${expression}) AS TEXT) AS ${alias}`;
}

/** The select of an exact sum (see exactSumSql). */
export function exactSum(db: Knex, expression: string, alias: string) {
  return db.raw(exactSumSql(expression, alias));
}
