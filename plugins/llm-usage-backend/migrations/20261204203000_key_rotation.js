/*
 * Key rotation: a policy per key (rotate every so many days; reminders
 * come from the key_rotation_due alert rule) and the guided rotations, each
 * replacing an old key with a new one created at the provider. The old key
 * is kept through a grace period and deleted once no call has used it for
 * a quiet period after it; until then it waits, with its last use noted.
 */

// @ts-check

const POLICIES = 'llm_usage_key_rotation_policies';
const ROTATIONS = 'llm_usage_key_rotations';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(POLICIES, table => {
    table.comment('How often each key must be rotated');
    table.string('key_id', 64).primary().comment('llm_usage_keys.id');
    table
      .integer('max_age_days')
      .notNullable()
      .comment('Rotate the key when it is this many days old');
    table.string('updated_by', 255).notNullable();
    table.bigInteger('updated_at').notNullable().comment('Epoch ms');
  });
  await knex.schema.createTable(ROTATIONS, table => {
    table.comment('Guided rotations: a new key replaces an old one');
    table.string('id', 64).primary();
    table.string('old_key_id', 64).notNullable();
    table.string('new_key_id', 64).notNullable();
    table.string('started_by', 255).notNullable();
    table.bigInteger('started_at').notNullable().comment('Epoch ms');
    table
      .bigInteger('grace_ends_at')
      .notNullable()
      .comment('The old key is kept at least until then (epoch ms)');
    table
      .string('status', 16)
      .notNullable()
      .comment('grace (old key kept), deleted (old key deleted), cancelled');
    table
      .bigInteger('last_used_at')
      .nullable()
      .comment('The latest hour or day a check found the old key in use');
    table.bigInteger('checked_at').nullable();
    table.bigInteger('finished_at').nullable();
    table.text('last_error').nullable();
    table.index(['status', 'grace_ends_at'], 'llm_usage_key_rotations_due_idx');
    table.index(['old_key_id'], 'llm_usage_key_rotations_old_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable(ROTATIONS);
  await knex.schema.dropTable(POLICIES);
};
