/*
 * The generation at which a rollup last rewrote each hour that readers could
 * already read (an hour before `rolled_until`, re-rolled for late or
 * re-priced calls). Readers key the sums of each rolled hour by it, so a late
 * call into one hour leaves the cached sums of every other hour valid; the
 * state's `hours_generation` tells them when to look here again.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('llm_usage_rollup_hour_versions', table => {
    table.comment(
      'The generation of the last rollup that rewrote a rolled hour',
    );
    table
      .bigInteger('hour_start')
      .primary()
      .comment('Start of the hour (epoch ms)');
    table
      .bigInteger('generation')
      .notNullable()
      .index()
      .comment('The rollup generation that last rewrote the hour');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('llm_usage_rollup_hour_versions');
};
