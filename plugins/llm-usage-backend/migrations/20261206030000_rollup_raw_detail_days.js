/*
 * The UTC days whose detail rollup rows (per user, key and model, hourly and
 * daily) were deleted to save space while their raw calls are kept:
 * `[raw_detail_from, raw_detail_until)`, empty when equal. Reads at the
 * detail level sum those days' raw calls instead; the project and model
 * levels stay. See `src/rollup/detailDays.ts` and `llmUsage.rollup.detailDays`.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table
      .bigInteger('raw_detail_from')
      .notNullable()
      .defaultTo(0)
      .comment('First day whose detail rollup rows are kept in raw calls only');
    table
      .bigInteger('raw_detail_until')
      .notNullable()
      .defaultTo(0)
      .comment('End of the days whose detail is kept in raw calls only');
  });
};

/**
 * Going down, the detail rows of those days are gone: the days are marked
 * dirty, and the next rollup writes them again from the raw calls.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const state = await knex('llm_usage_rollup_state')
    .where('id', 'calls')
    .first('raw_detail_from', 'raw_detail_until');
  const hour = 3_600_000;
  const hours = [];
  for (
    let start = Number(state?.raw_detail_from ?? 0);
    start < Number(state?.raw_detail_until ?? 0);
    start += hour
  ) {
    hours.push({ hour_start: start, token: 'dirty' });
  }
  for (let i = 0; i < hours.length; i += 500) {
    await knex('llm_usage_rollup_dirty_hours')
      .insert(hours.slice(i, i + 500))
      .onConflict('hour_start')
      .ignore();
  }
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table.dropColumn('raw_detail_from');
    table.dropColumn('raw_detail_until');
  });
};
