/*
 * The language each user reads the plugin in, sent by the frontend when the
 * app's language is chosen. Backend texts that reach that person
 * (notifications, e-mails made from them, spend digests) are written in it;
 * everyone else reads llmUsage.locale.default.
 */

// @ts-check

const LANGUAGE_PREFERENCES = 'llm_usage_language_preferences';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(LANGUAGE_PREFERENCES, table => {
    table
      .string('user_ref', 255)
      .primary()
      .comment('The user entity ref, e.g. user:default/jane');
    table
      .string('language', 16)
      .notNullable()
      .comment('A language code of the app, e.g. de, zh-Hant, pt-BR');
    table
      .bigInteger('updated_at')
      .notNullable()
      .comment('When the user last chose it (epoch ms)');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable(LANGUAGE_PREFERENCES);
};
