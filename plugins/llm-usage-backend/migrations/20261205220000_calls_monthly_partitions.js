/*
 * Raw calls in monthly partitions on PostgreSQL (issue 20): retention drops a
 * month past its cutoff as a table instead of deleting it row by row.
 *
 * A partitioned table's unique keys must hold the partition column, so the
 * primary key becomes (id, occurred_at). Ingestion still stores each id once
 * across months: it locks the ids it writes and looks them up first
 * (src/database/DatabaseCallStore.ts).
 *
 * Calls of months far from today go to the default partition, and so do calls
 * written while their month had no partition yet (src/database/callPartitions.ts
 * creates them as calls arrive). The calls stored so far are copied over.
 * SQLite keeps one table.
 */

// @ts-check

const CALLS = 'llm_usage_calls';
const UNPARTITIONED = 'llm_usage_calls_unpartitioned';
const INDEXES = [
  ['llm_usage_calls_time_idx', 'occurred_at'],
  ['llm_usage_calls_project_time_idx', 'project_id, occurred_at'],
  ['llm_usage_calls_user_idx', 'user_ref'],
];
/** Months this far back and ahead of today get a partition of their own. */
const MONTHS_BACK = 36;
const MONTHS_AHEAD = 1;

/** @param {number} ms @param {number} offset */
const monthStart = (ms, offset = 0) => {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1);
};

/** @param {import('knex').Knex} knex */
const isPostgres = knex => knex.client.dialect === 'postgresql';

/**
 * Renames the calls table aside (without its key and indexes), has `create`
 * make the new `llm_usage_calls` from it, indexes that, copies the calls over
 * and drops the old table.
 * @param {import('knex').Knex} knex
 * @param {(source: string) => Promise<void>} create
 */
async function rebuildCalls(knex, create) {
  await knex.raw(`ALTER TABLE ${CALLS} RENAME TO ${UNPARTITIONED}`);
  await knex.raw(`ALTER TABLE ${UNPARTITIONED} DROP CONSTRAINT ${CALLS}_pkey`);
  for (const [name] of INDEXES) await knex.raw(`DROP INDEX ${name}`);
  await create(UNPARTITIONED);
  for (const [name, columns] of INDEXES) {
    await knex.raw(`CREATE INDEX ${name} ON ${CALLS} (${columns})`);
  }
  await knex.raw(
    `INSERT INTO ${CALLS} SELECT * FROM ${UNPARTITIONED} ON CONFLICT DO NOTHING`,
  );
  await knex.raw(`DROP TABLE ${UNPARTITIONED}`);
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (!isPostgres(knex)) return;
  const now = Date.now();
  const stored = await knex.raw(
    `SELECT DISTINCT (extract(epoch FROM date_trunc('month',
       to_timestamp(occurred_at / 1000.0) AT TIME ZONE 'UTC')) * 1000)::bigint AS month
     FROM ${CALLS}`,
  );
  const earliest = monthStart(now, -MONTHS_BACK);
  const latest = monthStart(now, MONTHS_AHEAD);
  // The months that hold calls, and this one and the next, within the window.
  const months = [
    ...new Set([
      ...stored.rows.map((/** @type {{ month: string }} */ row) =>
        Number(row.month),
      ),
      monthStart(now),
      monthStart(now, 1),
    ]),
  ].filter(month => month >= earliest && month <= latest);

  await rebuildCalls(knex, async source => {
    await knex.raw(
      `CREATE TABLE ${CALLS} (LIKE ${source} INCLUDING DEFAULTS)
       PARTITION BY RANGE (occurred_at)`,
    );
    await knex.raw(`ALTER TABLE ${CALLS} ADD PRIMARY KEY (id, occurred_at)`);
    await knex.raw(
      `CREATE TABLE ${CALLS}_default PARTITION OF ${CALLS} DEFAULT`,
    );
    for (const month of months) {
      const date = new Date(month);
      const name = `${CALLS}_y${date.getUTCFullYear()}m${String(
        date.getUTCMonth() + 1,
      ).padStart(2, '0')}`;
      await knex.raw(
        `CREATE TABLE ${name} PARTITION OF ${CALLS}
         FOR VALUES FROM (${month}) TO (${monthStart(month, 1)})`,
      );
    }
  });
  await knex.raw(`ANALYZE ${CALLS}`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (!isPostgres(knex)) return;
  await rebuildCalls(knex, async source => {
    await knex.raw(`CREATE TABLE ${CALLS} (LIKE ${source} INCLUDING DEFAULTS)`);
    await knex.raw(`ALTER TABLE ${CALLS} ADD PRIMARY KEY (id)`);
  });
};
