/*
 * The provider side: accounts at LLM providers, their API keys, tags, the
 * daily usage and balances the providers report, sync history and the audit
 * trail of every change made through the API.
 *
 * Times are epoch milliseconds (bigint), money integer nano-units, like the
 * usage spine.
 */

// @ts-check

/** @param {import('knex').Knex.CreateTableBuilder} table */
function timestamps(table) {
  table.bigInteger('created_at').notNullable();
  table.bigInteger('updated_at').notNullable();
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('llm_usage_accounts', table => {
    table.comment('An account (organization) at an LLM provider');
    table.string('id', 64).primary().notNullable();
    table.string('provider', 64).notNullable();
    table.string('name', 255).notNullable();
    table.string('owner_ref', 255).nullable();
    // 'config' accounts are re-read from app-config on every start; 'api'
    // accounts were created through the API and live only here.
    table.string('source', 16).notNullable();
    // AES-256-GCM envelope (see src/secrets); NULL for config accounts, whose
    // credentials stay in config.
    table.text('credentials_encrypted').nullable();
    // JSON, never secret: billing URL, organization id, schedules, …
    table.text('settings').notNullable().defaultTo('{}');
    table.string('status', 16).notNullable().defaultTo('never_synced');
    table.bigInteger('last_sync_at').nullable();
    table.text('last_error').nullable();
    timestamps(table);
    table.index(['provider'], 'llm_usage_accounts_provider_idx');
  });

  await knex.schema.createTable('llm_usage_keys', table => {
    table.comment('API keys at providers, synced or registered by hand');
    table.string('id', 64).primary().notNullable();
    table.string('account_id', 64).notNullable();
    table.string('provider', 64).notNullable();
    // NULL for keys registered by hand: several may coexist per account.
    table.string('provider_key_id', 255).nullable();
    // The provider's project / workspace; some APIs need it to delete a key.
    table.string('provider_project_id', 255).nullable();
    table.string('name', 255).notNullable();
    table.string('masked_hint', 64).nullable();
    table.string('status', 16).notNullable();
    table.string('owner_ref', 255).nullable();
    table.string('component_ref', 255).nullable();
    table.text('notes').nullable();
    table.bigInteger('expires_at').nullable();
    table.bigInteger('provider_created_at').nullable();
    table.bigInteger('last_used_at').nullable();
    table.bigInteger('limit_nanos').nullable();
    table.string('limit_currency', 3).nullable();
    table.bigInteger('usage_nanos').nullable();
    table.string('usage_currency', 3).nullable();
    table.string('source', 16).notNullable();
    table.text('secret_encrypted').nullable();
    table.text('last_error').nullable();
    table.bigInteger('synced_at').nullable();
    // Set when a sync no longer finds the key at the provider.
    table.bigInteger('removed_at').nullable();
    // Deleted through the API; kept so a sync does not bring it back.
    table.bigInteger('deleted_at').nullable();
    timestamps(table);
    table.unique(['account_id', 'provider_key_id'], {
      indexName: 'llm_usage_keys_provider_key_uq',
    });
    table.index(['owner_ref'], 'llm_usage_keys_owner_idx');
    table.index(['expires_at'], 'llm_usage_keys_expires_idx');
  });

  await knex.schema.createTable('llm_usage_tags', table => {
    table.comment('Labels put on keys');
    table.string('id', 64).primary().notNullable();
    table.string('name', 64).notNullable().unique('llm_usage_tags_name_uq');
    table.string('color', 16).nullable();
    timestamps(table);
  });

  await knex.schema.createTable('llm_usage_key_tags', table => {
    table.string('key_id', 64).notNullable();
    table.string('tag_id', 64).notNullable();
    table.primary(['key_id', 'tag_id']);
    table.index(['tag_id'], 'llm_usage_key_tags_tag_idx');
  });

  await knex.schema.createTable('llm_usage_provider_usage', table => {
    table.comment(
      'Daily usage and cost as the provider reports it; a re-sync of a day replaces its rows',
    );
    table.string('account_id', 64).notNullable();
    // Start of the UTC day, epoch ms.
    table.bigInteger('day_start').notNullable();
    // Composite key: no NULLs, '' when the provider does not split by it.
    table.string('provider_key_id', 255).notNullable().defaultTo('');
    table.string('model', 255).notNullable().defaultTo('');
    table.string('provider_project_id', 255).notNullable().defaultTo('');
    table.string('currency', 3).notNullable();
    table.bigInteger('input_tokens').notNullable().defaultTo(0);
    table.bigInteger('output_tokens').notNullable().defaultTo(0);
    table.bigInteger('cached_tokens').notNullable().defaultTo(0);
    table.bigInteger('requests').nullable();
    table.bigInteger('cost_nanos').notNullable().defaultTo(0);
    table.bigInteger('synced_at').notNullable();
    table.unique(
      [
        'account_id',
        'day_start',
        'provider_key_id',
        'model',
        'provider_project_id',
        'currency',
      ],
      { indexName: 'llm_usage_provider_usage_uq' },
    );
    table.index(['day_start'], 'llm_usage_provider_usage_day_idx');
  });

  await knex.schema.createTable('llm_usage_balances', table => {
    table.comment('Balance readings per account and currency, one per sync');
    table.increments('id').primary();
    table.string('account_id', 64).notNullable();
    table.string('currency', 3).notNullable();
    table.bigInteger('available_nanos').notNullable();
    table.bigInteger('total_nanos').nullable();
    table.bigInteger('used_nanos').nullable();
    table.bigInteger('read_at').notNullable();
    table.index(
      ['account_id', 'currency', 'read_at'],
      'llm_usage_balances_account_idx',
    );
  });

  await knex.schema.createTable('llm_usage_sync_runs', table => {
    table.comment('One row per sync of an account');
    table.string('id', 64).primary().notNullable();
    table.string('account_id', 64).notNullable();
    // 'keys', 'usage' or 'all'
    table.string('scope', 16).notNullable();
    table.string('trigger', 16).notNullable();
    table.bigInteger('started_at').notNullable();
    table.bigInteger('finished_at').nullable();
    table.string('status', 16).notNullable();
    table.integer('items').notNullable().defaultTo(0);
    table.text('error').nullable();
    table.index(
      ['account_id', 'started_at'],
      'llm_usage_sync_runs_account_idx',
    );
    table.index(['started_at', 'id'], 'llm_usage_sync_runs_time_idx');
  });

  await knex.schema.createTable('llm_usage_audit_events', table => {
    table.comment('Who changed what, with the state before and after');
    table.string('id', 64).primary().notNullable();
    table.bigInteger('occurred_at').notNullable();
    table.string('actor_ref', 255).notNullable();
    table.string('action', 64).notNullable();
    table.string('target_type', 32).notNullable();
    table.string('target_id', 255).notNullable();
    // JSON snapshots, never holding a secret.
    table.text('before').nullable();
    table.text('after').nullable();
    table.index(['occurred_at', 'id'], 'llm_usage_audit_events_time_idx');
    table.index(
      ['target_type', 'target_id', 'occurred_at'],
      'llm_usage_audit_events_target_idx',
    );
    table.index(
      ['actor_ref', 'occurred_at'],
      'llm_usage_audit_events_actor_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('llm_usage_audit_events');
  await knex.schema.dropTable('llm_usage_sync_runs');
  await knex.schema.dropTable('llm_usage_balances');
  await knex.schema.dropTable('llm_usage_provider_usage');
  await knex.schema.dropTable('llm_usage_key_tags');
  await knex.schema.dropTable('llm_usage_tags');
  await knex.schema.dropTable('llm_usage_keys');
  await knex.schema.dropTable('llm_usage_accounts');
};
