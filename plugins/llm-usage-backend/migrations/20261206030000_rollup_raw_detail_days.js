/*
 * The UTC days whose detail rollup rows (per user, key and model, hourly and
 * daily) were deleted to save space while their raw calls are kept:
 * `[raw_detail_from, raw_detail_until)`, empty when equal. Reads at the
 * detail level sum those days' raw calls instead; the project and model
 * levels stay. See `src/rollup/rawDetailDays.ts` and `llmUsage.rollup.detailDays`.
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
 * Going down, the detail rows of those days are gone: the hours of their
 * calls are marked dirty, and the next rollup writes them again from the
 * raw calls. (The days may start at 0: only hours with calls are marked.)
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const state = await knex('llm_usage_rollup_state')
    .where('id', 'calls')
    .first('raw_detail_from', 'raw_detail_until');
  const from = Number(state?.raw_detail_from ?? 0);
  const until = Number(state?.raw_detail_until ?? 0);
  if (until > from) {
    await knex.raw(
      `INSERT INTO llm_usage_rollup_dirty_hours (hour_start, token)
       SELECT DISTINCT occurred_at - (occurred_at % 3600000), 'dirty'
       FROM llm_usage_calls WHERE occurred_at >= ? AND occurred_at < ?
       ON CONFLICT (hour_start) DO NOTHING`,
      [from, until],
    );
  }
  await knex.schema.alterTable('llm_usage_rollup_state', table => {
    table.dropColumn('raw_detail_from');
    table.dropColumn('raw_detail_until');
  });
};
