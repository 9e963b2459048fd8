import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
  randomCalls,
} from '../__testUtils__/databases';
import { CALLS_TABLE, DIRTY_HOURS_TABLE } from '../database/tables';
import { CallRollup } from '../rollup/CallRollup';
import { UsageService } from '../usage/UsageService';
import { ProjectDirectory } from '../visibility/ProjectDirectory';
import { RawCallRetention } from './RawCallRetention';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 9, 1);
/** Ten days of calls, then "now" at noon of the day after. */
const NOW = START + 10 * DAY + 12 * HOUR;
const RANGE = { from: START, to: START + 11 * DAY };
const all = { kind: 'all' } as const;

async function setUp(knex: Knex) {
  const stores = await migratedStores(knex);
  await stores.calls.ingest(
    randomCalls({ count: 600, from: START, hours: 10 * 24, seed: 7 }),
  );
  const rollup = new CallRollup(stores.rollups);
  await rollup.run(NOW);
  const projects = new ProjectDirectory(catalogServiceMock({ entities: [] }), {
    getOwnServiceCredentials: async () => mockCredentials.service(),
  } as any);
  const usage = new UsageService(stores.queries, stores.calls, projects);
  return { ...stores, rollup, usage };
}

async function rawCount(knex: Knex, before?: number) {
  const query = knex(CALLS_TABLE).count({ n: '*' });
  if (before !== undefined) query.where('occurred_at', '<', before);
  const [{ n }] = await query;
  return Number(n);
}

describe.each(databases.eachSupportedId())('RawCallRetention on %p', id => {
  it('deletes whole rolled days of raw calls in batches; every summary stays the same', async () => {
    const knex = await databases.init(id);
    const { usage, calls, rollup } = await setUp(knex);
    const before = await usage.overview(all, RANGE);
    const statsBefore = await usage.projectStats(all, 'support-bot', RANGE);
    const cutoff = START + 7 * DAY; // NOW − 3 days, at the start of its day
    const kept = (await rawCount(knex)) - (await rawCount(knex, cutoff));
    expect(await rawCount(knex, cutoff)).toBeGreaterThan(100);

    const result = await new RawCallRetention(knex, 3, undefined, 17).run(NOW);

    expect(result.rawCallsSince).toBe(cutoff);
    expect(result.deleted).toBeGreaterThan(100);
    expect(await rawCount(knex, cutoff)).toBe(0);
    expect(await rawCount(knex)).toBe(kept);
    expect(await usage.overview(all, RANGE)).toEqual(before);
    expect(await usage.projectStats(all, 'support-bot', RANGE)).toEqual(
      statsBefore,
    );
    // The call history says how far back it reaches.
    const page = await usage.projectCalls(all, 'support-bot', {
      from: RANGE.from,
      to: RANGE.to,
      sort: 'time',
      order: 'desc',
      limit: 5,
    });
    expect(page.rawCallsSince).toBe(new Date(cutoff).toISOString());
    // Running again deletes nothing more.
    expect(await new RawCallRetention(knex, 3).run(NOW)).toEqual({
      deleted: 0,
      rawCallsSince: cutoff,
    });
    // A project whose raw calls are all gone is still a project.
    await calls.ingest([
      makeCall({ id: 'old-only', projectId: 'old-bot', occurredAt: NOW - DAY }),
    ]);
    await rollup.run(NOW + 5 * DAY);
    await new RawCallRetention(knex, 1).run(NOW + 5 * DAY);
    expect(await rawCount(knex)).toBe(0);
    const oldBot = await usage.projectStats(all, 'old-bot', RANGE);
    expect(oldBot.stats.calls).toBe(1);
  });

  it('keeps days that are not rolled up yet, and reports no horizon before the first deletion', async () => {
    const knex = await databases.init(id);
    const { usage, calls } = await setUp(knex);
    const page = await usage.projectCalls(all, 'support-bot', {
      ...RANGE,
      sort: 'time',
      order: 'desc',
      limit: 1,
    });
    expect(page.rawCallsSince).toBeUndefined();
    // A late call into day 2 marks it dirty: retention stops before it.
    await calls.ingest([
      makeCall({ id: 'late', occurredAt: START + 2 * DAY + 5 * HOUR }),
    ]);
    const result = await new RawCallRetention(knex, 3).run(NOW);
    expect(result.rawCallsSince).toBe(START + 2 * DAY);
    expect(await rawCount(knex, START + 2 * DAY)).toBe(0);
    expect(
      (await rawCount(knex, START + 3 * DAY)) -
        (await rawCount(knex, START + 2 * DAY)),
    ).toBeGreaterThan(0);
  });

  it('never re-rolls an hour whose raw calls were deleted: late calls there leave its totals as they were', async () => {
    const knex = await databases.init(id);
    const { usage, calls, rollup } = await setUp(knex);
    const before = await usage.overview(all, RANGE);
    await new RawCallRetention(knex, 3).run(NOW);
    const oldHour = START + 2 * DAY + 5 * HOUR;

    // Ingested late: stored, but its hour is not marked for a re-roll.
    await calls.ingest([makeCall({ id: 'late-1', occurredAt: oldHour })]);
    expect(await knex(DIRTY_HOURS_TABLE).where('hour_start', oldHour)).toEqual(
      [],
    );
    // A mark that slipped in anyway (written before the cutoff was recorded)
    // is released without rolling.
    await knex(DIRTY_HOURS_TABLE).insert({
      hour_start: oldHour,
      token: 'dirty',
    });
    const run = await rollup.run(NOW);
    expect(run.hours).toBe(0);
    expect(await knex(DIRTY_HOURS_TABLE).where('hour_start', oldHour)).toEqual(
      [],
    );
    expect(await usage.overview(all, RANGE)).toEqual(before);
  });
});
