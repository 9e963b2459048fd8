import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import { RawCallRetention } from '../retention/RawCallRetention';
import { CallRollup } from '../rollup/CallRollup';
import { monthStartOf } from '../time/months';
import { UsageService } from '../usage/UsageService';
import { ProjectDirectory } from '../visibility/ProjectDirectory';
import { DEFAULT_CALL_PARTITION, callPartitionName } from './callPartitions';
import { CALLS_TABLE, DAY_MS, HOUR_MS } from './tables';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const all = { kind: 'all' } as const;

/** Each stored row of the id: its time and, on PostgreSQL, its partition. */
async function rowsOf(knex: Knex, id: string) {
  const postgres = knex.client.dialect === 'postgresql';
  const rows = await knex(CALLS_TABLE)
    .where('id', id)
    .select(
      'occurred_at',
      'status',
      ...(postgres ? [knex.raw('tableoid::regclass::text AS partition')] : []),
    );
  return rows.map(row => ({
    occurredAt: Number(row.occurred_at),
    status: row.status,
    ...(postgres ? { partition: row.partition } : {}),
  }));
}

describe.each(databases.eachSupportedId())('call partitions on %p', id => {
  const postgres = id.startsWith('POSTGRES');
  /** The partition a call of `time` is in on PostgreSQL; nothing on SQLite. */
  const inPartition = (name: string) => (postgres ? { partition: name } : {});

  it('keeps one row per id when a completion or a repeat comes with a time in another month', async () => {
    const knex = await databases.init(id);
    const { calls } = await migratedStores(knex);
    const october = Date.UTC(2026, 9, 31, 23, 30);
    const november = Date.UTC(2026, 10, 1, 0, 10);

    await calls.ingest([
      makeCall({ id: 'x', status: 'processing', occurredAt: october }),
    ]);
    const completed = await calls.ingest([
      makeCall({ id: 'x', status: 'success', occurredAt: november }),
    ]);
    expect(completed).toMatchObject({ inserted: 0, completed: 1 });
    const moved = [
      {
        occurredAt: november,
        status: 'success',
        ...inPartition(callPartitionName(Date.UTC(2026, 10, 1))),
      },
    ];
    expect(await rowsOf(knex, 'x')).toEqual(moved);

    // A finished call is final, whatever time a repeat names.
    const repeated = await calls.ingest([
      makeCall({ id: 'x', occurredAt: Date.UTC(2026, 11, 1, 8) }),
      makeCall({ id: 'y', occurredAt: Date.UTC(2026, 9, 15) }),
    ]);
    expect(repeated).toMatchObject({ inserted: 1, unchanged: 1 });
    expect(
      await calls.ingest([
        makeCall({ id: 'y', occurredAt: Date.UTC(2026, 8, 15) }),
      ]),
    ).toMatchObject({ inserted: 0, unchanged: 1 });
    expect(await rowsOf(knex, 'x')).toEqual(moved);
    expect(await rowsOf(knex, 'y')).toEqual([
      {
        occurredAt: Date.UTC(2026, 9, 15),
        status: 'success',
        ...inPartition(callPartitionName(Date.UTC(2026, 9, 1))),
      },
    ]);
  });

  it('stores an id once when batches race to write it with times in different months', async () => {
    const knex = await databases.init(id);
    const { calls } = await migratedStores(knex);
    const now = Date.now();
    const months = Array.from({ length: 8 }, (_, i) => monthStartOf(now, -i));
    // Every month's partition first, so that the batches below race only on
    // the call they share.
    await calls.ingest(
      months.map((month, i) =>
        makeCall({ id: `warm-${i}`, occurredAt: month }),
      ),
    );

    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        months.map((month, i) =>
          calls.ingest([
            makeCall({ id: `raced-${round}`, occurredAt: month + HOUR_MS }),
            makeCall({ id: `own-${round}-${i}`, occurredAt: month + DAY_MS }),
          ]),
        ),
      );
      expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(9);
      expect(await rowsOf(knex, `raced-${round}`)).toHaveLength(1);
    }
    const [{ n }] = await knex(CALLS_TABLE).count({ n: '*' });
    expect(Number(n)).toBe(8 + 5 * 9);
  });

  if (!postgres) return;

  it('puts calls of months far from today in the default partition, and keeps a month there once it holds calls', async () => {
    const knex = await databases.init(id);
    const { calls } = await migratedStores(knex);
    const now = Date.now();
    const recent = monthStartOf(now, -2) + 3 * DAY_MS;
    const distant = monthStartOf(now, -60) + 3 * DAY_MS;
    // A month in the window whose calls reached the default partition
    // before it had a partition of its own (written around the store).
    const early = monthStartOf(now, -20) + 3 * DAY_MS;
    await knex(CALLS_TABLE).insert({
      id: 'around',
      occurred_at: early,
      user_ref: 'user:default/alice',
      project_id: 'support-bot',
      provider: 'openai',
      model: 'gpt-4o',
      type: 'chat',
      status: 'success',
      currency: 'USD',
      received_at: now,
      updated_at: now,
    });

    await calls.ingest([
      makeCall({ id: 'recent', occurredAt: recent }),
      makeCall({ id: 'distant', occurredAt: distant }),
      makeCall({ id: 'early', occurredAt: early + HOUR_MS }),
    ]);

    const partitionOf = async (callId: string) =>
      (await rowsOf(knex, callId))[0].partition;
    expect(await partitionOf('recent')).toBe(
      callPartitionName(monthStartOf(recent)),
    );
    expect(await partitionOf('distant')).toBe(DEFAULT_CALL_PARTITION);
    expect(await partitionOf('around')).toBe(DEFAULT_CALL_PARTITION);
    expect(await partitionOf('early')).toBe(DEFAULT_CALL_PARTITION);
    const [{ found }] = (
      await knex.raw('SELECT to_regclass(?) AS found', [
        callPartitionName(monthStartOf(early)),
      ])
    ).rows;
    expect(found).toBeNull();
  });

  it('retention drops a month wholly before its cutoff as a table; every summary stays the same', async () => {
    const knex = await databases.init(id);
    const { calls, rollups, queries } = await migratedStores(knex);
    const now = Date.now();
    const oldest = monthStartOf(now, -3);
    const middle = monthStartOf(now, -2);
    await calls.ingest(
      [oldest, middle, monthStartOf(now, -1)].flatMap((month, m) =>
        Array.from({ length: 20 }, (_, i) =>
          makeCall({
            id: `call-${m}-${i}`,
            occurredAt: month + i * DAY_MS + 5 * HOUR_MS,
          }),
        ),
      ),
    );
    await new CallRollup(rollups).run(now);
    const projects = new ProjectDirectory(
      catalogServiceMock({ entities: [] }),
      {
        getOwnServiceCredentials: async () => mockCredentials.service(),
      } as any,
    );
    const usage = new UsageService(queries, calls, projects);
    const range = { from: oldest, to: now };
    const before = await usage.overview(all, range);
    // The cutoff falls on day 10 of the middle month.
    const cutoff = middle + 10 * DAY_MS;
    const days = Math.ceil((now - cutoff) / DAY_MS);
    const expectedCutoff = Math.floor((now - days * DAY_MS) / DAY_MS) * DAY_MS;

    const result = await new RawCallRetention(knex, days).run(now);

    expect(result.rawCallsSince).toBe(expectedCutoff);
    const [{ n: left }] = await knex(CALLS_TABLE)
      .where('occurred_at', '<', expectedCutoff)
      .count({ n: '*' });
    expect(Number(left)).toBe(0);
    // 20 calls of the oldest month and those of the middle one before the cutoff.
    const middleBefore = Math.ceil(
      (expectedCutoff - middle - 5 * HOUR_MS) / DAY_MS,
    );
    expect(result.deleted).toBe(20 + middleBefore);
    const [{ found }] = (
      await knex.raw('SELECT to_regclass(?) AS found', [
        callPartitionName(oldest),
      ])
    ).rows;
    expect(found).toBeNull();
    expect(await usage.overview(all, range)).toEqual(before);
  });
});
