/*
 * yarn bench:soak — the plugin under steady load for a while, on PostgreSQL:
 * 50 clients cycling through the dashboard endpoints, steady ingestion over
 * HTTP and the rollup every minute, as the scheduler would run it. Reports
 * errors and the server's memory over time.
 *
 *   SOAK_MINUTES         duration (default 10); SOAK_SECONDS overrides it
 *   SOAK_CLIENTS         concurrent dashboard clients (default 50)
 *   SOAK_INGEST_RATE     calls per second ingested, in batches of 100 (default 1,000)
 *   SOAK_SEED_CALLS      calls loaded with COPY before the start (default 200,000)
 *   SOAK_DATABASE        database to (re)create (default llm_usage_soak)
 *   SOAK_MAX_HEAP_GROWTH heap growth allowed, first to last quarter (default 0.1)
 *   BENCH_PG             PostgreSQL server (default postgresql://postgres@127.0.0.1:5432)
 *
 * Run with --expose-gc (the package script does) so the heap is measured
 * after a full collection. Exits 1 on any failed request or a heap that grew.
 */
import { DatabaseRollupStore } from '../src/rollup/DatabaseRollupStore';
import { DAY_MS } from '../src/database/tables';
import { CallRollup } from '../src/rollup/CallRollup';
import {
  LoadClient,
  ResultRow,
  SERVICE_AUTH,
  closeDatabase,
  copyCalls,
  fmt,
  freshDatabase,
  hourStart,
  log,
  printTable,
  startBenchBackend,
} from './scaleSupport';

const env = process.env;
const SECONDS = Number(env.SOAK_SECONDS ?? Number(env.SOAK_MINUTES ?? 10) * 60);
const CLIENTS = Number(env.SOAK_CLIENTS ?? 50);
const INGEST_RATE = Number(env.SOAK_INGEST_RATE ?? 1000);
const SEED_CALLS = Number(env.SOAK_SEED_CALLS ?? 200_000);
const DATABASE = env.SOAK_DATABASE ?? 'llm_usage_soak';
const BATCH = 100;
const SAMPLE_MS = 5_000;
/** Heap after GC may grow this much from the first to the last quarter. */
const MAX_HEAP_GROWTH = Number(env.SOAK_MAX_HEAP_GROWTH ?? 0.1);

const MB = 1024 * 1024;

interface Sample {
  atMs: number;
  rssMb: number;
  heapMb: number;
}

function sampleMemory(started: number): Sample {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const usage = process.memoryUsage();
  return {
    atMs: Date.now() - started,
    rssMb: usage.rss / MB,
    heapMb: usage.heapUsed / MB,
  };
}

/** The sample with the median heap, and the median RSS. */
function medianSample(samples: Sample[]): Sample {
  const median = (values: number[]) =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    atMs: samples[0].atMs,
    heapMb: median(samples.map(s => s.heapMb)),
    rssMb: median(samples.map(s => s.rssMb)),
  };
}

async function main() {
  const now = Date.now();
  const to = hourStart(now);
  const from = to - 30 * DAY_MS;
  const knex = await freshDatabase(DATABASE);
  log(`COPY ${fmt(SEED_CALLS)} calls over 30 days, then roll up…`);
  await copyCalls({
    database: DATABASE,
    count: SEED_CALLS,
    from,
    hours: 30 * 24,
    seed: 11,
  });
  const rollup = new CallRollup(new DatabaseRollupStore(knex));
  await rollup.run(now);

  const { backend, base } = await startBenchBackend(knex);
  const dashboard = new LoadClient();
  const ingestion = new LoadClient();
  const samples: Sample[] = [];
  const rollupErrors: string[] = [];
  const started = Date.now();
  const sampler = setInterval(
    () => samples.push(sampleMemory(started)),
    SAMPLE_MS,
  );
  const roller = setInterval(() => {
    rollup.run(Date.now()).catch(error => rollupErrors.push(String(error)));
  }, 60_000);

  const range = `from=${new Date(
    now - 30 * DAY_MS,
  ).toISOString()}&to=${new Date(now).toISOString()}`;
  const project = 'project-0000';
  const paths = [
    '/usage/quota',
    `/usage/overview?${range}`,
    `/usage/trends?${range}&interval=day`,
    `/usage/projects?${range}`,
    `/usage/projects/${project}/stats?${range}`,
    `/usage/projects/${project}/trends?${range}&interval=day`,
    `/usage/projects/${project}/models?${range}`,
    `/usage/projects/${project}/calls?${range}`,
  ].map(path => `/api/llm-usage${path}`);

  log(
    `Soaking for ${SECONDS} s: ${CLIENTS} dashboard clients, ${fmt(
      INGEST_RATE,
    )} calls/s ingested…`,
  );
  samples.push(sampleMemory(started));
  const [reads, writes] = await Promise.all([
    dashboard.run({
      kind: 'get',
      url: base,
      paths,
      headers: { authorization: SERVICE_AUTH },
      connections: CLIENTS,
      durationSeconds: SECONDS,
    }),
    ingestion.run({
      kind: 'ingest',
      url: `${base}/calls`,
      headers: { authorization: SERVICE_AUTH },
      connections: 2,
      durationSeconds: SECONDS,
      batchesPerSecond: Math.max(1, Math.round(INGEST_RATE / BATCH)),
      batchSize: BATCH,
      seed: 12,
      // Calls of the last hours: the rollup has work every minute.
      from: to - 6 * 3_600_000,
      hours: 7,
      idPrefix: 'soak',
    }),
  ]);
  clearInterval(sampler);
  clearInterval(roller);
  samples.push(sampleMemory(started));
  dashboard.close();
  ingestion.close();
  await backend.stop();
  await closeDatabase(knex, DATABASE);

  // Medians of the first and last quarters: one sample can catch a burst of
  // requests in flight or a cache just filled; a leak moves the whole quarter.
  const quarterSize = Math.max(1, Math.floor(samples.length / 4));
  const quarter = medianSample(samples.slice(1, 1 + quarterSize));
  const last = medianSample(samples.slice(-quarterSize));
  const heapGrowth = (last.heapMb - quarter.heapMb) / quarter.heapMb;
  const rssGrowth = (last.rssMb - quarter.rssMb) / quarter.rssMb;
  const maxRss = Math.max(...samples.map(s => s.rssMb));
  const failed =
    reads.errors +
    reads.non2xx +
    writes.errors +
    writes.non2xx +
    rollupErrors.length;
  const rows: ResultRow[] = [
    {
      measure: `dashboard reads, ${CLIENTS} clients, 8 endpoints`,
      figure: `${fmt(reads.requests)} requests, ${fmt(
        (reads.requests / reads.elapsedMs) * 1000,
      )} req/s, p95 ${fmt(reads.p95 ?? 0)} ms, p99 ${fmt(reads.p99 ?? 0)} ms`,
      target: '',
    },
    {
      measure: `ingestion, batches of ${BATCH}`,
      figure: `${fmt(writes.requests * BATCH)} calls, p95 ${fmt(
        writes.p95 ?? 0,
      )} ms a batch`,
      target: '',
    },
    {
      measure: 'errors (reads, writes, rollups)',
      figure: `${reads.errors + reads.non2xx}, ${
        writes.errors + writes.non2xx
      }, ${rollupErrors.length}`,
      target: '0',
      pass: failed === 0,
    },
    {
      measure: 'heap after GC, first → last quarter (medians)',
      figure: `${fmt(quarter.heapMb)} → ${fmt(last.heapMb)} MB (${(
        heapGrowth * 100
      ).toFixed(1)}%)`,
      target: `≤ ${MAX_HEAP_GROWTH * 100}% growth`,
      pass: heapGrowth <= MAX_HEAP_GROWTH,
    },
    {
      measure: 'RSS, first → last quarter (medians; max)',
      figure: `${fmt(quarter.rssMb)} → ${fmt(last.rssMb)} MB (${(
        rssGrowth * 100
      ).toFixed(1)}%), max ${fmt(maxRss)} MB`,
      target: 'flat',
    },
  ];
  printTable(
    `LLM Usage soak — PostgreSQL, ${SECONDS} s, ${fmt(
      SEED_CALLS,
    )} calls seeded`,
    rows,
  );
  // At most 20 points, evenly spread.
  const stride = Math.max(1, Math.ceil(samples.length / 20));
  const series = samples.filter(
    (_, i) => i % stride === 0 || i === samples.length - 1,
  );
  console.log(
    `\nRSS over time (MB): ${series
      .map(s => `${Math.round(s.atMs / 1000)}s ${fmt(s.rssMb)}`)
      .join(', ')}`,
  );
  console.log(
    `Heap after GC over time (MB): ${series
      .map(s => `${Math.round(s.atMs / 1000)}s ${fmt(s.heapMb)}`)
      .join(', ')}`,
  );
  if (rollupErrors.length > 0) console.log(rollupErrors.join('\n'));
  process.exit(rows.some(row => row.pass === false) ? 1 : 0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
