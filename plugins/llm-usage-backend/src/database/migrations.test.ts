import type { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from './migrations';
import { createTestDatabases } from '../__testUtils__/databases';
import { monthStartOf } from '../time/months';
import { DEFAULT_CALL_PARTITION, callPartitionName } from './callPartitions';
import { DAY_MS } from './tables';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ID_HASH_INDEX = {
  directory: MIGRATIONS_DIRECTORY,
  name: '20261206010000_calls_id_hash_index.js',
};

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('migrates up and all the way down again', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    for (const table of [
      'llm_usage_calls',
      'llm_usage_rollup_hourly',
      'llm_usage_rollup_daily',
      'llm_usage_rollup_dirty_hours',
      'llm_usage_rollup_state',
    ]) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }

    await knex.migrate.rollback({ directory: MIGRATIONS_DIRECTORY }, true);
    expect(await knex.schema.hasTable('llm_usage_calls')).toBe(false);
    expect(await knex.schema.hasTable('llm_usage_rollup_hourly')).toBe(false);

    // And up again: down left nothing behind that blocks a re-run.
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    expect(await knex.schema.hasTable('llm_usage_calls')).toBe(true);
  });

  it('drops the hourly project level and marks rolled hours for a re-roll, both ways', async () => {
    const knex = await databases.init(databaseId);
    const migration = {
      directory: MIGRATIONS_DIRECTORY,
      name: '20261125130000_hourly_without_project_level.js',
    };
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    await knex.migrate.down(migration);
    const hour = Date.UTC(2026, 9, 1, 5);
    await knex('llm_usage_rollup_hourly').insert(
      ['detail', 'project', 'model'].map(level => hourlyRow(level, hour)),
    );

    await knex.migrate.up(migration);
    const levels = await knex('llm_usage_rollup_hourly')
      .pluck('level')
      .orderBy('level');
    expect(levels).toEqual(['detail', 'model']);
    const dirtyHours = async () =>
      (await knex('llm_usage_rollup_dirty_hours')).map(row => [
        Number(row.hour_start),
        row.token,
      ]);
    expect(await dirtyHours()).toEqual([[hour, 'dirty']]);

    await knex('llm_usage_rollup_dirty_hours').delete();
    await knex.migrate.down(migration);
    expect(await dirtyHours()).toEqual([[hour, 'dirty']]);
  });
  it('keeps every call when the calls table is partitioned by month, and when it is not again', async () => {
    const knex = await databases.init(databaseId);
    const migration = {
      directory: MIGRATIONS_DIRECTORY,
      name: '20261205220000_calls_monthly_partitions.js',
    };
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    await migrateDownThrough(knex, migration.name);
    const now = Date.now();
    // Two months in the window, and one far outside it.
    const times = [now - 40 * DAY_MS, now - 2 * DAY_MS, Date.UTC(2001, 0, 1)];
    const rows = times.map((time, i) => callRow(`call-${i}`, time));
    await knex('llm_usage_calls').insert(rows);
    const stored = () =>
      knex('llm_usage_calls')
        .select('id', 'occurred_at', 'cost_nanos', 'metadata')
        .orderBy('id')
        .then(found =>
          found.map(row => ({
            ...row,
            occurred_at: Number(row.occurred_at),
            cost_nanos: Number(row.cost_nanos),
          })),
        );
    const before = await stored();
    expect(before).toHaveLength(3);

    await knex.migrate.up(migration);
    expect(await stored()).toEqual(before);
    // Each call in its month's partition, or the default one (PostgreSQL).
    const postgres = knex.client.dialect === 'postgresql';
    const partitions = postgres
      ? (
          await knex('llm_usage_calls')
            .select(knex.raw('tableoid::regclass::text AS partition'))
            .orderBy('id')
        ).map(row => row.partition)
      : [];
    expect(partitions).toEqual(
      postgres
        ? [
            callPartitionName(monthStartOf(times[0])),
            callPartitionName(monthStartOf(times[1])),
            DEFAULT_CALL_PARTITION,
          ]
        : [],
    );

    await knex.migrate.down(migration);
    expect(await stored()).toEqual(before);
  });
  it('finds calls by a hash index on the id instead of a primary key on PostgreSQL, and back', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    const postgres = knex.client.dialect === 'postgresql';
    const callIndexes = async () =>
      postgres
        ? (
            await knex.raw(
              `SELECT c.relname AS name, am.amname AS method, i.indisprimary AS primary
               FROM pg_index i
               JOIN pg_class c ON c.oid = i.indexrelid
               JOIN pg_am am ON am.oid = c.relam
               WHERE i.indrelid = 'llm_usage_calls'::regclass
                 AND (i.indisprimary OR c.relname = 'llm_usage_calls_id_idx')`,
            )
          ).rows
        : [];
    expect(await callIndexes()).toEqual(
      postgres
        ? [{ name: 'llm_usage_calls_id_idx', method: 'hash', primary: false }]
        : [],
    );
    const now = Date.now();
    await knex('llm_usage_calls').insert([
      callRow('call-a', now - 40 * DAY_MS),
      callRow('call-b', now),
    ]);

    await knex.migrate.down(ID_HASH_INDEX);
    expect(await callIndexes()).toEqual(
      postgres
        ? [{ name: 'llm_usage_calls_pkey', method: 'btree', primary: true }]
        : [],
    );
    expect(await knex('llm_usage_calls').pluck('id').orderBy('id')).toEqual([
      'call-a',
      'call-b',
    ]);
    await knex.migrate.up(ID_HASH_INDEX);
    expect(await callIndexes()).toHaveLength(postgres ? 1 : 0);
  });

  it('marks only the hours with calls dirty when the days of raw-only detail go, though they start at 0', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    const day = Date.UTC(2026, 10, 3);
    await knex('llm_usage_calls').insert([
      callRow('in-a', day + 3_600_000 + 5),
      callRow('in-b', day + 3_600_000 + 9),
      callRow('in-c', day + 5 * 3_600_000),
      callRow('after', day + DAY_MS + 60_000),
    ]);
    await knex('llm_usage_rollup_state').insert({
      id: 'calls',
      rolled_until: day + 2 * DAY_MS,
      updated_at: 0,
      raw_detail_from: 0,
      raw_detail_until: day + DAY_MS,
    });

    await knex.migrate.down({
      directory: MIGRATIONS_DIRECTORY,
      name: '20261206030000_rollup_raw_detail_days.js',
    });
    const dirty = await knex('llm_usage_rollup_dirty_hours')
      .orderBy('hour_start')
      .pluck('hour_start');
    expect(dirty.map(Number)).toEqual([day + 3_600_000, day + 5 * 3_600_000]);
  });
});

describe('test database setup', () => {
  it('runs PostgreSQL in CI, so every database test covers both', () => {
    const postgres = Boolean(
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    );
    // CI without PostgreSQL would silently test SQLite only.
    expect({ ci: Boolean(process.env.CI) && !postgres }).toEqual({ ci: false });
    expect(databases.eachSupportedId().map(([id]) => id)).toEqual(
      postgres ? ['POSTGRES_15', 'SQLITE_3'] : ['SQLITE_3'],
    );
  });
});

/** Undoes the migrations from the latest down to `name`, that one too. */
async function migrateDownThrough(knex: Knex, name: string) {
  for (;;) {
    const [, undone]: [number, string[]] = await knex.migrate.down({
      directory: MIGRATIONS_DIRECTORY,
    });
    if (undone.length === 0 || undone.includes(name)) return;
  }
}

/** A rollup row of one call at `level`, collapsed dimensions '*'. */
function hourlyRow(level: string, hourStart: number) {
  return {
    hour_start: hourStart,
    level,
    user_ref: level === 'detail' ? 'user:default/ada' : '*',
    project_id: level === 'model' ? '*' : 'payments',
    api_key_id: level === 'detail' ? '' : '*',
    provider: 'openai',
    model: 'gpt-4o',
    currency: 'USD',
    call_count: 1,
    success_count: 1,
    failed_count: 0,
    processing_count: 0,
    input_tokens: 10,
    output_tokens: 5,
    cached_tokens: 0,
    cost_nanos: 1000,
    latency_count: 1,
    latency_sum_ms: 800,
    ttft_count: 0,
    ttft_sum_ms: 0,
    latency_sketch: '[0,1,1]',
    last_call_at: hourStart + 60_000,
  };
}

/** A stored call row with what the calls table requires. */
function callRow(id: string, occurredAt: number) {
  return {
    id,
    occurred_at: occurredAt,
    user_ref: 'user:default/ada',
    project_id: 'payments',
    provider: 'openai',
    model: 'gpt-4o',
    type: 'chat',
    status: 'success',
    currency: 'USD',
    cost_nanos: 1_500_000,
    metadata: JSON.stringify({ route: id }),
    received_at: occurredAt,
    updated_at: occurredAt,
  };
}
