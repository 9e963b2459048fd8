import fc from 'fast-check';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
  randomCalls,
} from '../__testUtils__/databases';
import { readDescribed } from '../__testUtils__/usageReads';
import { AnomalyReader } from '../anomalies/AnomalyReader';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  DAY_MS as DAY,
  HOURLY_TABLE,
  HOUR_MS as HOUR,
  dayStartOf,
} from '../database/tables';
import type { VisibilityScope } from '../database/types';
import { RawCallRetention } from '../retention/RawCallRetention';
import { KeyUseReader } from '../rotation/KeyUseReader';
import { type AggregateRequest, UsageQueries } from '../usage/UsageQueries';
import { CallRollup } from './CallRollup';
import { detailRowsIn, rawDetailDaysFor } from './rawDetailDays';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const START = Date.UTC(2026, 9, 1);
const NOW = START + 6 * DAY + 2 * HOUR;
const PROJECTS = ['support-bot', 'code-review', 'docs'];
const KEYS = ['key-a', 'key-b', 'key-c', ''];
const SCOPES: VisibilityScope[] = [
  { kind: 'all' },
  { kind: 'restricted', userRef: 'user:default/alice', projectIds: ['docs'] },
  { kind: 'restricted', userRef: 'user:default/bob', projectIds: [] },
];
/** Reads at every level, whole days, hours of days a zone cuts, and edges. */
const REQUESTS: Array<Omit<AggregateRequest, 'scope'>> = [
  { from: START, to: NOW, groupBy: ['project'], withLatency: true },
  { from: START, to: NOW, groupBy: ['user'], withLatency: true },
  { from: START, to: NOW, groupBy: ['model'], withLatency: true },
  {
    from: START + 5 * HOUR,
    to: START + 5 * DAY + 7 * HOUR,
    userRefs: ['user:default/carol'],
    groupBy: ['project', 'model'],
  },
  {
    from: START + 3 * HOUR,
    to: NOW,
    projectId: 'code-review',
    withLatency: true,
  },
  // Days of a UTC+8 zone: every day is read as hours.
  {
    from: START - 8 * HOUR,
    to: START + 5 * DAY + 16 * HOUR,
    groupBy: ['user'],
    buckets: Array.from({ length: 6 }, (_, d) => START - 8 * HOUR + d * DAY),
    withLatency: true,
  },
];
/** Edges a minute into an hour: read from raw calls whatever is rolled. */
const MINUTE_EDGES: Array<Omit<AggregateRequest, 'scope'>> = [
  {
    from: START + 5 * HOUR + 60_000,
    to: START + 4 * DAY + 3 * HOUR + 60_000,
    groupBy: ['user', 'project'],
    withLatency: true,
  },
];

describe.each(databases.eachSupportedId())(
  'detail of older days kept in raw calls only, on %p',
  databaseId => {
    async function setup() {
      const stores = await migratedStores(await databases.init(databaseId));
      const calls = randomCalls({
        count: 1500,
        from: START,
        hours: 6 * 24,
        seed: 11,
        projects: PROJECTS,
      }).map((call, i) => ({ ...call, apiKeyId: KEYS[i % KEYS.length] }));
      await stores.calls.ingest(calls);
      // Every day's detail rows, as without the setting.
      await new CallRollup(stores.rollups).run(NOW);
      const uncached = new UsageQueries(stores.knex, stores.rollups, {
        cache: false,
      });
      const readAll = (
        queries: UsageQueries,
        requests = [...REQUESTS, ...MINUTE_EDGES],
      ) => readDescribed(queries, SCOPES, requests);
      const detailRows = async (table: string, time: string, before: number) =>
        Number(
          (
            await stores
              .knex(table)
              .where('level', 'detail')
              .where(time, '<', before)
              .count({ n: '*' })
          )[0].n,
        );
      const pruning = (options: { rawCallsDays?: number } = {}) =>
        new CallRollup(stores.rollups, undefined, undefined, undefined, {
          detailDays: 2,
          ...options,
        });
      return { ...stores, uncached, readAll, detailRows, pruning };
    }

    it('answers every read as before once the detail rows of older days are gone', async () => {
      const { knex, rollups, queries, uncached, readAll, detailRows, pruning } =
        await setup();
      const expected = await readAll(uncached);
      const keyUse = new KeyUseReader(knex);
      const anomalies = new AnomalyReader(knex);
      const lastUses = () =>
        Promise.all(
          KEYS.slice(0, 3).map(id =>
            keyUse.lastUse(
              { id, accountId: 'acct', providerKeyId: null },
              START + 2 * HOUR,
              NOW,
            ),
          ),
        );
      const anomalyData = () =>
        anomalies.read({ now: NOW, weeks: 1, windowHours: 6, leakedDays: 3 });
      // What reconciliation sums: each key's cost per day.
      const keyDays = async () =>
        (
          await detailRowsIn(knex, {
            table: 'daily',
            span: [START, NOW],
            rawDetailDays: (await rollups.getState()).rawDetailDays,
          })
            .select('api_key_id', 'day_start', 'currency')
            .count({ calls: '*' })
            .sum({ cost: 'cost_nanos' })
            .groupBy('api_key_id', 'day_start', 'currency')
        )
          .map(row =>
            JSON.stringify([
              row.api_key_id,
              Number(row.day_start),
              row.currency,
              String(row.cost),
            ]),
          )
          .sort();
      const [keyUsesBefore, anomaliesBefore, keyDaysBefore] = await Promise.all(
        [lastUses(), anomalyData(), keyDays()],
      );
      const oldDays = START + 5 * DAY;
      expect(
        await detailRows(HOURLY_TABLE, 'hour_start', oldDays),
      ).toBeGreaterThan(0);

      // The first run announces the days; readers read them raw from then on.
      await pruning().run(NOW);
      expect((await rollups.getState()).rawDetailDays).toEqual([0, oldDays]);
      expect(
        await detailRows(HOURLY_TABLE, 'hour_start', oldDays),
      ).toBeGreaterThan(0);
      expect(await readAll(uncached)).toEqual(expected);

      // The next deletes their rows.
      await pruning().run(NOW + HOUR);
      expect(await detailRows(HOURLY_TABLE, 'hour_start', oldDays)).toBe(0);
      expect(await detailRows(DAILY_TABLE, 'day_start', oldDays)).toBe(0);
      // The newest days keep theirs, and every day its coarser levels.
      expect(await detailRows(HOURLY_TABLE, 'hour_start', NOW)).toBeGreaterThan(
        0,
      );
      const coarse = await knex(DAILY_TABLE)
        .where('day_start', '<', oldDays)
        .whereIn('level', ['project', 'model'])
        .count({ n: '*' });
      expect(Number(coarse[0].n)).toBeGreaterThan(0);

      expect(await readAll(uncached)).toEqual(expected);
      expect(await readAll(queries)).toEqual(expected);
      expect(await lastUses()).toEqual(keyUsesBefore);
      expect(await anomalyData()).toEqual(anomaliesBefore);
      expect(await keyDays()).toEqual(keyDaysBefore);
    });

    it('rolls a late call into such a day with the whole day, and writes the rows back when the setting goes', async () => {
      const { calls, rollups, uncached, readAll, detailRows, pruning } =
        await setup();
      await pruning().run(NOW);
      await pruning().run(NOW + HOUR);

      const late = makeCall({
        id: 'late',
        occurredAt: START + DAY + 3 * HOUR + 5_000,
        userRef: 'user:default/carol',
        projectId: 'code-review',
        costNanos: 7_000_000n,
      });
      await calls.ingest([late]);
      await pruning().run(NOW + 2 * HOUR);
      expect(
        await detailRows(HOURLY_TABLE, 'hour_start', START + 5 * DAY),
      ).toBe(0);
      expect(await detailRows(DAILY_TABLE, 'day_start', START + 5 * DAY)).toBe(
        0,
      );
      const withRawDetail = await readAll(uncached);
      const total = (
        await uncached.aggregate({
          scope: { kind: 'all' },
          from: START,
          to: NOW,
        })
      )[0].usage.counters.calls;
      expect(total).toBe(1501);

      // Without the setting, the days get their detail rows back from the
      // raw calls, and the reads are the same from the rollups alone.
      await new CallRollup(rollups).run(NOW + 2 * HOUR);
      expect(
        await detailRows(HOURLY_TABLE, 'hour_start', START + 5 * DAY),
      ).toBeGreaterThan(0);
      expect(await readAll(uncached)).toEqual(withRawDetail);
    });

    it('keeps raw calls from retention until their days have their detail rows again', async () => {
      const { knex, uncached, readAll, detailRows, pruning } = await setup();
      const expected = await readAll(uncached, REQUESTS);
      await pruning().run(NOW);
      await pruning().run(NOW + HOUR);

      // Retention of 3 days may not delete days whose detail rows are gone.
      const retention = new RawCallRetention(knex, 3);
      expect((await retention.run(NOW + HOUR)).deleted).toBe(0);

      // With retention known to the rollup, its days get their rows back,
      // and retention then deletes their raw calls.
      await pruning({ rawCallsDays: 3 }).run(NOW + 2 * HOUR);
      const cutoff = START + 3 * DAY;
      expect(
        await detailRows(HOURLY_TABLE, 'hour_start', cutoff),
      ).toBeGreaterThan(0);
      expect(
        await detailRows(HOURLY_TABLE, 'hour_start', START + 5 * DAY),
      ).toBe(await detailRows(HOURLY_TABLE, 'hour_start', cutoff));
      expect((await retention.run(NOW + 2 * HOUR)).deleted).toBeGreaterThan(0);
      const left = await knex(CALLS_TABLE).min({ at: 'occurred_at' });
      expect(Number(left[0].at)).toBeGreaterThanOrEqual(cutoff);

      expect(await readAll(uncached, REQUESTS)).toEqual(expected);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'any read with and without the detail rows of older days, on %p',
  databaseId => {
    const MINUTE = 60_000;
    /** Days of a zone `offset` minutes east of UTC, over [from, to). */
    const zoneDays = (from: number, to: number, offset: number) => {
      const shift = offset * MINUTE;
      const days: number[] = [];
      for (let day = dayStartOf(from + shift) - shift; day < to; day += DAY) {
        days.push(day);
      }
      return days;
    };
    const requests = fc
      .record({
        from: fc.integer({ min: -60, max: 6 * 24 * 60 }),
        length: fc.integer({ min: 1, max: 6 * 24 * 60 }),
        groupBy: fc.subarray(['project', 'user', 'model', 'provider'] as const),
        userRefs: fc.option(
          fc.subarray(['user:default/alice', 'user:default/carol'], {
            minLength: 1,
          }),
          { nil: undefined },
        ),
        projectId: fc.option(fc.constantFrom(...PROJECTS), { nil: undefined }),
        zoneOffset: fc.option(
          fc.integer({ min: -22, max: 28 }).map(half => half * 30),
          { nil: undefined },
        ),
        withLatency: fc.boolean(),
        scope: fc.constantFrom(...SCOPES),
      })
      .map(({ from, length, zoneOffset, ...rest }): AggregateRequest => {
        const start = START + from * MINUTE;
        const end = start + length * MINUTE;
        return {
          ...rest,
          groupBy: [...rest.groupBy],
          from: start,
          to: end,
          ...(zoneOffset === undefined
            ? {}
            : { buckets: zoneDays(start, end, zoneOffset) }),
        };
      });

    it('answers alike', async () => {
      const calls = randomCalls({
        count: 800,
        from: START,
        hours: 6 * 24,
        seed: 5,
        projects: PROJECTS,
      });
      const stores = async (detailDays?: number) => {
        const migrated = await migratedStores(await databases.init(databaseId));
        await migrated.calls.ingest(calls);
        const rollup = new CallRollup(
          migrated.rollups,
          undefined,
          undefined,
          undefined,
          { detailDays },
        );
        await rollup.run(NOW);
        await rollup.run(NOW + HOUR);
        return new UsageQueries(migrated.knex, migrated.rollups, {
          cache: false,
        });
      };
      const [kept, pruned] = [await stores(), await stores(1)];
      await fc.assert(
        fc.asyncProperty(requests, async ({ scope, ...request }) => {
          expect(await readDescribed(pruned, [scope], [request])).toEqual(
            await readDescribed(kept, [scope], [request]),
          );
        }),
        { numRuns: 40 },
      );
    });
  },
);

describe('rawDetailDaysFor', () => {
  const base = {
    now: NOW,
    detailDays: 2,
    rolledUntil: NOW - 2 * HOUR,
    rawCallsSince: 0,
  };

  it('leaves the last detailDays UTC days, today included, and whole rolled days only', () => {
    expect(rawDetailDaysFor(base)).toEqual([0, START + 5 * DAY]);
    expect(rawDetailDaysFor({ ...base, detailDays: 1 })).toEqual([
      0,
      START + 6 * DAY,
    ]);
    expect(
      rawDetailDaysFor({
        ...base,
        detailDays: 1,
        rolledUntil: START + DAY + HOUR,
      }),
    ).toEqual([0, START + DAY]);
  });

  it('starts where raw calls are kept, and after the days retention deletes next', () => {
    expect(
      rawDetailDaysFor({ ...base, rawCallsSince: START + 2 * DAY + HOUR }),
    ).toEqual([START + 3 * DAY, START + 5 * DAY]);
    expect(rawDetailDaysFor({ ...base, rawCallsDays: 4 })).toEqual([
      START + 2 * DAY,
      START + 5 * DAY,
    ]);
    expect(rawDetailDaysFor({ ...base, rawCallsDays: 1 })).toBeUndefined();
  });
});
