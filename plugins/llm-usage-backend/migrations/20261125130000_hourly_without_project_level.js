/*
 * The rollup is now written mostly by the database, and hours hold fewer
 * rows and indexes:
 * - The hourly rollup stops keeping a 'project' level. Within one hour a
 *   project's detail rows are few (its users times its models), so reads of
 *   project sums over the edge hours of a range add up detail rows instead;
 *   the rollup writes a third fewer rows. Days keep their project level,
 *   which answers the bulk of every range.
 * - The hourly key puts the project before the user, so it also finds one
 *   project's detail rows in a given hour; the separate project index goes,
 *   one index less to maintain for each of the millions of detail rows.
 * - Detail rows keep their latency sketch as a key list, which the database
 *   writes and joins (see src/rollup/LatencySketch.ts). Daily detail rows are
 *   summed from hourly ones by joining their lists, so every rolled hour is
 *   marked dirty: the next rollup writes it again as lists. Until then reads
 *   answer those hours from raw calls.
 */

// @ts-check

const HOURLY = 'llm_usage_rollup_hourly';
const DIRTY_HOURS = 'llm_usage_rollup_dirty_hours';
const KEY_TAIL = ['api_key_id', 'provider', 'model', 'currency'];
const USER_FIRST = [
  'level',
  'hour_start',
  'user_ref',
  'project_id',
  ...KEY_TAIL,
];
const PROJECT_FIRST = [
  'level',
  'hour_start',
  'project_id',
  'user_ref',
  ...KEY_TAIL,
];
const KEY_NAME = 'llm_usage_hour_start_level_key_uq';
const PROJECT_INDEX = 'llm_usage_hour_start_project_idx';

/** @param {import('knex').Knex} knex */
async function markRolledHoursDirty(knex) {
  await knex.raw(
    `INSERT INTO ${DIRTY_HOURS} (hour_start, token)
     SELECT DISTINCT hour_start, 'dirty' FROM ${HOURLY} WHERE 1 = 1
     ON CONFLICT (hour_start) DO NOTHING`,
  );
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await markRolledHoursDirty(knex);
  await knex(HOURLY).where('level', 'project').delete();
  await knex.schema.alterTable(HOURLY, builder => {
    builder.dropIndex(['project_id', 'hour_start'], PROJECT_INDEX);
    builder.dropUnique(USER_FIRST, KEY_NAME);
  });
  await knex.schema.alterTable(HOURLY, builder => {
    builder.unique(PROJECT_FIRST, { indexName: KEY_NAME });
  });
};

/**
 * The earlier code can neither rebuild the hourly project level in SQL nor
 * read key lists, so every rolled hour is marked dirty again: its next
 * rollup writes them all anew.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable(HOURLY, builder => {
    builder.dropUnique(PROJECT_FIRST, KEY_NAME);
  });
  await knex.schema.alterTable(HOURLY, builder => {
    builder.unique(USER_FIRST, { indexName: KEY_NAME });
    builder.index(['project_id', 'hour_start'], PROJECT_INDEX, {
      predicate: knex.whereRaw("level = 'project'"),
    });
  });
  await markRolledHoursDirty(knex);
};
