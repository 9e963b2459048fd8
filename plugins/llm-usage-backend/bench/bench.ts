/*
 * yarn bench: ingestion, rollup and usage-query figures on PostgreSQL.
 *
 *   BENCH_CALLS        calls to ingest over HTTP (default 1,000,000)
 *   BENCH_PG           PostgreSQL server (default postgresql://postgres@127.0.0.1:5432)
 *   BENCH_ITERATIONS   timed requests per endpoint (default 40)
 *   BENCH_LOAD_CLIENTS, BENCH_LOAD_SECONDS
 *                      every read cycled by this many clients for this long,
 *                      as the admin and as the viewer (default 50, 10 s;
 *                      0 seconds skips it)
 *   BENCH_DETAIL_DAYS  llmUsage.rollup.detailDays (default 2; `all`: unset)
 *   BENCH_READS        only the reads whose name contains one of these
 *                      comma-separated words, e.g. `quota` (default: all)
 *
 * It creates (and drops) its own database, starts the plugin in a test
 * backend on a real HTTP port, and prints a table: each figure, its target
 * (issue 2), pass or fail, and the 1-minute load average when it was taken,
 * since the machine may be shared. Not a test: it measures.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { Worker } from 'node:worker_threads';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DatabaseCallStore } from '../src/database/DatabaseCallStore';
import { DatabaseRollupStore } from '../src/rollup/DatabaseRollupStore';
import { UsageQueries } from '../src/usage/UsageQueries';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  HOURLY_TABLE,
  PROJECT_DAYS_TABLE,
} from '../src/database/tables';
import { CallRollup } from '../src/rollup/CallRollup';
import { UsageService } from '../src/usage/UsageService';
import { ProjectDirectory } from '../src/visibility/ProjectDirectory';
import { makeCall } from '../src/__testUtils__/databases';
import {
  drain,
  freshDatabase,
  percentile,
  RawOnlyRollupStore,
  startBenchBackend,
  time,
} from './scaleSupport';
import {
  BENCH_CATALOG,
  benchPermissions,
  compareWithEngines,
  createBudgets,
  type LoadRow,
  printComparison,
  printLoad,
  readsUnderLoad,
} from './compare';
import { storageSizes, printStorage } from './storage';

const TOTAL = Number(process.env.BENCH_CALLS ?? 1_000_000);
const PG = process.env.BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432';
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 40);
const LOAD_CLIENTS = Number(process.env.BENCH_LOAD_CLIENTS ?? 50);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
/** llmUsage.rollup.detailDays (default 2); `all`: every day keeps its detail rows. */
const DETAIL_DAYS =
  process.env.BENCH_DETAIL_DAYS === 'all'
    ? undefined
    : Number(process.env.BENCH_DETAIL_DAYS ?? 2);
const READS = process.env.BENCH_READS?.split(',').map(word => word.trim());
/** Whether the read of this name is timed (see BENCH_READS). */
const timesRead = (name: string) =>
  !READS || READS.some(word => name.includes(word));
const DATABASE = 'llm_usage_bench';
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** One line of the result table. */
interface Row {
  figure: string;
  value: string;
  target: string;
  /** Undefined for figures without a target. */
  pass?: boolean;
  load: number;
}

function row(figure: string, value: string, target = '', pass?: boolean): Row {
  return { figure, value, target, pass, load: loadavg()[0] };
}

function printTable(rows: Row[]) {
  const header: Row = {
    figure: 'figure',
    value: 'value',
    target: 'target',
    load: 0,
  };
  const verdict = (r: Row) => {
    if (r === header) return 'result';
    if (r.pass === undefined) return '';
    return r.pass ? 'pass' : 'FAIL';
  };
  const load = (r: Row) => (r === header ? 'load (1 min)' : r.load.toFixed(2));
  const table = [header, ...rows];
  const widths = [
    Math.max(...table.map(r => r.figure.length)),
    Math.max(...table.map(r => r.value.length)),
    Math.max(...table.map(r => r.target.length)),
    Math.max(...table.map(r => verdict(r).length)),
  ];
  for (const r of table) {
    console.log(
      [
        r.figure.padEnd(widths[0]),
        r.value.padEnd(widths[1]),
        r.target.padEnd(widths[2]),
        verdict(r).padEnd(widths[3]),
        load(r),
      ].join('  '),
    );
  }
}

/**
 * CPU seconds spent by this process (all threads) and by the database's
 * server processes while `fn` runs: unlike wall time, barely affected by
 * other jobs on a shared machine. PostgreSQL must run on this host.
 */
async function cpuOf<T>(
  knex: Knex,
  fn: () => Promise<T>,
): Promise<[string, T]> {
  // Per server process, so connections that close meanwhile do not count
  // negative; the CPU of one that closes is lost (the pool keeps them open).
  const serverCpu = async () => {
    const { rows } = await knex.raw(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
    );
    const seconds = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
          .split(') ')[1]
          .split(' ');
        seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
      } catch {
        // gone, or PostgreSQL runs elsewhere
      }
    }
    return seconds;
  };
  const [server, own] = [await serverCpu(), process.cpuUsage()];
  const result = await fn();
  const used = process.cpuUsage(own);
  const node = (used.user + used.system) / 1e6;
  let database = 0;
  for (const [pid, seconds] of await serverCpu()) {
    database += seconds - (server.get(pid) ?? 0);
  }
  return [
    `CPU: Node ${node.toFixed(1)} s, PostgreSQL ${database.toFixed(1)} s`,
    result,
  ];
}

async function sample(iterations: number, fn: () => Promise<unknown>) {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push((await time(fn))[0]);
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

function ingestOverHttp(
  url: string,
  from: number,
  days: number,
  total: number,
) {
  return new Promise<{ sent: number; elapsedMs: number }>(
    (resolvePromise, reject) => {
      const worker = new Worker(resolve(__dirname, 'ingestWorker.js'), {
        workerData: {
          url,
          authorization: mockCredentials.service.header(),
          total,
          batchSize: 1000,
          concurrency: 4,
          seed: 1,
          from,
          days,
        },
      });
      worker.once('message', message =>
        message.error
          ? reject(new Error(message.error))
          : resolvePromise(message),
      );
      worker.once('error', reject);
    },
  );
}

async function main() {
  const knex = await freshDatabase(DATABASE, 10);
  const { base } = await startBenchBackend(knex, {
    entities: BENCH_CATALOG,
    permissions: benchPermissions,
  });
  await createBudgets(base);
  const rows: Row[] = [];
  const now = Date.now();
  const to = Math.floor(now / HOUR) * HOUR;
  const from = to - 30 * DAY;

  // The 30 days read and the day before, as busy: the cold reads step
  // onwards from ranges that start in it (see compareWithEngines).
  const ingestedDays = 31;
  const ingestedCalls = Math.round((TOTAL * ingestedDays) / 30);
  console.log(
    `Ingesting ${ingestedCalls.toLocaleString(
      'en-US',
    )} calls over HTTP (the 30 days read and the day before; batches of 1000, 4 concurrent)…`,
  );
  const [ingestCpu, ingest] = await cpuOf(knex, () =>
    ingestOverHttp(`${base}/calls`, from - DAY, ingestedDays, ingestedCalls),
  );
  const ingestRate = Math.round((ingest.sent / ingest.elapsedMs) * 1000);
  rows.push(
    row(
      'ingestion over HTTP',
      `${ingestRate.toLocaleString('en-US')} calls/s (${ingestCpu})`,
      '≥ 10,000 calls/s',
      ingestRate >= 10_000,
    ),
  );

  // Autovacuum keeps planner statistics current in production; a test
  // server may run without it, and the rollup's plan depends on them.
  await knex.raw(`ANALYZE ${CALLS_TABLE}`);

  const rollups = new DatabaseRollupStore(knex);
  const rollup = new CallRollup(rollups, undefined, undefined, undefined, {
    detailDays: DETAIL_DAYS,
  });
  console.log('Rolling up everything…');
  const [[fullMs, full], rollupCpu] = await cpuOf(knex, () =>
    time(() => rollup.run(now)),
  ).then(([cpu, timed]) => [timed, cpu] as const);
  rows.push(
    row(
      `full rollup (${full.calls.toLocaleString('en-US')} calls, ${
        full.hours
      } hours)`,
      `${(fullMs / 1000).toFixed(1)} s (${rollupCpu})`,
      '≤ 20 s',
      fullMs <= 20_000,
    ),
  );

  if (DETAIL_DAYS !== undefined) {
    // The run after the one that announced the older days deletes their
    // detail rows (see src/rollup/rawDetailDays.ts).
    const [pruneMs] = await time(() => rollup.run(now));
    rows.push(
      row(
        `detail rows of days before the last ${DETAIL_DAYS} deleted`,
        `${(pruneMs / 1000).toFixed(1)} s`,
      ),
    );
  }

  // As autovacuum would after the rollup's writes.
  await knex.raw(
    `ANALYZE ${HOURLY_TABLE}, ${DAILY_TABLE}, ${PROJECT_DAYS_TABLE}`,
  );

  // Late calls into one closed hour, then the incremental rollup of that hour.
  const lateHour = to - 3 * DAY + 5 * HOUR;
  await new DatabaseCallStore(knex).ingest(
    Array.from({ length: 1000 }, (_, i) =>
      makeCall({ id: `late-${i}`, occurredAt: lateHour + i * 1000 }),
    ),
  );
  const [hourMs] = await time(() => rollup.run(now));
  rows.push(row('one hour re-rolled (late calls)', `${hourMs.toFixed(0)} ms`));

  const auth = { authorization: mockCredentials.service.header() };
  const range = `from=${new Date(from).toISOString()}&to=${new Date(
    to,
  ).toISOString()}`;
  const endpoints: Array<[string, string]> = [
    ['overview', `/usage/overview?${range}`],
    [
      'trends (day, Asia/Shanghai)',
      `/usage/trends?${range}&interval=day&tz=Asia/Shanghai`,
    ],
    ['projects (sorted by P95)', `/usage/projects?${range}&sort=p95Latency`],
    // The list's default sort: only the page's latency sketches are merged.
    ['projects (sorted by cost)', `/usage/projects?${range}&sort=cost`],
  ];
  const projects = new ProjectDirectory(catalogServiceMock({ entities: [] }), {
    getOwnServiceCredentials: async () => mockCredentials.service(),
  } as any);
  const callStore = new DatabaseCallStore(knex);
  const fast = new UsageService(
    new UsageQueries(knex, rollups),
    callStore,
    projects,
  );
  const raw = new UsageService(
    new UsageQueries(knex, new RawOnlyRollupStore(knex)),
    callStore,
    projects,
  );
  const all = { kind: 'all' } as const;
  const inProcess: Record<string, (service: UsageService) => Promise<unknown>> =
    {
      overview: s => s.overview(all, { from, to }),
      'trends (day, Asia/Shanghai)': s =>
        s.trends(all, {
          from,
          to,
          interval: 'day',
          tz: 'Asia/Shanghai',
          split: 'none',
        }),
      'projects (sorted by P95)': s =>
        s.projectList(all, {
          from,
          to,
          sort: 'p95Latency',
          order: 'desc',
          offset: 0,
          limit: 25,
        }),
      'projects (sorted by cost)': s =>
        s.projectList(all, {
          from,
          to,
          sort: 'cost',
          order: 'desc',
          offset: 0,
          limit: 25,
        }),
    };

  for (const [name, path] of endpoints.filter(([read]) => timesRead(read))) {
    const http = await sample(ITERATIONS, async () => {
      const res = await fetch(`${base}${path}`, { headers: auth });
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
      await res.json();
    });
    const rolled = await sample(ITERATIONS, () => inProcess[name](fast));
    const fromRaw = await sample(3, () => inProcess[name](raw));
    const ratio = fromRaw.p50 / rolled.p50;
    rows.push(
      row(
        `GET ${name}, 30 days`,
        `HTTP p50 ${http.p50.toFixed(1)} ms, p95 ${http.p95.toFixed(1)} ms`,
        'p95 ≤ 50 ms',
        http.p95 <= 50,
      ),
      row(
        `  same aggregate from raw rows`,
        `p50 ${fromRaw.p50.toFixed(0)} ms: ${ratio.toFixed(
          0,
        )}× the rollups' p50 ${rolled.p50.toFixed(1)} ms`,
        '≥ 20×',
        ratio >= 20,
      ),
    );
  }

  const storage = await storageSizes(knex);
  const comparison = await compareWithEngines({
    knex,
    connectionString: `${PG}/${DATABASE}`,
    base,
    from,
    to,
    now,
    iterations: ITERATIONS,
    includes: timesRead,
    log: line => console.log(line),
  });

  let underLoad: LoadRow[] = [];
  if (LOAD_SECONDS > 0) {
    console.log(
      `Every read at once, ${LOAD_CLIENTS} clients, ${LOAD_SECONDS} s as the admin, then as the viewer…`,
    );
    underLoad = await readsUnderLoad({
      base,
      from,
      to,
      now,
      clients: LOAD_CLIENTS,
      seconds: LOAD_SECONDS,
      includes: timesRead,
    });
    // The server still answers what the clients left queued.
    await drain(knex);
  }

  console.log(
    `\nLLM Usage bench — PostgreSQL, ${TOTAL.toLocaleString(
      'en-US',
    )} calls over 30 days\n`,
  );
  printTable(rows);
  console.log(
    '\nEvery read over HTTP (p50 ms; uncached: nothing cached; late call: after a late call re-rolled an hour of today;' +
      ' cold: the first read after an hourly rollup, the range an hour on)' +
      ' next to the same query on raw calls in ClickHouse (chdb) and DuckDB:\n',
  );
  printComparison(comparison.rows);
  if (underLoad.length > 0) {
    console.log(
      '\nAll reads cycled under load (cached, as most reads are), admin vs viewer:\n',
    );
    printLoad(underLoad, LOAD_CLIENTS);
  }
  console.log('\nStorage:\n');
  printStorage(storage, comparison.sizes);
  await knex.destroy();
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
