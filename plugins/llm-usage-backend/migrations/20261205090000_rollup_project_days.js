/*
 * A narrower daily level in its own table: one row per (day, project,
 * currency), the day's project rows summed over providers and models, with
 * their latency sketches merged. A read of project sums over a month (the
 * project list, a project's totals) scans these compact pages instead of the
 * daily table, where project rows are a third of the rows, interleaved with
 * detail rows, and several per project and day.
 *
 * The rollup writes a day's rows in the transaction that writes its other
 * daily rows (see src/rollup/RollupRow.ts). The days rolled before this
 * migration are filled in from their daily project rows, which stay: raw
 * calls of old days may be gone (retention), so they cannot be re-rolled.
 */

// @ts-check

const DAILY = 'llm_usage_rollup_daily';
const PROJECT_DAYS = 'llm_usage_rollup_project_days';
const SUMMED = [
  'call_count',
  'success_count',
  'failed_count',
  'processing_count',
  'input_tokens',
  'output_tokens',
  'cached_tokens',
  'latency_count',
  'latency_sum_ms',
  'ttft_count',
  'ttft_sum_ms',
];
const INSERT_CHUNK_ROWS = 40;
/** Cost sums: numeric(38, 0) on PostgreSQL, as in the other rollup tables. */
const COSTS = ['cost_nanos', 'priced_cost_nanos'];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  const postgres = knex.client.dialect === 'postgresql';
  await knex.schema.createTable(PROJECT_DAYS, table => {
    table.comment(
      'Daily project sums over all providers and models, per currency',
    );
    table.bigInteger('day_start').notNullable();
    table.string('project_id', 255).notNullable();
    table.string('currency', 3).notNullable();
    table.integer('call_count').notNullable();
    table.integer('success_count').notNullable();
    table.integer('failed_count').notNullable();
    table.integer('processing_count').notNullable();
    table.bigInteger('input_tokens').notNullable();
    table.bigInteger('output_tokens').notNullable();
    table.bigInteger('cached_tokens').notNullable();
    for (const column of COSTS) {
      if (postgres) table.specificType(column, 'numeric(38, 0)').notNullable();
      else table.bigInteger(column).notNullable();
    }
    table.integer('latency_count').notNullable();
    table.bigInteger('latency_sum_ms').notNullable();
    table.integer('ttft_count').notNullable();
    table.bigInteger('ttft_sum_ms').notNullable();
    // Merged DDSketch bins (see src/rollup/LatencySketch.ts).
    table.text('latency_sketch').notNullable();
    table.bigInteger('last_call_at').notNullable();
    // Ranges of days lead; one project's days are found by the second index.
    table.primary(
      ['day_start', 'project_id', 'currency'],
      'llm_usage_project_days_pk',
    );
    table.index(['project_id', 'day_start'], 'llm_usage_project_days_idx');
  });
  await fillFromDailyProjectRows(knex);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable(PROJECT_DAYS);
};

/**
 * Writes the project days of every rolled day, one day at a time: sums in
 * SQL, sketches merged here (the databases cannot merge bins).
 *
 * @param {import('knex').Knex} knex
 */
async function fillFromDailyProjectRows(knex) {
  const days = await knex(DAILY)
    .where('level', 'project')
    .distinct('day_start')
    .orderBy('day_start');
  for (const { day_start: dayStart } of days) {
    const projectRows = () =>
      knex(DAILY).where({ level: 'project', day_start: dayStart });
    const sums = await projectRows()
      .select(
        'project_id',
        'currency',
        ...SUMMED.map(column => knex.raw(`SUM(??) AS ??`, [column, column])),
        ...COSTS.map(column =>
          knex.raw(`CAST(SUM(??) AS TEXT) AS ??`, [column, column]),
        ),
        knex.raw('MAX(last_call_at) AS last_call_at'),
      )
      .groupBy('project_id', 'currency');
    const sketches = new Map();
    for (const row of await projectRows().select(
      'project_id',
      'currency',
      'latency_sketch',
    )) {
      const id = `${row.project_id}\u0000${row.currency}`;
      if (!sketches.has(id)) sketches.set(id, []);
      sketches.get(id).push(row.latency_sketch);
    }
    const rows = sums.map(row => ({
      ...row,
      day_start: dayStart,
      latency_sketch: mergedBins(
        sketches.get(`${row.project_id}\u0000${row.currency}`) ?? [],
      ),
    }));
    // Few enough bound values per statement for SQLite.
    for (let i = 0; i < rows.length; i += INSERT_CHUNK_ROWS) {
      await knex(PROJECT_DAYS).insert(rows.slice(i, i + INSERT_CHUNK_ROWS));
    }
  }
}

/**
 * The merge of encoded sketches, encoded as bins: `[zeroCount, key, count,
 * dKey, count, …]`, keys ascending and delta-encoded. Rows also hold key
 * lists (a comma-separated key per sample, 'z' for the zero bin).
 *
 * @param {string[]} encodedSketches
 */
function mergedBins(encodedSketches) {
  let zeros = 0;
  /** @type {Map<number, number>} */
  const weights = new Map();
  const addBin = (/** @type {number} */ key, /** @type {number} */ weight) =>
    weights.set(key, (weights.get(key) ?? 0) + weight);
  for (const encoded of encodedSketches) {
    if (encoded === '') continue;
    if (encoded[0] !== '[') {
      for (const key of encoded.split(',')) {
        if (key === 'z') zeros += 1;
        else addBin(Number(key), 1);
      }
      continue;
    }
    const values = JSON.parse(encoded);
    zeros += values[0] ?? 0;
    let key = 0;
    for (let i = 1; i < values.length; i += 2) {
      key += values[i];
      addBin(key, values[i + 1]);
    }
  }
  let text = `[${zeros}`;
  let previousKey = 0;
  for (const key of [...weights.keys()].sort((a, b) => a - b)) {
    text += `,${key - previousKey},${weights.get(key)}`;
    previousKey = key;
  }
  return `${text}]`;
}
