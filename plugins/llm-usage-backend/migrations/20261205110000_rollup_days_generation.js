/*
 * The generation at which a rollup last rewrote a day that readers could
 * already read whole (a day before `rolled_until`, re-rolled for late or
 * re-priced calls). Readers keep the sums of whole rolled days under it
 * instead of under `generation`, which every hourly rollup moves on while
 * rewriting only the current day: the first read after such a rollup then
 * reads only the hours that changed.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table
      .bigInteger('days_generation')
      .notNullable()
      .defaultTo(0)
      .comment(
        'The generation of the last rollup that rewrote a day already rolled whole',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table.dropColumn('days_generation');
  });
};
