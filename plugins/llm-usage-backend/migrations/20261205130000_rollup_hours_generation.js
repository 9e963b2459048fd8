/*
 * The generation at which a rollup last rewrote an hour that readers could
 * already read (an hour before `rolled_until`, re-rolled for late or
 * re-priced calls). Readers keep the sums of each rolled hour under it: the
 * hourly rollup only adds the hour just closed, so the first read after it
 * reads that hour alone.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table
      .bigInteger('hours_generation')
      .notNullable()
      .defaultTo(0)
      .comment(
        'The generation of the last rollup that rewrote an hour already rolled',
      );
  });
  // Hours rewritten before this column existed are not known: start here.
  await knex('llm_usage_rollup_state').update({
    hours_generation: knex.ref('generation'),
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table.dropColumn('hours_generation');
  });
};
