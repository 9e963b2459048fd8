import type { Knex } from 'knex';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
  randomCalls,
} from '../__testUtils__/databases';
import { UsageAccumulator } from '../usage/UsageAccumulator';
import { UsageQueries } from '../usage/UsageQueries';
import { readDescribed } from '../__testUtils__/usageReads';
import { CallRollup } from './CallRollup';
import { LatencySketch } from './LatencySketch';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 9, 1, 0);
const all = { kind: 'all' } as const;

/** Normalises a per-currency totals row; drivers differ in number types. */
function totalsOf(r: any) {
  return {
    currency: r.currency,
    calls: Number(r.calls),
    failed: Number(r.failed),
    input: Number(r.input),
    output: Number(r.output),
    cached: Number(r.cached),
    cost: String(r.cost),
  };
}

/** Totals computed straight from raw rows, independent of the read planner. */
async function rawTotals(knex: Knex) {
  const rows = await knex('llm_usage_calls')
    .select('currency')
    .count({ calls: '*' })
    .sum({
      input: 'input_tokens',
      output: 'output_tokens',
      cached: 'cached_tokens',
    })
    .select(knex.raw('CAST(SUM(cost_nanos) AS TEXT) AS cost'))
    .select(
      knex.raw("SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed"),
    )
    .groupBy('currency')
    .orderBy('currency');
  return rows.map(totalsOf);
}

async function rollupTotals(knex: Knex, table: string, level = 'detail') {
  const rows = await knex(table)
    .where('level', level)
    .select('currency')
    .sum({
      calls: 'call_count',
      failed: 'failed_count',
      input: 'input_tokens',
      output: 'output_tokens',
      cached: 'cached_tokens',
    })
    .select(knex.raw('CAST(SUM(cost_nanos) AS TEXT) AS cost'))
    .groupBy('currency')
    .orderBy('currency');
  return rows.map(totalsOf);
}

async function expectDailyRollupsToEqualRaw(knex: Knex) {
  expect(await rollupTotals(knex, 'llm_usage_rollup_daily')).toEqual(
    await rawTotals(knex),
  );
}

/** Rollup rows as text, sketches in one encoding (key lists list in any order). */
async function snapshot(knex: Knex) {
  const strip = (rows: any[]) =>
    rows.map(row =>
      JSON.stringify(
        Object.entries(row).map(([column, value]) =>
          column === 'latency_sketch' ? binsOf(String(value)) : String(value),
        ),
      ),
    );
  return {
    hourly: strip(
      await knex('llm_usage_rollup_hourly').orderBy([
        'hour_start',
        'level',
        'user_ref',
        'project_id',
        'provider',
        'model',
        'currency',
      ]),
    ),
    daily: strip(
      await knex('llm_usage_rollup_daily').orderBy([
        'day_start',
        'level',
        'user_ref',
        'project_id',
        'provider',
        'model',
        'currency',
      ]),
    ),
  };
}

function binsOf(encoded: string): string {
  const sketch = new LatencySketch();
  sketch.mergeEncoded(encoded);
  return sketch.encode();
}

describe.each(databases.eachSupportedId())('CallRollup on %p', databaseId => {
  async function setup() {
    const stores = await migratedStores(await databases.init(databaseId));
    return { ...stores, rollup: new CallRollup(stores.rollups) };
  }

  /** 1,200 calls over six days: enough days for several batches and lanes. */
  async function setupWithSixDaysOfCalls() {
    const stores = await setup();
    await stores.calls.ingest(
      randomCalls({ count: 1200, from: START, hours: 6 * 24, seed: 8 }),
    );
    return stores;
  }

  it('produces hourly and daily totals that equal the raw totals exactly', async () => {
    const { knex, calls, rollup } = await setup();
    const batch = randomCalls({ count: 4000, from: START, hours: 72, seed: 7 });
    for (let i = 0; i < batch.length; i += 1000)
      await calls.ingest(batch.slice(i, i + 1000));

    const result = await rollup.run(START + 80 * HOUR);
    expect(result.calls).toBe(4000);
    expect(result.days).toBe(3);

    const raw = await rawTotals(knex);
    expect(raw.map(r => r.currency)).toEqual(['CNY', 'USD']);
    for (const level of ['detail', 'project', 'model']) {
      expect(await rollupTotals(knex, 'llm_usage_rollup_daily', level)).toEqual(
        raw,
      );
    }
    // Hours keep no project level: project reads sum their detail rows.
    for (const level of ['detail', 'model']) {
      expect(
        await rollupTotals(knex, 'llm_usage_rollup_hourly', level),
      ).toEqual(raw);
    }
    expect(
      await knex('llm_usage_rollup_hourly').where('level', 'project'),
    ).toEqual([]);
    expect(await knex('llm_usage_rollup_dirty_hours')).toHaveLength(0);
  });

  it('changes nothing when re-run, or when the same calls are ingested again', async () => {
    const { knex, calls, rollup, rollups } = await setup();
    const batch = randomCalls({
      count: 1500,
      from: START,
      hours: 30,
      seed: 11,
    });
    await calls.ingest(batch);
    await rollup.run(START + 40 * HOUR);
    const first = await snapshot(knex);

    expect((await rollup.run(START + 40 * HOUR)).hours).toBe(0);
    expect(await snapshot(knex)).toEqual(first);

    // Re-sending the batch marks its hours again; re-rolling them gives the same rows.
    await calls.ingest(batch);
    const state = await rollups.getState();
    expect(state.dirtyHours.size).toBeGreaterThan(0);
    await rollup.run(START + 40 * HOUR);
    expect(await snapshot(knex)).toEqual(first);
  });

  it('re-rolls an hour that receives a late call, and reads stay exact before and after', async () => {
    const { knex, calls, rollup, queries } = await setup();
    await calls.ingest(
      randomCalls({ count: 800, from: START, hours: 48, seed: 3 }),
    );
    await rollup.run(START + 50 * HOUR);

    const late = makeCall({
      id: 'late',
      occurredAt: START + 5 * HOUR + 17,
      costNanos: 123n,
      inputTokens: 7,
    });
    await calls.ingest([late]);

    const read = async () => {
      const [group] = await queries.aggregate({
        scope: all,
        from: START,
        to: START + 48 * HOUR,
        withLatency: true,
      });
      return group.usage.toTotals();
    };
    const beforeRollup = await read();
    await rollup.run(START + 50 * HOUR);
    const afterRollup = await read();
    expect(afterRollup).toEqual(beforeRollup);
    expect(afterRollup.calls).toBe(801);
    await expectDailyRollupsToEqualRaw(knex);
  });

  it('rolls a catch-up in batches of whole days, totals unchanged', async () => {
    const { knex, rollups } = await setupWithSixDaysOfCalls();
    const rollHours = jest.spyOn(rollups, 'rollHours');
    const result = await new CallRollup(rollups, undefined, 4).run(
      START + 7 * DAY,
    );
    expect(result.calls).toBe(1200);
    expect(rollHours.mock.calls.map(([hours]) => hours.length)).toEqual([
      4 * 24,
      2 * 24,
    ]);
    await expectDailyRollupsToEqualRaw(knex);
    expect(await knex('llm_usage_rollup_dirty_hours')).toHaveLength(0);
  });

  it('rolls two batches at once on PostgreSQL and one at a time on SQLite', async () => {
    const { knex, rollups } = await setupWithSixDaysOfCalls();
    const rollHours = rollups.rollHours.bind(rollups);
    let running = 0;
    let mostRunning = 0;
    jest.spyOn(rollups, 'rollHours').mockImplementation(async hours => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      try {
        return await rollHours(hours);
      } finally {
        running -= 1;
      }
    });

    const result = await new CallRollup(rollups, undefined, 1).run(
      START + 7 * DAY,
    );
    expect(result.calls).toBe(1200);
    expect(mostRunning).toBe(databaseId === 'SQLITE_3' ? 1 : 2);
    await expectDailyRollupsToEqualRaw(knex);
  });

  it('rolls every other hour past one whose sums overflow, records its error and retries it next run', async () => {
    const { knex, rollups } = await setupWithSixDaysOfCalls();
    // A corrupted hour on day 2, as rows stored before the ingestion bounds:
    // two calls of one key whose token counts sum past 64 bits, so its rollup
    // throws (cost sums are numeric on PostgreSQL and would hold them).
    const badHour = START + 2 * DAY + 5 * HOUR;
    const huge = '9000000000000000000';
    await knex('llm_usage_calls')
      .whereIn(
        'id',
        knex('llm_usage_calls')
          .select('id')
          .where('occurred_at', '>=', badHour)
          .andWhere('occurred_at', '<', badHour + HOUR)
          .orderBy('id')
          .limit(2),
      )
      .update({
        input_tokens: huge,
        user_ref: 'user:default/alice',
        project_id: 'support-bot',
        provider: 'openai',
        model: 'gpt-4o',
        currency: 'USD',
      });
    const failed: number[][] = [];
    const rollup = new CallRollup(rollups, undefined, 1, hours =>
      failed.push(hours),
    );

    const first = await rollup.run(START + 7 * DAY);
    expect(first.failedHours).toEqual([badHour]);
    expect(failed).toEqual([[badHour]]);
    // Only the bad hour stays dirty, with its error recorded.
    const dirty = await knex('llm_usage_rollup_dirty_hours');
    expect(dirty.map(d => Number(d.hour_start))).toEqual([badHour]);
    expect(await rollups.failedHours()).toEqual([
      {
        hourStart: badHour,
        error: expect.stringMatching(
          /^(bigint out of range|integer overflow)$/,
        ),
        failedAt: expect.any(Number),
        failures: 1,
      },
    ]);
    // Every other day is rolled and equals the raw calls.
    const rolledDays = await knex('llm_usage_rollup_daily')
      .where('level', 'model')
      .distinct('day_start');
    expect(
      rolledDays.map(r => (Number(r.day_start) - START) / DAY).sort(),
    ).toEqual([0, 1, 2, 3, 4, 5]);

    // Still bad on the next run: counted again, still dirty.
    await rollup.run(START + 7 * DAY);
    expect((await rollups.failedHours())[0].failures).toBe(2);

    // Repaired, the next run rolls it and the failure is gone.
    await knex('llm_usage_calls')
      .where('input_tokens', huge)
      .update({ input_tokens: 1000 });
    const repaired = await rollup.run(START + 7 * DAY);
    expect(repaired.failedHours).toEqual([]);
    expect(await knex('llm_usage_rollup_dirty_hours')).toHaveLength(0);
    expect(await rollups.failedHours()).toEqual([]);
    await expectDailyRollupsToEqualRaw(knex);
  });

  it('serves reads from rolled sums cached per generation, never stale and never changed by a read', async () => {
    const { knex, calls, rollups, rollup, queries } = await setup();
    const uncached = new UsageQueries(knex, rollups, { cache: false });
    await calls.ingest(
      randomCalls({ count: 600, from: START, hours: 48, seed: 5 }),
    );
    await rollup.run(START + 50 * HOUR);

    // The half hour at the end is read raw and added to the cached sums.
    const request = {
      scope: all,
      from: START,
      to: START + 47 * HOUR + HOUR / 2,
      groupBy: ['project' as const],
      withLatency: true,
    };
    const read = async (source: UsageQueries) =>
      (await source.aggregate(request))
        .map(g => ({ project: g.dimensions.project, ...g.usage.toTotals() }))
        .sort((a, b) => a.project!.localeCompare(b.project!));

    const first = await read(queries);
    expect(first).toEqual(await read(uncached));
    expect(await read(queries)).toEqual(first);

    // A late call into a rolled hour: read raw until the next rollup, which
    // re-rolls the hour under a new generation.
    const late = makeCall({
      id: 'late',
      projectId: first[0].project!,
      occurredAt: START + 3 * HOUR,
      costNanos: 5_000_000n,
    });
    await calls.ingest([late]);
    const withLate = await read(queries);
    expect(withLate).toEqual(await read(uncached));
    expect(withLate[0].calls).toBe(first[0].calls + 1);

    const generation = (await rollups.getState()).generation;
    await rollup.run(START + 50 * HOUR);
    expect((await rollups.getState()).generation).toBeGreaterThan(generation);
    expect(await read(queries)).toEqual(withLate);
    expect(await read(queries)).toEqual(await read(uncached));
  });

  it('keeps an hour dirty when a call lands after the rollup claimed it', async () => {
    const { knex, calls, rollups, rollup } = await setup();
    await calls.ingest([makeCall({ id: 'first', occurredAt: START + 10 })]);
    const claimed = await rollups.claimClosedDirtyHours(START + 2 * HOUR);
    expect(claimed.map(h => h.hourStart)).toEqual([START]);

    // A concurrent write between the claim and the end of that rollup.
    await calls.ingest([makeCall({ id: 'late', occurredAt: START + 20 })]);
    await rollups.rollHours(claimed);
    expect([...(await rollups.getState()).dirtyHours]).toEqual([START]);

    const result = await rollup.run(START + 2 * HOUR);
    expect(result.calls).toBe(2);
    expect(await knex('llm_usage_rollup_dirty_hours')).toHaveLength(0);
    expect(await rollupTotals(knex, 'llm_usage_rollup_hourly')).toEqual(
      await rawTotals(knex),
    );
  });

  it('answers reads identically from raw calls, hourly and daily rollups and mixes of them, for every scope and grouping', async () => {
    const { calls, rollup, queries } = await setup();
    await calls.ingest(
      randomCalls({ count: 3000, from: START, hours: 96, seed: 5 }),
    );
    const ranges = [
      [START, START + 96 * HOUR],
      [START + 90 * 60_000, START + 3 * DAY - 7 * 60_000],
      [START + DAY, START + 2 * DAY],
    ];
    const scopes = [
      all,
      {
        kind: 'restricted',
        userRef: 'user:default/alice',
        projectIds: ['code-review'],
      },
      { kind: 'restricted', userRef: 'user:default/bob', projectIds: [] },
    ] as const;
    const groupings = [[], ['project', 'provider'], ['model']] as const;
    const read = async () =>
      Promise.all(
        ranges.flatMap(([from, to]) =>
          scopes.flatMap(scope =>
            groupings.map(async groupBy => {
              const groups = await queries.aggregate({
                scope,
                from,
                to,
                groupBy: [...groupBy],
                withLatency: true,
              });
              return groups
                .map(g =>
                  JSON.stringify([
                    g.dimensions,
                    g.usage.counters,
                    g.usage.costs.toAmounts(),
                    g.usage.sketch.count,
                  ]),
                )
                .sort();
            }),
          ),
        ),
      );
    const fromRaw = await read();
    await rollup.run(START + 200 * HOUR);
    expect(await read()).toEqual(fromRaw);
  });

  it('buckets trends in a half-hour-offset zone exactly, reading the cut hours raw', async () => {
    const { calls, rollup, queries } = await setup();
    await calls.ingest(
      randomCalls({ count: 2000, from: START, hours: 72, seed: 9 }),
    );
    // Asia/Kolkata is UTC+05:30: every local day starts at 18:30 UTC.
    const boundaries = [0, 1, 2, 3].map(
      d => START - DAY + d * DAY + 18.5 * HOUR,
    );
    const read = async () =>
      (
        await queries.aggregate({
          scope: all,
          from: START,
          to: START + 72 * HOUR,
          buckets: boundaries,
        })
      )
        .map(g => [g.bucket, g.usage.counters.calls] as const)
        .sort((a, b) => a[0] - b[0]);
    const fromRaw = await read();
    await rollup.run(START + 100 * HOUR);
    expect(await read()).toEqual(fromRaw);
    expect(fromRaw.reduce((sum, [, count]) => sum + count, 0)).toBe(2000);
  });

  it('sums whole-hour-offset day buckets per model in the database exactly as raw calls do', async () => {
    const { calls, rollup, queries } = await setup();
    await calls.ingest(
      randomCalls({ count: 2000, from: START, hours: 96, seed: 11 }),
    );
    // Asia/Shanghai days start at 16:00 UTC, so hourly rows fill each bucket.
    const boundaries = [0, 1, 2, 3, 4].map(
      d => START - DAY + d * DAY + 16 * HOUR,
    );
    const read = async () => {
      const [groups] = await readDescribed(
        queries,
        [all],
        [
          {
            from: START,
            to: START + 96 * HOUR,
            groupBy: ['model'],
            buckets: boundaries,
          },
        ],
      );
      return groups;
    };
    const fromRaw = await read();
    await rollup.run(START + 100 * HOUR);
    expect(await read()).toEqual(fromRaw);
    expect(new Set(fromRaw.map(row => JSON.parse(row)[0]))).toEqual(
      new Set([0, 1, 2, 3, 4]),
    );
  });

  it('keeps P95 from merged rollups within 1% of the exact P95 over 72 hours of 100k latencies', async () => {
    const { calls, rollup, queries } = await setup();
    let state = 42;
    const random = () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 4294967296;
    };
    const latencies: number[] = [];
    const batch = Array.from({ length: 100_000 }, (_, i) => {
      // A heavy-tailed mix: most calls fast, some slow, a few very slow.
      const base =
        random() < 0.9 ? 200 + random() * 1800 : 2000 + Math.exp(random() * 10);
      const durationMs = Math.round(base);
      latencies.push(durationMs);
      return makeCall({
        id: `lat-${i}`,
        occurredAt: START + Math.floor(random() * 72 * HOUR),
        durationMs,
        projectId: i % 2 ? 'a' : 'b',
      });
    });
    for (let i = 0; i < batch.length; i += 1000)
      await calls.ingest(batch.slice(i, i + 1000));
    await rollup.run(START + 73 * HOUR);

    const sorted = [...latencies].sort((a, b) => a - b);
    const exact = sorted[Math.floor(0.95 * (sorted.length - 1))];
    const [group] = await queries.aggregate({
      scope: all,
      from: START,
      to: START + 72 * HOUR,
      withLatency: true,
    });
    const merged = group.usage.toTotals().p95LatencyMs!;
    expect(Math.abs(merged - exact) / exact).toBeLessThanOrEqual(0.01);

    // Averaging hourly P95s instead would be off; merging is what keeps it exact.
    const hourly = await queries.aggregate({
      scope: all,
      from: START,
      to: START + 72 * HOUR,
      withLatency: true,
      buckets: Array.from({ length: 72 }, (_, h) => START + h * HOUR),
    });
    const sketch = new LatencySketch();
    const total = new UsageAccumulator();
    for (const g of hourly) {
      sketch.merge(g.usage.sketch);
      total.merge(g.usage);
    }
    expect(
      Math.abs(sketch.quantile(0.95)! - exact) / exact,
    ).toBeLessThanOrEqual(0.01);
    expect(total.counters.latencyCount).toBe(100_000);
  });
});
