/*
 * The price book (issue 23 item 6): prices that admins enter, the source of
 * each call's cost, and the priced part of every rollup sum.
 *
 * - `llm_usage_prices`: admin-edited prices per provider, model and effective
 *   date, per million tokens in nano-units of their currency. Defaults and
 *   app-config prices live in code and config, not here.
 * - `llm_usage_calls.cost_source`: 'reported' (sent by the caller), 'priced'
 *   (computed from the price book) or NULL (no cost). Calls stored before
 *   with a cost above zero were reported by their caller.
 * - `priced_cost_nanos` on both rollup tables: the sum of priced costs, a part
 *   of `cost_nanos` (numeric(38, 0) on PostgreSQL, as `cost_nanos`).
 */

// @ts-check

const PRICES = 'llm_usage_prices';
const CALLS = 'llm_usage_calls';
const ROLLUPS = ['llm_usage_rollup_hourly', 'llm_usage_rollup_daily'];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(PRICES, table => {
    table.string('id', 64).primary();
    table.string('provider', 64).notNullable();
    table.string('model', 255).notNullable();
    table.string('currency', 3).notNullable();
    table
      .bigInteger('input_nanos_per_million')
      .notNullable()
      .comment('Per million uncached input tokens, in nano-units');
    table.bigInteger('output_nanos_per_million').notNullable();
    table
      .bigInteger('cached_nanos_per_million')
      .nullable()
      .comment('NULL: cached tokens are billed at the input price');
    table
      .bigInteger('effective_from')
      .notNullable()
      .comment('Epoch ms of the UTC day the price applies from');
    table.text('note').nullable();
    table.string('updated_by', 255).notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.unique(['provider', 'model', 'effective_from']);
  });
  await knex.schema.alterTable(CALLS, table => {
    table
      .string('cost_source', 16)
      .nullable()
      .comment("'reported', 'priced', or NULL when the call has no cost");
  });
  await knex(CALLS).where('cost_nanos', '>', 0).update({
    cost_source: 'reported',
  });
  for (const rollup of ROLLUPS) {
    await knex.schema.alterTable(rollup, table => {
      table
        .bigInteger('priced_cost_nanos')
        .notNullable()
        .defaultTo(0)
        .comment('The part of cost_nanos computed from the price book');
    });
    if (knex.client.dialect === 'postgresql') {
      await knex.raw(
        'ALTER TABLE ?? ALTER COLUMN priced_cost_nanos TYPE numeric(38, 0)',
        [rollup],
      );
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const rollup of ROLLUPS) {
    await knex.schema.alterTable(rollup, table => {
      table.dropColumn('priced_cost_nanos');
    });
  }
  await knex.schema.alterTable(CALLS, table => {
    table.dropColumn('cost_source');
  });
  await knex.schema.dropTable(PRICES);
};
