/*
 * Leaner indexes on the raw calls (issue 20: raw calls plus indexes took
 * 2.0× the bare rows, the goal is 1.5×).
 *
 * - The project index drops the call id. The call history's cursor,
 *   `(occurred_at, id) < (?, ?)`, still starts the index scan at the cursor's
 *   time; only calls of the very same millisecond are compared by id, after
 *   the index, and sorted by id in the few rows that tie.
 * - The user index keeps the user alone. A viewer's raw reads combine it with
 *   the time index (a bitmap AND on PostgreSQL); with few distinct users, a
 *   user-only index stores each user once with a list of rows (PostgreSQL's
 *   B-tree deduplication) and takes a tenth of the space.
 */

// @ts-check

const CALLS = 'llm_usage_calls';
const PROJECT = 'llm_usage_calls_project_time_idx';
const USER = 'llm_usage_calls_user_time_idx';
const USER_ONLY = 'llm_usage_calls_user_idx';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable(CALLS, table => {
    table.dropIndex(['project_id', 'occurred_at', 'id'], PROJECT);
    table.dropIndex(['user_ref', 'occurred_at'], USER);
  });
  await knex.schema.alterTable(CALLS, table => {
    table.index(['project_id', 'occurred_at'], PROJECT);
    table.index(['user_ref'], USER_ONLY);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable(CALLS, table => {
    table.dropIndex(['project_id', 'occurred_at'], PROJECT);
    table.dropIndex(['user_ref'], USER_ONLY);
  });
  await knex.schema.alterTable(CALLS, table => {
    table.index(['project_id', 'occurred_at', 'id'], PROJECT);
    table.index(['user_ref', 'occurred_at'], USER);
  });
};
