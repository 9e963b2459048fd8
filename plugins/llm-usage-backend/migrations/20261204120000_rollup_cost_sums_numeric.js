/*
 * A call's cost is at most 1,000 currency units (10^12 nano-units), so 64-bit
 * rollup sums would overflow past 9.2 million maximal calls in one row, fewer
 * than one busy hour can hold. On PostgreSQL the cost sums become
 * numeric(38, 0): exact, and wide enough for 2^31 calls (the row's call count)
 * at the maximum. SQLite keeps 64-bit sums; an hour beyond them fails its
 * rollup, which is recorded and alerted on (it is the development database).
 */

// @ts-check

const TABLES = ['llm_usage_rollup_hourly', 'llm_usage_rollup_daily'];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  for (const table of TABLES) {
    await knex.raw(
      `ALTER TABLE ?? ALTER COLUMN cost_nanos TYPE numeric(38, 0)`,
      [table],
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  // Fails if a sum no longer fits in 64 bits, rather than losing it.
  for (const table of TABLES) {
    await knex.raw(`ALTER TABLE ?? ALTER COLUMN cost_nanos TYPE bigint`, [
      table,
    ]);
  }
};
