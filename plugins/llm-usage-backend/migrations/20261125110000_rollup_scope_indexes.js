/*
 * Restricted reads find owned projects only at the 'project' level and the
 * caller's own calls only at the 'detail' level (see UsageQueries), so each
 * scope index needs only its level's rows. Partial indexes hold a third
 * fewer entries, which every rollup write has to maintain.
 */

// @ts-check

const TABLES = [
  ['llm_usage_rollup_hourly', 'hour_start'],
  ['llm_usage_rollup_daily', 'day_start'],
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  for (const [table, time] of TABLES) {
    await knex.schema.alterTable(table, builder => {
      builder.dropIndex(
        ['level', 'project_id', time],
        `llm_usage_${time}_by_project_idx`,
      );
      builder.dropIndex(
        ['level', 'user_ref', time],
        `llm_usage_${time}_by_user_idx`,
      );
      builder.index(['project_id', time], `llm_usage_${time}_project_idx`, {
        predicate: knex.whereRaw("level = 'project'"),
      });
      builder.index(['user_ref', time], `llm_usage_${time}_user_idx`, {
        predicate: knex.whereRaw("level = 'detail'"),
      });
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const [table, time] of TABLES) {
    await knex.schema.alterTable(table, builder => {
      builder.dropIndex(['project_id', time], `llm_usage_${time}_project_idx`);
      builder.dropIndex(['user_ref', time], `llm_usage_${time}_user_idx`);
      builder.index(
        ['level', 'project_id', time],
        `llm_usage_${time}_by_project_idx`,
      );
      builder.index(
        ['level', 'user_ref', time],
        `llm_usage_${time}_by_user_idx`,
      );
    });
  }
};
