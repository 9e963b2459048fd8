import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
  randomCalls,
} from '../__testUtils__/databases';
import {
  CALL_COUNTERS,
  HAS_LATENCY,
  PRICED_COST_SQL,
} from '../database/callCounters';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  DAY_MS as DAY,
  HOUR_MS as HOUR,
  PROJECT_DAYS_TABLE,
} from '../database/tables';
import type { VisibilityScope } from '../database/types';
import { readDescribed } from '../__testUtils__/usageReads';
import { RawCallRetention } from '../retention/RawCallRetention';
import type { AggregateRequest } from '../usage/UsageQueries';
import { UsageService } from '../usage/UsageService';
import { ProjectDirectory } from '../visibility/ProjectDirectory';
import { CallRollup } from './CallRollup';
import { LatencySketch } from './LatencySketch';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const START = Date.UTC(2026, 9, 1);
const PROJECTS = ['support-bot', 'code-review', 'search-rag', 'docs', 'ops'];
const all = { kind: 'all' } as const;
const SCOPES: VisibilityScope[] = [
  all,
  {
    kind: 'restricted',
    userRef: 'user:default/alice',
    projectIds: ['code-review', 'docs'],
  },
  { kind: 'restricted', userRef: 'user:default/bob', projectIds: [] },
];

/** Sketches in one encoding: bins, as the table stores them. */
function binsOf(encoded: string): string {
  const sketch = new LatencySketch();
  sketch.mergeEncoded(encoded);
  return sketch.encode();
}

/** The table's rows as text, keyed by day, project and currency. */
async function projectDayRows(knex: Knex): Promise<string[]> {
  const rows = await knex(PROJECT_DAYS_TABLE).orderBy([
    'day_start',
    'project_id',
    'currency',
  ]);
  return rows.map(row =>
    JSON.stringify(
      Object.keys(row)
        .sort()
        .map(column =>
          column === 'latency_sketch'
            ? binsOf(row[column])
            : String(row[column]),
        ),
    ),
  );
}

/** What the table should hold, computed straight from the raw calls. */
async function projectDaysOfRawCalls(knex: Knex): Promise<string[]> {
  const dayStart = `occurred_at - (occurred_at % ${DAY})`;
  const sums = await knex(CALLS_TABLE)
    .select(
      knex.raw(`${dayStart} AS day_start`),
      'project_id',
      'currency',
      ...Object.entries(CALL_COUNTERS).map(([column, perCall]) =>
        knex.raw(`SUM(${perCall}) AS ${column}`),
      ),
      knex.raw('SUM(cost_nanos) AS cost_nanos'),
      knex.raw(`SUM(${PRICED_COST_SQL}) AS priced_cost_nanos`),
      knex.raw('MAX(occurred_at) AS last_call_at'),
    )
    .groupByRaw(`${dayStart}, project_id, currency`);
  const durations = await knex(CALLS_TABLE)
    .select('occurred_at', 'project_id', 'currency', 'duration_ms')
    .whereRaw(HAS_LATENCY);
  const sketches = new Map<string, LatencySketch>();
  for (const call of durations) {
    const day = Number(call.occurred_at) - (Number(call.occurred_at) % DAY);
    const id = [day, call.project_id, call.currency].join('/');
    if (!sketches.has(id)) sketches.set(id, new LatencySketch());
    sketches.get(id)!.add(Number(call.duration_ms));
  }
  return sums
    .map(row => ({
      ...row,
      latency_sketch:
        sketches
          .get([row.day_start, row.project_id, row.currency].join('/'))
          ?.encode() ?? new LatencySketch().encode(),
    }))
    .sort(
      (a, b) =>
        Number(a.day_start) - Number(b.day_start) ||
        a.project_id.localeCompare(b.project_id) ||
        a.currency.localeCompare(b.currency),
    )
    .map(row =>
      JSON.stringify(
        Object.keys(row)
          .sort()
          .map(column => String(row[column])),
      ),
    );
}

describe.each(databases.eachSupportedId())('project days on %p', databaseId => {
  async function setup() {
    const stores = await migratedStores(await databases.init(databaseId));
    await stores.calls.ingest(
      randomCalls({
        count: 2000,
        from: START,
        hours: 4 * 24,
        seed: 13,
        projects: PROJECTS,
      }),
    );
    const projects = new ProjectDirectory(
      catalogServiceMock({ entities: [] }),
      {
        getOwnServiceCredentials: async () => mockCredentials.service(),
      } as any,
    );
    const usage = new UsageService(stores.queries, stores.calls, projects);
    return { ...stores, rollup: new CallRollup(stores.rollups), usage };
  }

  it('holds the sums of each project, day and currency of the raw calls, replaced when late calls re-roll a day', async () => {
    const { knex, calls, rollup } = await setup();
    await rollup.run(START + 5 * DAY);
    const rolled = await projectDayRows(knex);
    expect(rolled.length).toBeGreaterThan(4 * PROJECTS.length);
    expect(rolled).toEqual(await projectDaysOfRawCalls(knex));

    // Late calls into day 2: one of a known project, one of a new one.
    await calls.ingest([
      makeCall({
        id: 'late-known',
        projectId: 'docs',
        occurredAt: START + DAY + 3 * HOUR,
        durationMs: 98_765,
        costNanos: 7n,
      }),
      makeCall({
        id: 'late-new',
        projectId: 'brand-new',
        currency: 'EUR',
        occurredAt: START + DAY + 20 * HOUR,
      }),
    ]);
    await rollup.run(START + 5 * DAY);
    const rerolled = await projectDayRows(knex);
    expect(rerolled).toHaveLength(rolled.length + 1);
    expect(rerolled).toEqual(await projectDaysOfRawCalls(knex));
  });

  it('is filled in by its migration from the daily project rows exactly as the rollup writes it', async () => {
    const { knex, rollup } = await setup();
    await rollup.run(START + 5 * DAY);
    const written = await projectDayRows(knex);
    const migration = {
      directory: MIGRATIONS_DIRECTORY,
      name: '20261205090000_rollup_project_days.js',
    };

    await knex.migrate.down(migration);
    expect(await knex.schema.hasTable(PROJECT_DAYS_TABLE)).toBe(false);
    await knex.migrate.up(migration);
    expect(await projectDayRows(knex)).toEqual(written);
  });

  it('answers project reads exactly as raw calls do, for every scope, without the daily project level', async () => {
    const { knex, rollup, queries } = await setup();
    const requests: Array<Omit<AggregateRequest, 'scope'>> = [
      {
        from: START,
        to: START + 4 * DAY,
        groupBy: ['project'],
        withLatency: true,
      },
      // Edge hours and minutes read from the hourly rollup and raw calls.
      {
        from: START + 90 * 60_000,
        to: START + 3 * DAY + 7 * HOUR,
        groupBy: ['project'],
        withLatency: true,
      },
      { from: START, to: START + 4 * DAY, projectId: 'docs' },
      {
        from: START,
        to: START + 4 * DAY,
        projectIds: ['docs', 'ops'],
        buckets: [START, START + DAY, START + 3 * DAY],
        withLatency: true,
      },
    ];
    const read = () => readDescribed(queries, SCOPES, requests);
    const fromRaw = await read();
    // Alice sees all of docs (hers) and her own calls of ops, by project.
    const aliceCalls = await queries.aggregate({
      scope: SCOPES[1],
      from: START,
      to: START + 4 * DAY,
      projectIds: ['docs', 'ops', 'search-rag'],
      groupBy: ['project'],
    });
    const visible = await knex(CALLS_TABLE)
      .select('project_id')
      .count({ calls: '*' })
      .where('project_id', 'docs')
      .orWhere(own =>
        own
          .where('user_ref', 'user:default/alice')
          .whereIn('project_id', ['ops', 'search-rag']),
      )
      .groupBy('project_id');
    expect(
      Object.fromEntries(
        aliceCalls.map(g => [g.dimensions.project, g.usage.counters.calls]),
      ),
    ).toEqual(
      Object.fromEntries(
        visible.map((row: any) => [row.project_id, Number(row.calls)]),
      ),
    );

    await rollup.run(START + 5 * DAY);
    // Only the project-day table can answer the rolled days now.
    await knex(DAILY_TABLE).where('level', 'project').delete();
    expect(await read()).toEqual(fromRaw);
  });

  it('keeps the project list exact after retention deleted the raw calls of its days', async () => {
    const { knex, rollup, usage } = await setup();
    const range = { from: START, to: START + 4 * DAY };
    const list = (scope: VisibilityScope, sort: 'cost' | 'p95Latency') =>
      usage.projectList(scope, {
        ...range,
        sort,
        order: 'desc',
        offset: 0,
        limit: 3,
      });
    const lists = () =>
      Promise.all(
        SCOPES.flatMap(scope => [
          list(scope, 'cost'),
          list(scope, 'p95Latency'),
        ]),
      );
    const fromRaw = await lists();
    await rollup.run(START + 5 * DAY);

    const now = START + 4 * DAY + 12 * HOUR;
    const retention = await new RawCallRetention(knex, 1).run(now);
    expect(retention.rawCallsSince).toBe(START + 3 * DAY);
    const [{ n: oldCalls }] = await knex(CALLS_TABLE)
      .where('occurred_at', '<', START + 3 * DAY)
      .count({ n: '*' });
    expect(Number(oldCalls)).toBe(0);
    expect(await lists()).toEqual(fromRaw);
  });
});
