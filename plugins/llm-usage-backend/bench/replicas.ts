/*
 * yarn bench:replicas: one backend replica, then three, on one PostgreSQL
 * database behind the same round-robin proxy, driven by the same clients.
 *
 *   BENCH_CALLS              calls ingested over HTTP per run (default 100,000)
 *   BENCH_REPLICAS           the runs, in order (default `1,3`; `1,3,1,3` alternates)
 *   BENCH_INGEST_CONNECTIONS concurrent ingestion batches of 1000 (default 6)
 *   BENCH_LOAD_CLIENTS, BENCH_LOAD_SECONDS
 *                            the mixed cached reads of `yarn bench`, as the admin
 *                            and as the viewer (default 50 clients, 10 s), after
 *                            BENCH_WARM_UP_SECONDS (default 10) of the same, untimed
 *   BENCH_POOL               connections per replica (default 10)
 *   BENCH_PG                 PostgreSQL server (default postgresql://postgres@127.0.0.1:5432)
 *
 * Each replica is its own process (its own event loop, pool and real,
 * database-backed scheduler); the proxy and the load clients are processes
 * too, so every part can use any core. Per run: ingestion over the proxy,
 * then every global task triggered on every replica at once (each must run
 * once, and the rollups' totals must equal the raw calls'), then the reads
 * under load. Each figure comes with the CPU the replicas, PostgreSQL, the
 * proxy and the load clients spent per unit of it (from /proc, so this host
 * only), the cores they kept busy and the 1-minute load average.
 * Not a test: it measures.
 *
 * These replicas keep events in memory, each its own. `yarn bench:replicas
 * signals` times live updates crossing replicas through the events backend
 * instead (bench/signalsAcrossReplicas.ts).
 */
import {
  coreServices,
  createServiceFactory,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import knexFactory, { type Knex } from 'knex';
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  DAY_MS,
  HOURLY_TABLE,
  PROJECT_DAYS_TABLE,
  hourStartOf,
} from '../src/database/tables';
import {
  BENCH_CATALOG,
  benchPermissions,
  createBudgets,
  readsUnderLoad,
} from './compare';
import {
  LoadClient,
  PG,
  type ResultRow,
  SERVICE_AUTH,
  dropDatabase,
  fmt,
  freshDatabase,
  printTable,
  startBenchBackend,
} from './scaleSupport';
import { runSignalsReplica, signalsBench } from './signalsAcrossReplicas';

const TOTAL = Number(process.env.BENCH_CALLS ?? 100_000);
const RUNS = (process.env.BENCH_REPLICAS ?? '1,3').split(',').map(Number);
const INGEST_CONNECTIONS = Number(process.env.BENCH_INGEST_CONNECTIONS ?? 6);
const LOAD_CLIENTS = Number(process.env.BENCH_LOAD_CLIENTS ?? 50);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 10);
const POOL = Number(process.env.BENCH_POOL ?? 10);
const DATABASE = 'llm_usage_bench_replicas';
const BATCH = 1000;

/** Messages between the bench and its replica and proxy processes. */
type Message =
  | { ready: number }
  | { run: string; replica: number; finished: boolean }
  | { triggered: string[] }
  | { trigger: true }
  | { stop: true };

/** This file in a new process, in the given role. */
function spawn(
  role: string,
  ...args: string[]
): Promise<[ChildProcess, number]> {
  const child = fork(__filename, [role, ...args], {
    stdio: 'inherit',
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (message: Message) => {
      if ('ready' in message) resolve([child, message.ready]);
    });
    child.once('exit', code =>
      reject(new Error(`${role} exited with ${code}`)),
    );
  });
}

/** The plugin's scheduler, in a replica process (the plugin is its only user). */
let pluginScheduler: SchedulerService | undefined;

/**
 * The real scheduler, telling the bench when each run of a task starts and
 * ends, so it can count the runs across replicas.
 */
function reportingScheduler(replica: number) {
  return createServiceFactory({
    service: coreServices.scheduler,
    deps: {
      database: coreServices.database,
      logger: coreServices.logger,
      rootLifecycle: coreServices.rootLifecycle,
      httpRouter: coreServices.httpRouter,
      pluginMetadata: coreServices.pluginMetadata,
      metrics: metricsServiceRef,
    },
    factory(deps) {
      const real = DefaultSchedulerService.create(deps);
      const report = (run: string, finished: boolean) =>
        process.send!({ run, replica, finished } satisfies Message);
      // Its own createScheduledTaskRunner calls this scheduleTask.
      const scheduler: SchedulerService = Object.create(real);
      scheduler.scheduleTask = task =>
        real.scheduleTask.call(scheduler, {
          ...task,
          // A worker waits out its initial delay before it even polls for
          // triggers; a replica of the bench polls from the start.
          initialDelay: undefined,
          fn: async signal => {
            report(task.id, false);
            try {
              await task.fn(signal);
            } finally {
              report(task.id, true);
            }
          },
        });
      pluginScheduler = scheduler;
      return scheduler;
    },
  });
}

/** A replica process: the plugin on its own port and pool. */
async function runReplica(replica: number) {
  const knex = knexFactory({
    client: 'pg',
    connection: `${PG}/${DATABASE}`,
    pool: { min: 0, max: POOL },
  });
  const { backend, base } = await startBenchBackend(knex, {
    entities: BENCH_CATALOG,
    permissions: benchPermissions,
    services: [reportingScheduler(replica)],
  });
  process.on('message', async (message: Message) => {
    if ('trigger' in message) {
      const scheduler = pluginScheduler!;
      const ids = (await scheduler.getScheduledTasks()).map(task => task.id);
      // A task another replica's trigger already started refuses: fine.
      await Promise.allSettled(ids.map(id => scheduler.triggerTask(id)));
      process.send!({ triggered: ids } satisfies Message);
    } else if ('stop' in message) {
      await backend.stop();
      await knex.destroy();
      process.exit(0);
    }
  });
  process.send!({ ready: Number(new URL(base).port) } satisfies Message);
}

/** The proxy process: each request to the next replica in turn. */
function runProxy(ports: number[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  let next = 0;
  const server = http.createServer((request, response) => {
    const port = ports[next++ % ports.length];
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      answer => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', error => {
      response.writeHead(502);
      response.end(String(error));
    });
    request.pipe(upstream);
  });
  server.listen(0, '127.0.0.1', () =>
    process.send!({
      ready: (server.address() as AddressInfo).port,
    } satisfies Message),
  );
}

/** User plus system CPU seconds of a process, all its threads; 0 once gone. */
function cpuSeconds(pid: number | 'self', reapedChildren = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    // utime, stime; cutime, cstime: children that exited and were waited for.
    const [user, system] = reapedChildren ? [13, 14] : [11, 12];
    return (Number(fields[user]) + Number(fields[system])) / 100;
  } catch {
    return 0;
  }
}

interface Cpu {
  replicas: number;
  proxy: number;
  clients: number;
  postgres: number;
}

/**
 * Runs `fn` and returns the CPU seconds each part spent meanwhile: the load
 * clients are the bench's children that exited (each job's client is closed
 * before it returns); PostgreSQL, the server processes of the database.
 */
async function withCpu<T>(
  knex: Knex,
  pids: { replicas: number[]; proxy: number },
  fn: () => Promise<T>,
): Promise<[Cpu, T]> {
  const snapshot = async () => {
    const { rows } = await knex.raw(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
    );
    return {
      replicas: pids.replicas.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
      proxy: cpuSeconds(pids.proxy),
      clients: cpuSeconds('self', true),
      postgres: new Map<number, number>(
        rows.map(({ pid }: { pid: number }) => [pid, cpuSeconds(pid)]),
      ),
    };
  };
  const before = await snapshot();
  const result = await fn();
  // Until the closed load client has been waited for.
  await new Promise(resolve => setTimeout(resolve, 500));
  const after = await snapshot();
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) {
    postgres += seconds - (before.postgres.get(pid) ?? 0);
  }
  return [
    {
      replicas: after.replicas - before.replicas,
      proxy: after.proxy - before.proxy,
      clients: after.clients - before.clients,
      postgres,
    },
    result,
  ];
}

/**
 * The CPU a piece of work took, per unit of it, and the cores it kept busy:
 * unlike throughput, barely moved by other jobs on a shared machine.
 */
function cpuRow(
  measure: string,
  cpu: Cpu,
  work: { units: number; unit: string; elapsedMs: number },
): ResultRow {
  const perUnit = (seconds: number) => fmt((seconds * 1000) / work.units, 2);
  const total = cpu.replicas + cpu.proxy + cpu.clients + cpu.postgres;
  return {
    measure,
    figure: `CPU ms per ${work.unit}: replicas ${perUnit(
      cpu.replicas,
    )}, PostgreSQL ${perUnit(cpu.postgres)}, proxy ${perUnit(
      cpu.proxy,
    )}, clients ${perUnit(cpu.clients)}; ${fmt(
      (total * 1000) / work.elapsedMs,
      2,
    )} cores busy, load ${loadavg()[0].toFixed(2)}`,
    target: '',
  };
}

/** Raw calls' count and cost next to each rollup table's (each call once). */
async function totals(knex: Knex) {
  const sums = async (table: string, count: string, detailOnly: boolean) => {
    const query = knex(table).select(
      knex.raw(`coalesce(sum(${count}), 0)::text AS calls`),
      knex.raw('coalesce(sum(cost_nanos), 0)::text AS cost'),
    );
    const [row] = await (detailOnly ? query.where('level', 'detail') : query);
    return `${row.calls} calls, ${row.cost} nanos`;
  };
  return {
    raw: await sums(CALLS_TABLE, '1', false),
    [HOURLY_TABLE]: await sums(HOURLY_TABLE, 'call_count', true),
    [DAILY_TABLE]: await sums(DAILY_TABLE, 'call_count', true),
    [PROJECT_DAYS_TABLE]: await sums(PROJECT_DAYS_TABLE, 'call_count', false),
  };
}

interface RunResult {
  replicas: number;
  ingestRate: number;
  reads: Array<{ viewer: string; requestsPerSecond: number }>;
  rows: ResultRow[];
}

async function benchRun(run: number, replicaCount: number): Promise<RunResult> {
  const knex = await freshDatabase(DATABASE, 5);
  const replicas: Array<[ChildProcess, number]> = [];
  // One after the other: the scheduler's migrations take a lock.
  for (let i = 0; i < replicaCount; i++) {
    replicas.push(await spawn('replica', String(i)));
  }
  const [proxy, proxyPort] = await spawn(
    'proxy',
    ...replicas.map(([, port]) => String(port)),
  );
  const pids = {
    replicas: replicas.map(([child]) => child.pid!),
    proxy: proxy.pid!,
  };
  const base = `http://127.0.0.1:${proxyPort}/api/llm-usage`;
  const rows: ResultRow[] = [];
  const label = `run ${run}, ${replicaCount} replica${
    replicaCount > 1 ? 's' : ''
  }`;
  try {
    await createBudgets(base);
    const now = Date.now();
    const to = hourStartOf(now);
    const from = to - 30 * DAY_MS;

    console.log(`${label}: ingesting ${fmt(TOTAL)} calls over the proxy…`);
    const [ingestCpu, ingest] = await withCpu(knex, pids, async () => {
      const client = new LoadClient();
      try {
        return await client.run({
          kind: 'ingest',
          url: `${base}/calls`,
          headers: { authorization: SERVICE_AUTH },
          connections: INGEST_CONNECTIONS,
          batches: Math.ceil(TOTAL / BATCH),
          batchSize: BATCH,
          seed: 1,
          from,
          hours: 30 * 24,
          idPrefix: 'replicas',
        });
      } finally {
        client.close();
      }
    });
    const ingestRate = ((ingest.sent ?? 0) / ingest.elapsedMs) * 1000;
    rows.push(
      {
        measure: `${label}: ingestion over HTTP`,
        figure: `${fmt(ingestRate)} calls/s, ${
          ingest.errors + ingest.non2xx
        } failed`,
        target: '',
      },
      cpuRow(`${label}: ingestion, CPU`, ingestCpu, {
        units: (ingest.sent ?? 0) / 1000,
        unit: '1000 calls',
        elapsedMs: ingest.elapsedMs,
      }),
    );

    console.log(`${label}: every task triggered on every replica at once…`);
    const [rollupCpu, runs] = await withCpu(knex, pids, () =>
      triggerEverywhere(replicas.map(([child]) => child)),
    );
    const sums = await totals(knex);
    const rolledOnce = Object.values(sums).every(sum => sum === sums.raw);
    const ranOnce = [...runs.values()].every(count => count === 1);
    rows.push({
      measure: `${label}: tasks triggered on all at once`,
      figure: `${[...runs]
        .map(([id, count]) => `${id.replace('llm-usage-', '')} ×${count}`)
        .join(', ')} (CPU s: replicas ${fmt(
        rollupCpu.replicas,
        1,
      )}, PostgreSQL ${fmt(rollupCpu.postgres, 1)})`,
      target: 'each ran once',
      pass: ranOnce,
    });
    rows.push({
      measure: `${label}: rollup totals`,
      figure: rolledOnce
        ? `all equal the raw ${sums.raw}`
        : JSON.stringify(sums),
      target: '= raw calls and cost',
      pass: rolledOnce,
    });
    await knex.raw('ANALYZE');

    const reads: RunResult['reads'] = [];
    if (LOAD_SECONDS > 0) {
      console.log(
        `${label}: cached reads, ${LOAD_CLIENTS} clients, ${LOAD_SECONDS} s as the admin, then as the viewer…`,
      );
      const reading = { base, from, to, now, clients: LOAD_CLIENTS };
      // Untimed first: every replica's read cache and compiled code warm.
      await readsUnderLoad({ ...reading, seconds: WARM_UP_SECONDS });
      const [readCpu, loads] = await withCpu(knex, pids, () =>
        readsUnderLoad({ ...reading, seconds: LOAD_SECONDS }),
      );
      for (const load of loads) {
        reads.push(load);
        rows.push({
          measure: `${label}: reads, ${load.viewer}, ${LOAD_CLIENTS} clients`,
          figure: `${fmt(load.requestsPerSecond)} req/s, p50 ${fmt(
            load.p50,
          )} ms, p95 ${fmt(load.p95)} ms, ${load.failures} failed`,
          target: '',
        });
      }
      const requests = loads.reduce(
        (sum, load) => sum + load.requestsPerSecond * LOAD_SECONDS,
        0,
      );
      rows.push(
        cpuRow(`${label}: reads, CPU`, readCpu, {
          units: requests,
          unit: 'read',
          elapsedMs: loads.length * LOAD_SECONDS * 1000,
        }),
      );
    }
    return { replicas: replicaCount, ingestRate, reads, rows };
  } finally {
    for (const [child] of replicas)
      child.send({ stop: true } satisfies Message);
    proxy.kill();
    await Promise.all(
      replicas.map(
        ([child]) => new Promise(resolve => child.once('exit', resolve)),
      ),
    );
    await knex.destroy();
  }
}

/**
 * Triggers every task on every replica at once, then waits until each has
 * run and finished and a scheduler poll (5 s) more has passed without
 * another run. Returns the runs per task across replicas.
 */
async function triggerEverywhere(
  replicas: ChildProcess[],
): Promise<Map<string, number>> {
  const started = new Map<string, number>();
  let running = 0;
  let lastChange = Date.now();
  const onRun = (message: Message) => {
    if (!('run' in message)) return;
    lastChange = Date.now();
    if (message.finished) {
      running -= 1;
    } else {
      running += 1;
      started.set(message.run, (started.get(message.run) ?? 0) + 1);
    }
  };
  const triggered = replicas.map(
    replica =>
      new Promise<string[]>(resolve => {
        replica.on('message', (message: Message) => {
          if ('triggered' in message) resolve(message.triggered);
        });
        replica.on('message', onRun);
        replica.send({ trigger: true } satisfies Message);
      }),
  );
  const ids = (await Promise.all(triggered))[0];
  for (;;) {
    await new Promise(resolve => setTimeout(resolve, 250));
    const allRan = ids.every(id => started.has(id));
    if (allRan && running === 0 && Date.now() - lastChange > 7_000) break;
  }
  for (const replica of replicas) replica.off('message', onRun);
  return new Map(ids.map(id => [id, started.get(id) ?? 0]));
}

async function main() {
  const results: RunResult[] = [];
  for (const [index, replicaCount] of RUNS.entries()) {
    results.push(await benchRun(index + 1, replicaCount));
  }
  const rows = results.flatMap(result => result.rows);
  // Each run of several replicas against the single replica run before it:
  // the nearest in time, so in the machine's load.
  results.forEach((many, index) => {
    const one = results
      .slice(0, index)
      .reverse()
      .find(r => r.replicas === 1);
    if (many.replicas === 1 || !one) return;
    const ratio = (measure: string, value: number, baseline?: number) =>
      rows.push({
        measure: `run ${index + 1}, ${many.replicas} replicas ÷ 1: ${measure}`,
        figure: baseline ? `${(value / baseline).toFixed(2)}×` : '–',
        target: '≥ 2×',
        pass: baseline ? value / baseline >= 2 : undefined,
      });
    ratio('ingestion', many.ingestRate, one.ingestRate);
    for (const read of many.reads) {
      const before = one.reads.find(r => r.viewer === read.viewer);
      ratio(
        `reads, ${read.viewer}`,
        read.requestsPerSecond,
        before?.requestsPerSecond,
      );
    }
  });
  printTable(
    `LLM Usage replicas bench — one PostgreSQL, ${fmt(
      TOTAL,
    )} calls per run, round-robin proxy`,
    rows,
  );
  await dropDatabase(DATABASE);
  process.exit(0);
}

const [role, ...args] = process.argv.slice(2);
const roles: Record<string, () => unknown> = {
  replica: () => runReplica(Number(args[0])),
  proxy: () => runProxy(args.map(Number)),
  bench: main,
  signals: () => signalsBench(spawn).then(() => process.exit(0)),
  'signals-replica': runSignalsReplica,
};
Promise.resolve()
  .then(roles[role ?? 'bench'])
  .catch(error => {
    console.error(error);
    process.exit(1);
  });
