/*
 * Raw-call retention (llmUsage.retention.rawCallsDays): raw calls before
 * `raw_calls_since` have been deleted, and summaries of those hours come from
 * the rollups alone. The rollup never re-rolls an hour before it (its raw
 * calls are gone), and the call history says how far back it reaches.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table
      .bigInteger('raw_calls_since')
      .nullable()
      .comment(
        'Raw calls before this (epoch ms) were deleted by retention; null: none',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table.dropColumn('raw_calls_since');
  });
};
