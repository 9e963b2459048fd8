/*
 * Monthly budgets per user, group, project or provider account, and the
 * spend digests: who opted out and which digests were already sent.
 *
 * Times are epoch milliseconds (bigint), money integer nano-units, like the
 * usage spine.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('llm_usage_budgets', table => {
    table.comment('A monthly spend budget for one target in one currency');
    table.string('id', 64).primary().notNullable();
    // 'user' | 'group' | 'project' | 'account'
    table.string('target_type', 16).notNullable();
    // An entity ref for users and groups, a project id or an account id.
    table.string('target_ref', 255).notNullable();
    table.string('name', 255).notNullable().defaultTo('');
    table.bigInteger('amount_nanos').notNullable();
    table.string('currency', 3).notNullable();
    table.string('created_by', 255).notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    // One budget per target and currency: two would disagree on "remaining".
    table.unique(['target_type', 'target_ref', 'currency'], {
      indexName: 'llm_usage_budgets_target_uq',
    });
  });

  await knex.schema.createTable('llm_usage_digest_optouts', table => {
    table.comment('Owners (users or groups) who do not want a spend digest');
    table.string('owner_ref', 255).notNullable();
    // 'weekly' | 'monthly'
    table.string('cadence', 16).notNullable();
    table.string('updated_by', 255).notNullable();
    table.bigInteger('updated_at').notNullable();
    // A plain name: knex's SQLite compiler does not take the options object here.
    table.primary(['owner_ref', 'cadence'], 'llm_usage_digest_optouts_pk');
  });

  await knex.schema.createTable('llm_usage_digest_deliveries', table => {
    table.comment(
      'Digests already sent, so a retried or repeated run never sends one twice',
    );
    table.string('owner_ref', 255).notNullable();
    table.string('cadence', 16).notNullable();
    table.bigInteger('period_start').notNullable();
    table.bigInteger('sent_at').notNullable();
    table.primary(
      ['owner_ref', 'cadence', 'period_start'],
      'llm_usage_digest_deliveries_pk',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('llm_usage_digest_deliveries');
  await knex.schema.dropTable('llm_usage_digest_optouts');
  await knex.schema.dropTable('llm_usage_budgets');
};
