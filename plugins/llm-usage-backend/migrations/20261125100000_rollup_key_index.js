/*
 * The rollup tables' unique key leads with (level, time) instead of
 * (time, level), so it also serves every read of one level over a time range
 * and the separate (level, time) index can go: one index less to maintain
 * for each of the hundreds of thousands of rows a rollup writes.
 */

// @ts-check

const DIMENSIONS = [
  'user_ref',
  'project_id',
  'api_key_id',
  'provider',
  'model',
  'currency',
];

const TABLES = [
  ['llm_usage_rollup_hourly', 'hour_start'],
  ['llm_usage_rollup_daily', 'day_start'],
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  for (const [table, time] of TABLES) {
    await knex.schema.alterTable(table, builder => {
      builder.dropUnique(
        [time, 'level', ...DIMENSIONS],
        `llm_usage_${time}_key_uq`,
      );
      builder.dropIndex(['level', time], `llm_usage_${time}_level_idx`);
      builder.unique(['level', time, ...DIMENSIONS], {
        indexName: `llm_usage_${time}_level_key_uq`,
      });
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const [table, time] of TABLES) {
    await knex.schema.alterTable(table, builder => {
      builder.dropUnique(
        ['level', time, ...DIMENSIONS],
        `llm_usage_${time}_level_key_uq`,
      );
      builder.unique([time, 'level', ...DIMENSIONS], {
        indexName: `llm_usage_${time}_key_uq`,
      });
      builder.index(['level', time], `llm_usage_${time}_level_idx`);
    });
  }
};
