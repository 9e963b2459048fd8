/*
 * Calls, the hourly and daily rollups derived from them, and the bookkeeping
 * that tells readers which hours the rollups can answer for.
 */

// @ts-check

/**
 * Both rollup tables share their shape; only the time column differs.
 *
 * @param {import('knex').Knex.CreateTableBuilder} table
 * @param {string} timeColumn
 */
function rollupColumns(table, timeColumn) {
  table.bigInteger(timeColumn).notNullable();
  // The same calls are kept at three levels of detail: 'detail' (every
  // dimension), 'project' (user and key collapsed to '*') and 'model' (only
  // provider, model and currency). Reads use the coarsest level that still
  // has the dimensions they group or filter by.
  table.string('level', 8).notNullable();
  // Composite keys: no NULLs, so the unique index keeps de-duplicating.
  table.string('user_ref', 255).notNullable();
  table.string('project_id', 255).notNullable();
  table.string('api_key_id', 255).notNullable().defaultTo('');
  table.string('provider', 64).notNullable();
  table.string('model', 255).notNullable();
  table.string('currency', 3).notNullable();
  table.integer('call_count').notNullable();
  table.integer('success_count').notNullable();
  table.integer('failed_count').notNullable();
  table.integer('processing_count').notNullable();
  table.bigInteger('input_tokens').notNullable();
  table.bigInteger('output_tokens').notNullable();
  table.bigInteger('cached_tokens').notNullable();
  table.bigInteger('cost_nanos').notNullable();
  table.integer('latency_count').notNullable();
  table.bigInteger('latency_sum_ms').notNullable();
  table.integer('ttft_count').notNullable();
  table.bigInteger('ttft_sum_ms').notNullable();
  // Mergeable DDSketch of durations (see src/rollup/LatencySketch.ts).
  table.text('latency_sketch').notNullable();
  table.bigInteger('last_call_at').notNullable();
  table.unique(
    [
      timeColumn,
      'level',
      'user_ref',
      'project_id',
      'api_key_id',
      'provider',
      'model',
      'currency',
    ],
    { indexName: `llm_usage_${timeColumn}_key_uq` },
  );
  table.index(['level', timeColumn], `llm_usage_${timeColumn}_level_idx`);
  table.index(
    ['level', 'project_id', timeColumn],
    `llm_usage_${timeColumn}_by_project_idx`,
  );
  table.index(
    ['level', 'user_ref', timeColumn],
    `llm_usage_${timeColumn}_by_user_idx`,
  );
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('llm_usage_calls', table => {
    table.comment('One row per LLM call, keyed by the client-supplied id');
    table.string('id', 255).primary().notNullable();
    // Epoch milliseconds: identical on SQLite and PostgreSQL, cheap to bucket.
    table.bigInteger('occurred_at').notNullable();
    table.string('user_ref', 255).notNullable();
    table.string('project_id', 255).notNullable();
    table.string('api_key_id', 255).notNullable().defaultTo('');
    table.string('provider', 64).notNullable();
    table.string('model', 255).notNullable();
    table.string('type', 32).notNullable();
    table.string('status', 16).notNullable();
    table.text('error_reason').nullable();
    table.integer('duration_ms').nullable();
    table.integer('ttft_ms').nullable();
    table.bigInteger('input_tokens').notNullable().defaultTo(0);
    table.bigInteger('output_tokens').notNullable().defaultTo(0);
    table.bigInteger('cached_tokens').notNullable().defaultTo(0);
    // Integer nano-units of `currency`: exact sums, no floats.
    table.bigInteger('cost_nanos').notNullable().defaultTo(0);
    table.string('currency', 3).notNullable();
    table.text('metadata').nullable();
    table.bigInteger('received_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    // Keyset pagination: (scope, time desc, id desc).
    table.index(['occurred_at', 'id'], 'llm_usage_calls_time_idx');
    table.index(
      ['project_id', 'occurred_at', 'id'],
      'llm_usage_calls_project_time_idx',
    );
    table.index(
      ['user_ref', 'occurred_at', 'id'],
      'llm_usage_calls_user_time_idx',
    );
  });

  await knex.schema.createTable('llm_usage_rollup_hourly', table => {
    table.comment('Per UTC hour aggregates of llm_usage_calls');
    rollupColumns(table, 'hour_start');
  });

  await knex.schema.createTable('llm_usage_rollup_daily', table => {
    table.comment('Per UTC day aggregates, derived from the hourly rollup');
    rollupColumns(table, 'day_start');
  });

  await knex.schema.createTable('llm_usage_rollup_dirty_hours', table => {
    table.comment(
      'Hours that received calls since they were last rolled up. The token changes on every write, so a rollup only clears the mark it has seen.',
    );
    table.bigInteger('hour_start').primary().notNullable();
    table.string('token', 64).notNullable();
  });

  await knex.schema.createTable('llm_usage_rollup_state', table => {
    table.comment(
      'Single row: every hour before rolled_until has been rolled up, except the dirty ones',
    );
    table.string('id', 16).primary().notNullable();
    table.bigInteger('rolled_until').notNullable();
    table.bigInteger('updated_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('llm_usage_rollup_state');
  await knex.schema.dropTable('llm_usage_rollup_dirty_hours');
  await knex.schema.dropTable('llm_usage_rollup_daily');
  await knex.schema.dropTable('llm_usage_rollup_hourly');
  await knex.schema.dropTable('llm_usage_calls');
};
