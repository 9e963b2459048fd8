/*
 * Alerts: the rules that decide when something deserves attention, the
 * alerts they raise (one row per threshold crossing), who has read them, and
 * the log of deliveries to webhooks and Backstage notifications.
 *
 * Times are epoch milliseconds (bigint), like the rest of the plugin.
 */

// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('llm_usage_alert_rules', table => {
    table.comment(
      'Overrides of the built-in alert rules, globally or for one account, key, project or budget',
    );
    table.string('id', 64).primary().notNullable();
    table.string('type', 32).notNullable();
    // 'global', 'account', 'key', 'project' or 'budget'
    table.string('scope', 16).notNullable();
    // '' for the global scope: NULLs would defeat the unique key.
    table.string('scope_id', 255).notNullable().defaultTo('');
    table.boolean('enabled').notNullable().defaultTo(true);
    table.string('severity', 16).notNullable();
    // JSON thresholds, shaped per type.
    table.text('params').notNullable().defaultTo('{}');
    table.string('updated_by', 255).nullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.unique(['type', 'scope', 'scope_id'], {
      indexName: 'llm_usage_alert_rules_scope_uq',
    });
  });

  await knex.schema.createTable('llm_usage_alerts', table => {
    table.comment('One row per threshold crossing, open until it clears');
    table.string('id', 64).primary().notNullable();
    table.string('type', 32).notNullable();
    table.string('severity', 16).notNullable();
    // What crossed which threshold, e.g. key_expiring:<key>:<expiry>:3.
    table.string('condition_key', 400).notNullable();
    // The condition key while the alert is open, so that concurrent
    // evaluations open it once; suffixed with the alert id once resolved, so
    // that a later crossing of the same threshold opens a new alert.
    table.string('dedupe_key', 480).notNullable();
    table.string('target_type', 16).notNullable();
    table.string('target_id', 255).notNullable();
    table.string('target_name', 255).nullable();
    table.string('account_id', 64).nullable();
    // Who is told and who may see it; NULL means admins only.
    table.string('owner_ref', 255).nullable();
    // JSON values the UI formats into a translated message.
    table.text('params').notNullable().defaultTo('{}');
    table.bigInteger('first_seen_at').notNullable();
    table.bigInteger('last_seen_at').notNullable();
    table.bigInteger('resolved_at').nullable();
    table.unique(['dedupe_key'], { indexName: 'llm_usage_alerts_dedupe_uq' });
    table.index(['first_seen_at', 'id'], 'llm_usage_alerts_time_idx');
    table.index(['resolved_at'], 'llm_usage_alerts_resolved_idx');
    table.index(['owner_ref'], 'llm_usage_alerts_owner_idx');
    table.index(['condition_key'], 'llm_usage_alerts_condition_idx');
  });

  await knex.schema.createTable('llm_usage_alert_reads', table => {
    table.comment('Which user has read which alert');
    table.string('alert_id', 64).notNullable();
    table.string('user_ref', 255).notNullable();
    table.bigInteger('read_at').notNullable();
    // The name as a string: knex's SQLite DDL garbles the options object.
    table.primary(['alert_id', 'user_ref'], 'llm_usage_alert_reads_pk');
    table.index(['user_ref'], 'llm_usage_alert_reads_user_idx');
  });

  await knex.schema.createTable('llm_usage_alert_deliveries', table => {
    table.comment(
      'Each attempt to tell someone about an alert: webhooks and notifications',
    );
    table.string('id', 64).primary().notNullable();
    table.string('alert_id', 64).notNullable();
    // 'webhook' or 'notification'
    table.string('channel', 16).notNullable();
    // The webhook's name or the notified entity ref; never a URL or secret.
    table.string('destination', 255).notNullable();
    // 'opened' or 'resolved'
    table.string('event', 16).notNullable();
    // 'pending', 'delivered', 'failed' or 'dropped'
    table.string('status', 16).notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.integer('last_status_code').nullable();
    table.text('last_error').nullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.index(['alert_id'], 'llm_usage_alert_deliveries_alert_idx');
    table.index(['created_at'], 'llm_usage_alert_deliveries_time_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('llm_usage_alert_deliveries');
  await knex.schema.dropTable('llm_usage_alert_reads');
  await knex.schema.dropTable('llm_usage_alerts');
  await knex.schema.dropTable('llm_usage_alert_rules');
};
