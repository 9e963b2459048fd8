import type { Knex } from 'knex';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
  randomCalls,
} from '../__testUtils__/databases';
import {
  DAILY_TABLE,
  DAY_MS as DAY,
  HOURLY_TABLE,
  HOUR_MS as HOUR,
  PROJECT_DAYS_TABLE,
} from '../database/tables';
import type { VisibilityScope } from '../database/types';
import { readDescribed } from '../__testUtils__/usageReads';
import { CallRollup } from '../rollup/CallRollup';
import { type AggregateRequest, UsageQueries } from './UsageQueries';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const START = Date.UTC(2026, 9, 1);
const PROJECTS = ['support-bot', 'code-review', 'docs'];
const SCOPES: VisibilityScope[] = [
  { kind: 'all' },
  {
    kind: 'restricted',
    userRef: 'user:default/alice',
    projectIds: ['docs'],
  },
];
/**
 * Days of a UTC+8 zone over whole UTC days: none is a UTC day, so they are
 * read as hours.
 */
const ZONE_DAYS: Omit<AggregateRequest, 'scope'> = {
  from: START,
  to: START + 3 * DAY,
  groupBy: ['project'],
  buckets: [-1, 0, 1, 2].map(day => START + 16 * HOUR + day * DAY),
  withLatency: true,
};
/** Whole rolled days and edges of hourly rows and raw calls. */
const REQUESTS: Array<Omit<AggregateRequest, 'scope'>> = [
  { from: START, to: START + 4 * DAY, groupBy: ['project'], withLatency: true },
  {
    from: START + 5 * HOUR + 60_000,
    to: START + 4 * DAY + 3 * HOUR,
    groupBy: ['model'],
    withLatency: true,
  },
  {
    from: START,
    to: START + 4 * DAY,
    buckets: [START, START + DAY + 8 * HOUR, START + 3 * DAY],
  },
  ZONE_DAYS,
  // Buckets that cut the partial first and last days' hours.
  {
    from: START + 5 * HOUR,
    to: START + 4 * DAY + 2 * HOUR,
    groupBy: ['project'],
    buckets: [START + 5 * HOUR, START + 13 * HOUR, START + 4 * DAY + HOUR],
  },
];

/** Statements made while recording that touch the given tables. */
function recordReadsOf(knex: Knex, tables: string[]) {
  const statements: Array<{ sql: string; bindings: unknown[] }> = [];
  const listener = (query: { sql: string; bindings?: unknown[] }) => {
    if (tables.some(table => query.sql.includes(table))) {
      statements.push({ sql: query.sql, bindings: query.bindings ?? [] });
    }
  };
  knex.on('query', listener);
  return {
    stop: () => {
      knex.removeListener('query', listener);
      return statements;
    },
  };
}

const DAILY_TABLES = [DAILY_TABLE, PROJECT_DAYS_TABLE];

/** The hours of the test's calls that recorded statements name. */
function hoursNamedBy(statements: Array<{ bindings: unknown[] }>): Set<number> {
  return new Set(
    statements
      .flatMap(statement => statement.bindings)
      .map(Number)
      .filter(value => value >= START),
  );
}

describe.each(databases.eachSupportedId())(
  'sums of whole rolled days on %p',
  databaseId => {
    async function setup() {
      const stores = await migratedStores(await databases.init(databaseId));
      await stores.calls.ingest(
        randomCalls({
          count: 1200,
          from: START,
          hours: 4 * 24,
          seed: 7,
          projects: PROJECTS,
        }),
      );
      const rollup = new CallRollup(stores.rollups);
      await rollup.run(START + 4 * DAY + 2 * HOUR);
      // Reads meant for the background wait for the test, so that none
      // runs while a test records what a read reads.
      const background: Array<() => Promise<unknown>> = [];
      const queries = new UsageQueries(stores.knex, stores.rollups, {
        runInBackground: work => background.push(work),
      });
      // Another replica's reads, never cached: what the cached ones must equal.
      const uncached = new UsageQueries(stores.knex, stores.rollups, {
        cache: false,
      });
      const readAll = (reader: UsageQueries, requests = REQUESTS) =>
        readDescribed(reader, SCOPES, requests);
      return { ...stores, queries, background, rollup, uncached, readAll };
    }

    it('stay cached across an hourly rollup that rewrites only the current day', async () => {
      const { knex, calls, rollups, rollup, queries, uncached, readAll } =
        await setup();
      const first = await readAll(queries);
      expect(first).toEqual(await readAll(uncached));
      const before = await rollups.getState();

      // A call in today's open hour, then the rollup that closes that hour.
      await calls.ingest([
        makeCall({
          id: 'today',
          occurredAt: START + 4 * DAY + 2 * HOUR + 60_000,
        }),
      ]);
      await rollup.run(START + 4 * DAY + 3 * HOUR);
      const after = await rollups.getState();
      expect(after.generation).toBeGreaterThan(before.generation);
      expect(after.daysGeneration).toBe(before.daysGeneration);
      // The hour it closed was never read as rolled: it has no new version.
      expect(after.hoursGeneration).toBe(before.hoursGeneration);
      expect(await rollups.rewrittenHoursSince(-1)).toEqual([]);

      const dailyReads = recordReadsOf(knex, DAILY_TABLES);
      const second = await readAll(queries);
      expect(dailyReads.stop()).toEqual([]);
      expect(second).toEqual(await readAll(uncached));
      // The call of today's hour is in the read that reaches it.
      expect(second).not.toEqual(first);
    });

    it('keep hours of days rolled whole across an hourly rollup', async () => {
      const { knex, calls, rollup, queries, uncached, readAll } = await setup();
      const zoneDays = [ZONE_DAYS];
      await readAll(queries, zoneDays);

      await calls.ingest([
        makeCall({ id: 'today', occurredAt: START + 4 * DAY + 2 * HOUR }),
      ]);
      await rollup.run(START + 4 * DAY + 3 * HOUR);

      const rollupReads = recordReadsOf(knex, [HOURLY_TABLE, ...DAILY_TABLES]);
      const second = await readAll(queries, zoneDays);
      expect(rollupReads.stop()).toEqual([]);
      expect(second).toEqual(await readAll(uncached, zoneDays));
    });

    it('read only the hour that entered the range after an hourly rollup', async () => {
      const { knex, calls, rollup, queries, uncached, readAll } = await setup();
      const startingAt = (hour: number) => [
        { ...ZONE_DAYS, from: START + hour * HOUR },
        { ...REQUESTS[1], from: START + hour * HOUR },
        // The period before, as an overview compares with: both ends move.
        {
          ...REQUESTS[0],
          from: START + hour * HOUR,
          to: START + 2 * DAY + hour * HOUR,
        },
      ];
      await readAll(queries, startingAt(5));
      await calls.ingest([
        makeCall({ id: 'today', occurredAt: START + 4 * DAY + 2 * HOUR }),
      ]);
      await rollup.run(START + 4 * DAY + 3 * HOUR);

      // The range moved by an hour (backwards here, so no new calls).
      const dailyReads = recordReadsOf(knex, DAILY_TABLES);
      const hourlyReads = recordReadsOf(knex, [HOURLY_TABLE]);
      const second = await readAll(queries, startingAt(4));
      expect(dailyReads.stop()).toEqual([]);
      const hoursRead = hoursNamedBy(hourlyReads.stop());
      // The new hour and the hour the rollup closed (the hour that left the
      // range at the end is kept, not read).
      expect(hoursRead).toEqual(
        new Set([START + 4 * HOUR, START + 4 * DAY + 2 * HOUR]),
      );
      expect(second).toEqual(await readAll(uncached, startingAt(4)));
    });

    it('keep their sums when the moving range gains or loses a bucket', async () => {
      const { knex, queries, uncached, readAll } = await setup();
      const hourBuckets = (from: number, to: number) =>
        Array.from({ length: (to - from) / HOUR }, (_, i) => from + i * HOUR);
      const movedBack = (hours: number) => {
        const from = START + (17 - hours) * HOUR;
        const to = START + 2 * DAY + (17 - hours) * HOUR;
        return [
          // Hourly trends: every hour the range moves adds a bucket and
          // drops one.
          { from, to, buckets: hourBuckets(from, to), withLatency: true },
          // Days of a UTC+8 zone: before 16:00 UTC the range's first day
          // starts a day earlier.
          {
            ...ZONE_DAYS,
            from,
            buckets: ZONE_DAYS.buckets!.filter(
              (_start, i, all) => all[i + 1] === undefined || all[i + 1] > from,
            ),
          },
        ];
      };
      expect(movedBack(0)[1].buckets![0]).toBe(START + 16 * HOUR);
      expect(movedBack(2)[1].buckets![0]).toBe(START - 8 * HOUR);
      await readAll(queries, movedBack(0));

      const hourlyReads = recordReadsOf(knex, [HOURLY_TABLE]);
      const moved = await readAll(queries, movedBack(2));
      // Only the two hours that entered the range at its start.
      expect(hoursNamedBy(hourlyReads.stop())).toEqual(
        new Set([START + 15 * HOUR, START + 16 * HOUR]),
      );
      expect(moved).toEqual(await readAll(uncached, movedBack(2)));
    });

    it('read only the day that entered when the range gains a whole day', async () => {
      const { knex, rollups, uncached, readAll } = await setup();
      // Reads meant for the background, run when the test says.
      const background: Array<() => Promise<unknown>> = [];
      const reader = () =>
        new UsageQueries(knex, rollups, {
          runInBackground: work => background.push(work),
        });
      const endingAt = (to: number) =>
        [REQUESTS[0], REQUESTS[1]].map(request => ({
          ...request,
          from: to - 3 * DAY,
          to,
        }));
      const hoursRead = async (
        queries: UsageQueries,
        before: number,
        after: number,
      ) => {
        await readAll(queries, endingAt(before));
        const dailyReads = recordReadsOf(knex, DAILY_TABLES);
        const hourlyReads = recordReadsOf(knex, [HOURLY_TABLE]);
        const moved = await readAll(queries, endingAt(after));
        const hours = {
          daily: hoursNamedBy(dailyReads.stop()),
          hourly: hoursNamedBy(hourlyReads.stop()),
        };
        expect(moved).toEqual(await readAll(uncached, endingAt(after)));
        return hours;
      };
      // Moved back across midnight, whole days [2, 4) become [1, 4): of the
      // day that entered at the start, 23 hours were cached as the first
      // day's blocks; only its first hour is read.
      expect(
        await hoursRead(reader(), START + 4 * DAY + HOUR, START + 4 * DAY),
      ).toEqual({ daily: new Set(), hourly: new Set([START + DAY]) });

      // Moved on across midnight, [1, 3) become [1, 4): only the last hour
      // of the day that entered at the end.
      background.length = 0;
      const onwards = reader();
      expect(
        await hoursRead(onwards, START + 4 * DAY - HOUR, START + 4 * DAY),
      ).toEqual({
        daily: new Set(),
        hourly: new Set([START + 4 * DAY - HOUR]),
      });
      // An hour later the range loses the day at its start: [2, 4) was read
      // in the background meanwhile, once for each of the four reads (and
      // so were the blocks of that step's first day, cut at 01:00, and the
      // days [1, 3) with the first 23 hours of day 3, at 23:00).
      expect(background).toHaveLength(12);
      await Promise.all(background.map(work => work()));
      expect(
        (await hoursRead(onwards, START + 4 * DAY, START + 4 * DAY + HOUR))
          .daily,
      ).toEqual(new Set());

      // Moved back by half a day, [2, 4) become [1, 4): with 12 of its
      // hours cached, the day that entered is read whole.
      expect(
        (
          await hoursRead(
            reader(),
            START + 4 * DAY + 12 * HOUR,
            START + 4 * DAY,
          )
        ).daily,
      ).toEqual(new Set([START + DAY, START + 2 * DAY]));
    });

    /** Three days of a UTC+8 zone, each cut at 16:00 UTC, and three whole UTC days. */
    const threeDaysEndingAt = (to: number) =>
      [
        REQUESTS[0],
        {
          ...ZONE_DAYS,
          buckets: [-1, 0, 1, 2, 3].map(day => START + 16 * HOUR + day * DAY),
        },
      ].map(request => ({ ...request, from: to - 3 * DAY, to }));

    it('put the day that entered together from its cached hours', async () => {
      const { knex, queries, uncached, readAll } = await setup();
      // An hour before midnight: the last day's 23 hours are cached in blocks.
      await readAll(queries, threeDaysEndingAt(START + 4 * DAY - HOUR));

      const dailyReads = recordReadsOf(knex, DAILY_TABLES);
      const hourlyReads = recordReadsOf(knex, [HOURLY_TABLE]);
      const moved = await readAll(queries, threeDaysEndingAt(START + 4 * DAY));
      // The day that entered is those blocks and its last hour.
      expect(dailyReads.stop()).toEqual([]);
      expect(hoursNamedBy(hourlyReads.stop())).toEqual(
        new Set([START + 4 * DAY - HOUR]),
      );
      expect(moved).toEqual(
        await readAll(uncached, threeDaysEndingAt(START + 4 * DAY)),
      );
    });

    it('add only the last hour to the days merged with the day that entered at 23:00', async () => {
      const { knex, queries, background, uncached, readAll } = await setup();
      await readAll(queries, threeDaysEndingAt(START + 4 * DAY - HOUR));
      // Meanwhile, the settled days [1, 3) were merged with day 3's first
      // 23 hours.
      await Promise.all(background.splice(0).map(work => work()));

      const dailyReads = recordReadsOf(knex, DAILY_TABLES);
      const hourlyReads = recordReadsOf(knex, [HOURLY_TABLE]);
      const blocksSummed = jest.spyOn(queries as any, 'sumBlocks');
      const moved = await readAll(queries, threeDaysEndingAt(START + 4 * DAY));
      expect(dailyReads.stop()).toEqual([]);
      expect(hoursNamedBy(hourlyReads.stop())).toEqual(
        new Set([START + 4 * DAY - HOUR]),
      );
      // Each read sums the last hour alone, not the day's other blocks.
      expect(blocksSummed.mock.calls.map(([, blocks]) => blocks)).toEqual(
        Array(4).fill([[START + 4 * DAY - HOUR, START + 4 * DAY]]),
      );
      expect(moved).toEqual(
        await readAll(uncached, threeDaysEndingAt(START + 4 * DAY)),
      );
    });

    it('read the blocks of the range an hour on in the background', async () => {
      const { knex, rollups, queries, background, uncached, readAll } =
        await setup();
      // Ranges from a midnight: an hour on, their first day is 23 hours in
      // five blocks, and they end an hour later (rolled here up to day 4).
      const startingAt = (hour: number, firstDay: number, days: number) =>
        [REQUESTS[0], { ...REQUESTS[0], groupBy: ['model' as const] }].map(
          request => ({
            ...request,
            from: START + firstDay * DAY + hour * HOUR,
            to: START + (firstDay + days) * DAY + hour * HOUR,
          }),
        );
      const hoursReadAnHourOn = async (
        reader: UsageQueries,
        firstDay: number,
        days: number,
      ) => {
        await readAll(reader, startingAt(0, firstDay, days));
        await Promise.all(background.splice(0).map(work => work()));
        const reads = recordReadsOf(knex, [HOURLY_TABLE]);
        const moved = await readAll(reader, startingAt(1, firstDay, days));
        const hours = hoursNamedBy(reads.stop());
        expect(moved).toEqual(
          await readAll(uncached, startingAt(1, firstDay, days)),
        );
        return hours;
      };
      const stepHours = (firstDay: number, days: number) =>
        new Set([
          ...Array.from(
            { length: 23 },
            (_, i) => START + firstDay * DAY + (i + 1) * HOUR,
          ),
          START + (firstDay + days) * DAY,
        ]);

      // Two days up to the last day rolled: without the background reads,
      // the step reads those 24 hours.
      const withoutBackground = new UsageQueries(knex, rollups, {
        runInBackground: () => {},
      });
      expect(await hoursReadAnHourOn(withoutBackground, 2, 2)).toEqual(
        stepHours(2, 2),
      );
      expect(await hoursReadAnHourOn(queries, 2, 2)).toEqual(new Set());
      // The two days before them, as an overview compares with.
      expect(await hoursReadAnHourOn(queries, 0, 2)).toEqual(new Set());
      // A day that ends days before the last day rolled is not read ahead
      // (by a reader whose cache the reads above did not fill).
      const another = new UsageQueries(knex, rollups, {
        runInBackground: work => background.push(work),
      });
      expect(await hoursReadAnHourOn(another, 1, 1)).toEqual(stepHours(1, 1));
    });

    it('are exact when a read is too heavy to keep in blocks', async () => {
      const { knex, calls, rollups, rollup, uncached, readAll } = await setup();
      // So small a cache that every read's hours are kept as a whole only.
      const tight = new UsageQueries(knex, rollups, { cacheWeight: 40 });
      const startingAt = (hour: number) =>
        REQUESTS.map(request => ({ ...request, from: START + hour * HOUR }));
      expect(await readAll(tight, startingAt(5))).toEqual(
        await readAll(uncached, startingAt(5)),
      );
      await calls.ingest([
        makeCall({ id: 'today', occurredAt: START + 4 * DAY + 2 * HOUR }),
      ]);
      await rollup.run(START + 4 * DAY + 3 * HOUR);
      expect(await readAll(tight, startingAt(4))).toEqual(
        await readAll(uncached, startingAt(4)),
      );
    });

    it('read again only the block of hours a late call re-rolled', async () => {
      const { knex, calls, rollups, rollup, queries, uncached, readAll } =
        await setup();
      const first = await readAll(queries);
      const before = await rollups.getState();

      await calls.ingest([
        makeCall({
          id: 'late-today',
          projectId: 'docs',
          userRef: 'user:default/alice',
          occurredAt: START + 4 * DAY + 30 * 60_000,
          durationMs: 43_210,
          costNanos: 987_654_321n,
        }),
      ]);
      await rollup.run(START + 4 * DAY + 2 * HOUR);
      const after = await rollups.getState();
      expect(after.hoursGeneration).toBe(after.generation);
      expect(after.hoursGeneration).toBeGreaterThan(before.hoursGeneration!);
      expect(after.daysGeneration).toBe(before.daysGeneration);
      expect(
        await rollups.rewrittenHoursSince(before.hoursGeneration!),
      ).toEqual([{ hourStart: START + 4 * DAY, generation: after.generation }]);
      const withRewritten = await rollups.getState({
        rewrittenSince: before.hoursGeneration,
      });
      expect(withRewritten).toEqual({
        ...after,
        rewrittenHours: {
          since: before.hoursGeneration,
          hours: [{ hourStart: START + 4 * DAY, generation: after.generation }],
        },
      });

      const versionsReadAlone = jest.spyOn(rollups, 'rewrittenHoursSince');
      const hourlyReads = recordReadsOf(knex, [HOURLY_TABLE]);
      const reread = await readAll(queries);
      const hoursRead = hoursNamedBy(hourlyReads.stop());
      // The rewritten hour came with the rollup state, in its round trip.
      expect(versionsReadAlone).not.toHaveBeenCalled();
      // Today's rolled hours are the blocks [00:00, 01:00) and the last
      // rolled hour: the late hour's block is read again; every other block
      // stays cached under its versions.
      expect(hoursRead).toEqual(new Set([START + 4 * DAY]));
      expect(reread).toEqual(await readAll(uncached));
      expect(reread).not.toEqual(first);
    });

    it('read again only the hours of a longer block a late call re-rolled', async () => {
      const { knex, calls, rollup, queries, background, uncached, readAll } =
        await setup();
      const today = START + 4 * DAY;
      const lastDays = [
        {
          from: START + 8 * HOUR,
          to: today + 8 * HOUR,
          groupBy: ['project' as const],
          withLatency: true,
        },
      ];
      await readAll(queries, lastDays);
      // Six hours later today's rolled hours are [00:00, 04:00), put
      // together from the blocks read before and the halves of the hours
      // that entered, then [04:00, 06:00), [06:00, 07:00) and the last hour.
      await calls.ingest(
        randomCalls({ count: 120, from: today + 2 * HOUR, hours: 6, seed: 11 }),
      );
      await rollup.run(today + 8 * HOUR);
      await readAll(queries, lastDays);

      await calls.ingest([
        makeCall({ id: 'late-03', occurredAt: today + 3 * HOUR + 60_000 }),
      ]);
      await rollup.run(today + 8 * HOUR);
      const hourlyReads = recordReadsOf(knex, [HOURLY_TABLE]);
      const reread = await readAll(queries, lastDays);
      // Of the four hours' block, only the late call's hour is read again.
      expect(hoursNamedBy(hourlyReads.stop())).toEqual(
        new Set([today + 3 * HOUR]),
      );
      expect(reread).toEqual(await readAll(uncached, lastDays));

      // A late call into the last rolled hour reads that hour alone, and
      // adds it to the rest of the read, kept merged in the background.
      await Promise.all(background.splice(0).map(work => work()));
      await calls.ingest([
        makeCall({ id: 'late-07', occurredAt: today + 7 * HOUR + 60_000 }),
      ]);
      await rollup.run(today + 8 * HOUR);
      const lastHourReads = recordReadsOf(knex, [HOURLY_TABLE]);
      const blocksSummed = jest.spyOn(queries as any, 'sumBlocks');
      const again = await readAll(queries, lastDays);
      expect(hoursNamedBy(lastHourReads.stop())).toEqual(
        new Set([today + 7 * HOUR]),
      );
      expect(blocksSummed.mock.calls.map(([, blocks]) => blocks)).toEqual(
        SCOPES.map(() => [[today + 7 * HOUR, today + 8 * HOUR]]),
      );
      expect(again).toEqual(await readAll(uncached, lastDays));
    });

    it('are read again once late calls re-roll a day that was rolled whole', async () => {
      const { knex, calls, rollups, rollup, queries, uncached, readAll } =
        await setup();
      const first = await readAll(queries);
      const before = await rollups.getState();

      await calls.ingest([
        makeCall({
          id: 'late',
          projectId: 'docs',
          userRef: 'user:default/alice',
          occurredAt: START + DAY + 3 * HOUR,
          durationMs: 54_321,
          costNanos: 123_456_789n,
        }),
      ]);
      await rollup.run(START + 4 * DAY + 2 * HOUR);
      const after = await rollups.getState();
      expect(after.daysGeneration).toBeGreaterThan(before.daysGeneration!);
      expect(after.daysGeneration).toBe(after.generation);

      const dailyReads = recordReadsOf(knex, DAILY_TABLES);
      const reread = await readAll(queries);
      expect(dailyReads.stop()).not.toEqual([]);
      expect(reread).toEqual(await readAll(uncached));
      // The late call is in every read whose range reaches its day.
      expect(reread).not.toEqual(first);
    });
  },
);
