/*
 * A rollup hour that fails keeps its dirty mark, so the next run retries it,
 * and records why here: the other hours roll on, and the alert evaluation
 * reads these columns to raise a rollup alert until the hour rolls.
 */

// @ts-check

const DIRTY_HOURS = 'llm_usage_rollup_dirty_hours';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable(DIRTY_HOURS, table => {
    table
      .text('last_error')
      .nullable()
      .comment('Why the last rollup of this hour failed; NULL if it never did');
    table
      .bigInteger('failed_at')
      .nullable()
      .comment('When the last rollup of this hour failed (epoch ms)');
    table
      .integer('failures')
      .notNullable()
      .defaultTo(0)
      .comment('Failed rollups of this hour since it was last rolled');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable(DIRTY_HOURS, table => {
    table.dropColumn('failures');
    table.dropColumn('failed_at');
    table.dropColumn('last_error');
  });
};
