/*
 * SLOs an admin sets for a project in the plugin's settings. They override
 * the SLO annotations of the project's Component (see the README, "SLOs").
 */

// @ts-check

const SLO_SETTINGS = 'llm_usage_slo_settings';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(SLO_SETTINGS, table => {
    table
      .string('project_id', 255)
      .primary()
      .comment('The project id the objectives apply to');
    table
      .text('objectives')
      .notNullable()
      .comment(
        'JSON array of {metric, threshold, target, windowDays}, validated on write',
      );
    table
      .string('updated_by', 255)
      .notNullable()
      .comment('The admin who saved them (entity ref)');
    table
      .bigInteger('updated_at')
      .notNullable()
      .comment('When they were saved (epoch ms)');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable(SLO_SETTINGS);
};
