/*
 * The raw calls' primary key becomes a hash index on the call id, on
 * PostgreSQL (issue 20: raw calls plus indexes took 1.70× the bare rows, the
 * goal is 1.5×).
 *
 * Since the calls are partitioned by month, the key is (id, occurred_at): it
 * no longer keeps an id once, because a repeat or a completion with another
 * time would be a second row. Ingestion keeps each id once by itself: it
 * locks the batch's ids and looks them up before writing
 * (src/database/DatabaseCallStore.ts). What the key still does is find an
 * id's rows, and a hash index does that with 4 bytes of the id instead of the
 * whole id and time: about a third of the key's size for ids as long as
 * OpenAI's, and a size that does not grow with the id's length.
 *
 * SQLite keeps its primary key on the id.
 */

// @ts-check

const CALLS = 'llm_usage_calls';
const ID_INDEX = 'llm_usage_calls_id_idx';

/** @param {import('knex').Knex} knex */
const isPostgres = knex => knex.client.dialect === 'postgresql';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (!isPostgres(knex)) return;
  await knex.raw(`ALTER TABLE ${CALLS} DROP CONSTRAINT ${CALLS}_pkey`);
  await knex.raw(`CREATE INDEX ${ID_INDEX} ON ${CALLS} USING hash (id)`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (!isPostgres(knex)) return;
  await knex.raw(`DROP INDEX ${ID_INDEX}`);
  await knex.raw(`ALTER TABLE ${CALLS} ADD PRIMARY KEY (id, occurred_at)`);
};
