/*
 * yarn bench:scale — the organisation-scale bench of issue 7, on PostgreSQL.
 *
 *   BENCH_SCALE_CALLS       calls generated over 90 days with COPY (default 10,000,000)
 *   BENCH_SCALE_HTTP_CALLS  calls ingested over HTTP in batches of 500 (default 1,000,000)
 *   BENCH_SCALE_SECONDS     seconds of load per endpoint and range (default 10)
 *   BENCH_SCALE_DATABASE    database to (re)create (default llm_usage_scale)
 *   BENCH_SCALE_KEEP=1      keep the database afterwards
 *   BENCH_ENFORCE=1         exit 1 when a performance target is missed
 *   BENCH_PG                PostgreSQL server (default postgresql://postgres@127.0.0.1:5432)
 *
 * 1,000 projects, 300 users, 30 models, 4 providers (bench/callGenerator.js).
 * Prints a table of figures with their targets. Correctness checks (rollup
 * totals equal raw totals, no failed request) always set the exit code.
 */
import { DatabaseCallStore } from '../src/database/DatabaseCallStore';
import { DatabaseRollupStore } from '../src/rollup/DatabaseRollupStore';
import { UsageQueries } from '../src/usage/UsageQueries';
import { CALLS_TABLE, DAY_MS, HOUR_MS } from '../src/database/tables';
import { CallRollup } from '../src/rollup/CallRollup';
import { UsageService } from '../src/usage/UsageService';
import { ProjectDirectory } from '../src/visibility/ProjectDirectory';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import {
  LoadClient,
  RawOnlyRollupStore,
  ResultRow,
  SERVICE_AUTH,
  closeDatabase,
  copyCalls,
  drain,
  fmt,
  freshDatabase,
  generator,
  hourStart,
  log,
  medianMs,
  printTable,
  startBenchBackend,
  time,
  toRow,
} from './scaleSupport';

const env = process.env;
const CALLS = Number(env.BENCH_SCALE_CALLS ?? 10_000_000);
const HTTP_CALLS = Number(env.BENCH_SCALE_HTTP_CALLS ?? 1_000_000);
const SECONDS = Number(env.BENCH_SCALE_SECONDS ?? 10);
const DATABASE = env.BENCH_SCALE_DATABASE ?? 'llm_usage_scale';
const ENFORCE = env.BENCH_ENFORCE === '1';
const DAYS = 90;
const FULL_SCALE = 10_000_000;
const BATCH = 500;
const INGEST_CONNECTIONS = 8;
const CLIENTS = 50;
const PAGE_SIZE = 50;
const MIN_P95_SAMPLES = 200;

const rows: ResultRow[] = [];
const problems: string[] = [];

function services(knex: Knex) {
  const projects = new ProjectDirectory(catalogServiceMock({ entities: [] }), {
    getOwnServiceCredentials: async () => mockCredentials.service(),
  } as any);
  const calls = new DatabaseCallStore(knex);
  const rollups = new DatabaseRollupStore(knex);
  return {
    rollups,
    /** As the endpoints read: rolled sums cached per rollup generation. */
    fast: new UsageService(new UsageQueries(knex, rollups), calls, projects),
    /** Every read from the rollup tables, as after each rollup. */
    cold: new UsageService(
      new UsageQueries(knex, rollups, { cache: false }),
      calls,
      projects,
    ),
    raw: new UsageService(
      new UsageQueries(knex, new RawOnlyRollupStore(knex), { cache: false }),
      calls,
      projects,
    ),
  };
}

async function countCalls(knex: Knex, idPrefix?: string) {
  const query = knex(CALLS_TABLE).count({ n: '*' });
  if (idPrefix) query.where('id', 'like', `${idPrefix}-%`);
  return Number((await query)[0].n);
}

async function busiestProjects(knex: Knex, limit: number) {
  const counts = (await knex(CALLS_TABLE)
    .select('project_id')
    .count({ n: '*' })
    .groupBy('project_id')
    .orderBy('n', 'desc')
    .limit(limit)) as Array<{ project_id: string; n: string | number }>;
  return counts.map(row => ({
    projectId: row.project_id,
    calls: Number(row.n),
  }));
}

/** Bare multi-row INSERTs of the rows the HTTP run sent: the physical limit. */
async function bareInsert(knex: Knex, from: number, batches: number) {
  const next = generator.createCallGenerator({
    seed: 7,
    from,
    hours: 24,
    idPrefix: 'bare',
  });
  let batch = 0;
  const now = Date.now();
  const lane = async () => {
    for (;;) {
      const mine = batch++;
      if (mine >= batches) return;
      const values = [];
      for (let i = 0; i < BATCH; i++) {
        values.push(toRow(next(mine * BATCH + i), now));
      }
      await knex(CALLS_TABLE).insert(values);
    }
  };
  const [ms] = await time(() =>
    Promise.all(Array.from({ length: INGEST_CONNECTIONS }, lane)),
  );
  return ms;
}

async function main() {
  const now = Date.now();
  const to = hourStart(now);
  const from = to - DAYS * DAY_MS;
  const knex = await freshDatabase(DATABASE);
  const { rollups, fast, cold, raw } = services(knex);
  const rollup = new CallRollup(rollups);
  const all = { kind: 'all' } as const;

  // 1. Generate with COPY.
  log(`COPY ${fmt(CALLS)} calls over ${DAYS} days…`);
  const [copyMs] = await time(() =>
    copyCalls({
      database: DATABASE,
      count: CALLS,
      from,
      hours: DAYS * 24,
      seed: 1,
      onProgress: loaded => log(`  ${fmt(loaded)} loaded`),
    }),
  );
  rows.push({
    measure: `generate ${fmt(CALLS)} calls with COPY`,
    figure: `${fmt(copyMs / 1000, 1)} s (${fmt(
      (CALLS / copyMs) * 1000,
    )} calls/s)`,
    target: '',
  });

  // 2. Full rollup.
  log('Full rollup…');
  const [fullMs, full] = await time(() => rollup.run(now));
  const projectedFull = (fullMs * FULL_SCALE) / CALLS;
  rows.push({
    measure: `full rollup, ${fmt(full.calls)} calls, ${fmt(full.hours)} hours`,
    figure: `${fmt(fullMs / 1000, 1)} s (${fmt(
      (full.calls / fullMs) * 1000,
    )} calls/s)`,
    target:
      CALLS >= FULL_SCALE
        ? '≤ 180 s'
        : `≤ 180 s at 10M (linear projection ${fmt(projectedFull / 1000)} s)`,
    pass: CALLS >= FULL_SCALE ? fullMs <= 180_000 : undefined,
  });

  // 3. One hour's incremental rollup after late calls.
  const lateHour = to - 3 * DAY_MS + 5 * HOUR_MS;
  const late = generator.createCallGenerator({
    seed: 3,
    from: lateHour,
    hours: 1,
    idPrefix: 'late',
  });
  await new DatabaseCallStore(knex).ingest(
    Array.from({ length: 1000 }, (_, i) => {
      const call = late(i);
      return {
        ...call,
        apiKeyId: '',
        costNanos: BigInt(call.costNanos),
        metadata: null,
      };
    }),
  );
  const [hourMs, hour] = await time(() => rollup.run(now));
  rows.push({
    measure: `one hour's incremental rollup (${fmt(
      hour.calls,
    )} calls in its day)`,
    figure: `${fmt(hourMs)} ms`,
    target: '≤ 2,000 ms',
    pass: hourMs <= 2000,
  });

  // 4. Ingestion over HTTP next to bare INSERTs of the same rows.
  const { backend, base } = await startBenchBackend(knex);
  const load = new LoadClient();
  try {
    const batches = Math.max(1, Math.floor(HTTP_CALLS / BATCH));
    log(
      `Ingesting ${fmt(
        batches * BATCH,
      )} calls over HTTP (autocannon, ${INGEST_CONNECTIONS} connections)…`,
    );
    const ingest = await load.run({
      kind: 'ingest',
      url: `${base}/calls`,
      headers: { authorization: SERVICE_AUTH },
      connections: INGEST_CONNECTIONS,
      batches,
      batchSize: BATCH,
      // Gateways send recent calls: the last closed day.
      seed: 7,
      from: to - DAY_MS,
      hours: 24,
      idPrefix: 'http',
    });
    const ingested = await countCalls(knex, 'http');
    if (ingest.errors > 0 || ingest.non2xx > 0) {
      problems.push(
        `HTTP ingestion: ${ingest.errors} errors, ${ingest.non2xx} non-2xx`,
      );
    }
    const httpRate = (ingested / ingest.elapsedMs) * 1000;
    log('Bare multi-row INSERTs of the same rows…');
    const bareMs = await bareInsert(knex, to - DAY_MS, batches);
    const bareRate = (batches * BATCH * 1000) / bareMs;
    await knex(CALLS_TABLE).where('id', 'like', 'bare-%').delete();
    rows.push({
      measure: `ingestion over HTTP, ${fmt(
        ingested,
      )} calls in batches of ${BATCH}`,
      figure: `${fmt(httpRate)} calls/s (p95 ${fmt(
        ingest.p95 ?? 0,
      )} ms a batch)`,
      target: '≥ 20,000 calls/s',
      pass: httpRate >= 20_000,
    });
    rows.push({
      measure: '  ratio to bare multi-row INSERT',
      figure: `${(httpRate / bareRate).toFixed(2)} (INSERT ${fmt(
        bareRate,
      )} rows/s)`,
      target: '≥ 0.5',
      pass: httpRate / bareRate >= 0.5,
    });
    const [catchUpMs, catchUp] = await time(() => rollup.run(Date.now()));
    rows.push({
      measure: `  rollup catch-up after it (${fmt(catchUp.hours)} hours)`,
      figure: `${fmt(catchUpMs / 1000, 1)} s`,
      target: '',
    });

    // 5. Rollups equal raw: the figures below are only worth it if so.
    const range90 = {
      from: Date.now() - DAYS * DAY_MS - DAY_MS,
      to: Date.now(),
    };
    const [rolled, exact] = await Promise.all([
      fast.overview(all, range90),
      raw.overview(all, range90),
    ]);
    const counted = (t: typeof rolled.current) =>
      JSON.stringify([
        t.calls,
        t.successCalls,
        t.failedCalls,
        t.processingCalls,
        t.inputTokens,
        t.outputTokens,
        t.cachedTokens,
        t.costs,
      ]);
    const totalsMatch = counted(rolled.current) === counted(exact.current);
    if (!totalsMatch) problems.push('rollup totals differ from raw totals');
    rows.push({
      measure: 'rollup totals equal raw totals (calls, tokens, costs)',
      figure: totalsMatch ? `yes (${fmt(rolled.current.calls)} calls)` : 'NO',
      target: 'equal',
      pass: totalsMatch,
    });

    // 6. The 8 usage endpoints under 50 concurrent clients, 30 and 90 days.
    const [{ projectId: project, calls: topCalls }] = await busiestProjects(
      knex,
      1,
    );
    for (const days of [30, 90]) {
      const rangeTo = Date.now();
      const range = { from: rangeTo - days * DAY_MS, to: rangeTo };
      const qs = `from=${new Date(range.from).toISOString()}&to=${new Date(
        range.to,
      ).toISOString()}`;
      const endpoints: Array<{
        name: string;
        path: string;
        inProcess?: (s: UsageService) => Promise<unknown>;
      }> = [
        {
          name: 'overview',
          path: `/usage/overview?${qs}`,
          inProcess: s => s.overview(all, range),
        },
        {
          name: 'projects',
          path: `/usage/projects?${qs}`,
          inProcess: s =>
            s.projectList(all, {
              ...range,
              sort: 'cost',
              order: 'desc',
              offset: 0,
              limit: 25,
            }),
        },
        {
          name: 'trends (day)',
          path: `/usage/trends?${qs}&interval=day`,
          inProcess: s =>
            s.trends(all, {
              ...range,
              interval: 'day',
              tz: 'UTC',
              split: 'none',
            }),
        },
        {
          name: 'project stats',
          path: `/usage/projects/${project}/stats?${qs}`,
          inProcess: s => s.projectStats(all, project, range),
        },
        {
          name: 'project trends (day)',
          path: `/usage/projects/${project}/trends?${qs}&interval=day`,
          inProcess: s =>
            s.projectTrends(all, project, {
              ...range,
              interval: 'day',
              tz: 'UTC',
            }),
        },
        {
          name: 'project models',
          path: `/usage/projects/${project}/models?${qs}`,
          inProcess: s => s.projectModels(all, project, range),
        },
        {
          name: 'project calls (page 1)',
          path: `/usage/projects/${project}/calls?${qs}`,
        },
      ];
      if (days === 30)
        endpoints.unshift({ name: 'quota', path: '/usage/quota' });
      for (const endpoint of endpoints) {
        log(`GET ${endpoint.name}, ${days} days, ${CLIENTS} clients…`);
        const result = await load.run({
          kind: 'get',
          url: `${base}${endpoint.path}`,
          headers: { authorization: SERVICE_AUTH },
          connections: CLIENTS,
          durationSeconds: SECONDS,
        });
        if (result.errors > 0 || result.non2xx > 0) {
          problems.push(
            `${endpoint.name} ${days}d: ${result.errors} errors, ${result.non2xx} non-2xx`,
          );
        }
        const label =
          endpoint.name === 'quota'
            ? 'quota'
            : `${endpoint.name}, ${days} days`;
        rows.push({
          measure: `GET ${label}`,
          figure:
            result.requests === 0
              ? `no answer within the ${SECONDS} s window`
              : `p95 ${fmt(result.p95 ?? 0)} ms, p50 ${fmt(
                  result.p50 ?? 0,
                )} ms, ${fmt(
                  (result.requests / result.elapsedMs) * 1000,
                )} req/s`,
          target: 'p95 ≤ 100 ms',
          pass: (result.p95 ?? Infinity) <= 100 && result.non2xx === 0,
        });
        if (endpoint.inProcess) {
          const rolledMs = await medianMs(5, () => endpoint.inProcess!(fast));
          const coldMs = await medianMs(3, () => endpoint.inProcess!(cold));
          const rawMs = await medianMs(1, () => endpoint.inProcess!(raw));
          rows.push({
            measure: '  same aggregate from raw rows',
            figure: `${fmt(rawMs)} ms vs ${fmt(rolledMs, 1)} ms: ${fmt(
              rawMs / rolledMs,
            )}× (uncached rollups ${fmt(coldMs, 1)} ms: ${fmt(
              rawMs / coldMs,
            )}×)`,
            target: '≥ 100×',
            pass: rawMs / rolledMs >= 100,
          });
        }
      }
    }

    // 7. Call history: the Nth page no slower than the first.
    const pages = Math.max(2, Math.min(1000, Math.floor(topCalls / PAGE_SIZE)));
    const historyRange = `from=${new Date(
      Date.now() - DAYS * DAY_MS,
    ).toISOString()}&to=${new Date().toISOString()}`;
    const pageUrl = (cursor?: string) =>
      `${base}/usage/projects/${project}/calls?${historyRange}&limit=${PAGE_SIZE}${
        cursor ? `&cursor=${cursor}` : ''
      }`;
    const fetchPage = async (cursor?: string) => {
      const res = await fetch(pageUrl(cursor), {
        headers: { authorization: SERVICE_AUTH },
      });
      if (!res.ok) throw new Error(`call history: ${res.status}`);
      return (await res.json()) as { nextCursor?: string };
    };
    log(`Walking ${pages} pages of call history…`);
    let cursor: string | undefined;
    for (let page = 1; page < pages; page++) {
      cursor = (await fetchPage(cursor)).nextCursor;
      if (!cursor) throw new Error(`call history ended at page ${page}`);
    }
    const lastCursor = cursor;
    const firstMs = await medianMs(10, () => fetchPage());
    const nthMs = await medianMs(10, () => fetchPage(lastCursor));
    rows.push({
      measure: `call history page ${pages} vs page 1 (${PAGE_SIZE} a page)`,
      figure: `${fmt(nthMs, 1)} ms vs ${fmt(firstMs, 1)} ms: ${(
        nthMs / firstMs
      ).toFixed(2)}×`,
      target: '≤ 1.5×',
      pass: nthMs / firstMs <= 1.5,
    });

    // 8. P95 from rollups next to the exact P95 from raw rows.
    log('P95 accuracy on 100 random (project, range) pairs…');
    const candidates = (await busiestProjects(knex, 200)).map(p => p.projectId);
    const random = generator.createRandom(99);
    let worst = 0;
    let over = 0;
    let compared = 0;
    let rawSketchWorst = 0;
    let worstPair = '';
    // Pairs with too few calls compare neighbouring samples, not accuracy.
    for (let attempt = 0; attempt < 2000 && compared < 100; attempt++) {
      const projectId = candidates[Math.floor(random() * candidates.length)];
      const length = Math.ceil(random() * 30 * DAY_MS);
      const start = from + Math.floor(random() * (DAYS * DAY_MS - length));
      const span = { from: start, to: start + length };
      // The exact P95: the raw duration at rank ⌊0.95 (n − 1)⌋, the rank
      // DDSketch reads (percentile_disc takes ⌈0.95 n⌉ − 1, often the next
      // sample, which at a few hundred calls can be several % away).
      const [{ p95, n }] = (
        await knex.raw(
          `WITH d AS (
             SELECT duration_ms,
                    row_number() OVER (ORDER BY duration_ms) - 1 AS i,
                    count(*) OVER () AS n
             FROM ${CALLS_TABLE}
             WHERE project_id = ? AND occurred_at >= ? AND occurred_at < ?
               AND status <> 'processing' AND duration_ms IS NOT NULL)
           SELECT duration_ms AS p95, n FROM d
           WHERE i = floor(0.95 * (n - 1))
           UNION ALL SELECT NULL, 0 LIMIT 1`,
          [projectId, span.from, span.to],
        )
      ).rows;
      if (Number(n) < MIN_P95_SAMPLES) continue;
      const relativeError = (value: number | null) =>
        Math.abs((value ?? 0) - Number(p95)) / Number(p95);
      const error = relativeError(
        (await fast.projectStats(all, projectId, span)).stats.p95LatencyMs,
      );
      // The same sketch fed from raw rows: tells the sketch's own error
      // from what the rollups add.
      rawSketchWorst = Math.max(
        rawSketchWorst,
        relativeError(
          (await raw.projectStats(all, projectId, span)).stats.p95LatencyMs,
        ),
      );
      if (error > worst)
        worstPair = `${projectId} ${new Date(
          span.from,
        ).toISOString()}..${new Date(span.to).toISOString()}: ${p95} exact`;
      compared += 1;
      worst = Math.max(worst, error);
      if (error > 0.01) over += 1;
    }
    rows.push({
      measure: `P95 from rollups vs exact, ${compared} (project, range) pairs of ≥ ${MIN_P95_SAMPLES} calls`,
      figure: `max relative error ${(worst * 100).toFixed(
        2,
      )}%, ${over} over 1% (the sketch fed from raw rows: max ${(
        rawSketchWorst * 100
      ).toFixed(2)}%)`,
      target: '≤ 1%',
      pass: compared > 0 ? worst <= 0.01 : undefined,
    });
    if (worst > 0.01) log(`Worst P95 pair: ${worstPair}`);
  } finally {
    load.close();
    await drain(knex);
    await backend.stop();
  }

  printTable(
    `LLM Usage scale bench — PostgreSQL, ${fmt(
      CALLS,
    )} calls over ${DAYS} days, ${fmt(
      HTTP_CALLS,
    )} over HTTP, ${SECONDS} s per endpoint, ${CLIENTS} clients`,
    rows,
  );
  if (problems.length > 0) {
    console.log(`\nProblems:\n  ${problems.join('\n  ')}`);
  }
  await closeDatabase(knex, DATABASE, { keep: env.BENCH_SCALE_KEEP === '1' });
  const missed = rows.filter(row => row.pass === false).length;
  process.exit(problems.length > 0 || (ENFORCE && missed > 0) ? 1 : 0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
