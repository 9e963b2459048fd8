/*
 * A counter that every rollup transaction increments with the rows it writes.
 * Readers cache sums of rolled hours and days under it: a new generation is
 * the only way those rows change, so a cached sum can never be stale.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table
      .bigInteger('generation')
      .notNullable()
      .defaultTo(0)
      .comment('Incremented by every rollup transaction that rewrites rows');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table.dropColumn('generation');
  });
};
