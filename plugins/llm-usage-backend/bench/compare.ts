/*
 * The side-by-side part of `yarn bench`: every dashboard read over the
 * plugin's HTTP API — on the first read after a rollup (read cache cleared)
 * and cached — next to the same query answered from raw calls by ClickHouse
 * (chdb) and DuckDB, for an admin and for a non-admin viewer.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import {
  DAY_MS,
  HOUR_MS,
  ROLLUP_STATE_TABLE,
  dayStartOf,
} from '../src/database/tables';
import { writeHourVersions } from '../src/rollup/DatabaseRollupStore';
import { burnWindow, monthOf } from '../src/quota/QuotaService';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { llmUsageAdminPermission } from '@llm-usage/backstage-plugin-llm-usage-common';
import { ADMIN, component } from '../src/__testUtils__/pluginHarness';
import {
  Dialect,
  Engine,
  dumpCalls,
  openClickHouse,
  openDuckDb,
} from './engines';
import { LoadClient, fmt, percentile, time } from './scaleSupport';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('./callGenerator');

/** The non-admin viewer: their own calls plus 50 projects they own. */
export const VIEWER = 'user:default/user-007';
export const VIEWER_PROJECTS: string[] = Array.from({ length: 50 }, (_, i) =>
  generator.projectId(i * 20),
);
/** The project the project pages are read for: the busiest, visible to both. */
const PROJECT = VIEWER_PROJECTS[0];
/** Project budgets (what the quota read computes), within the viewer's projects. */
export const BUDGET_PROJECTS = VIEWER_PROJECTS.slice(0, 10);

/** The catalog the bench backend reads: the viewer owns VIEWER_PROJECTS. */
export const BENCH_CATALOG: Entity[] = VIEWER_PROJECTS.map((id, i) =>
  component(`service-${i}`, id, VIEWER),
);

/**
 * The bench's policy: services and ADMIN may do everything; other users hold
 * every permission but `llm-usage.admin`, so their reads are scoped to their
 * own calls and owned projects. (Jest-free: the bench is not a test.)
 */
export const benchPermissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory() {
    const decide = (permission: { name: string }, credentials: any) => {
      const user = credentials?.principal?.userEntityRef;
      const allowed =
        user === undefined ||
        user === ADMIN ||
        permission.name !== llmUsageAdminPermission.name;
      return {
        result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    };
    return {
      authorize: async (requests: any[], { credentials }: any) =>
        requests.map(r => decide(r.permission, credentials)),
      authorizeConditional: async (requests: any[], { credentials }: any) =>
        requests.map(r => decide(r.permission, credentials)),
    } as any;
  },
});

interface Viewer {
  name: 'admin' | 'viewer';
  authorization: string;
  /** SQL restricting raw calls to what the viewer sees. */
  scope: string;
}

const VIEWERS: Viewer[] = [
  {
    name: 'admin',
    authorization: mockCredentials.user.header(ADMIN),
    scope: 'TRUE',
  },
  {
    name: 'viewer',
    authorization: mockCredentials.user.header(VIEWER),
    scope: `(user_ref = '${VIEWER}' OR project_id IN (${VIEWER_PROJECTS.map(
      id => `'${id}'`,
    ).join(', ')}))`,
  },
];

interface Read {
  name: string;
  path: string;
  sql: (dialect: Dialect, scope: string) => string;
}

const SHANGHAI_MS = 8 * 3_600_000; // UTC+8 all year

/** The reads over [from, to) that `includes` names (all by default). */
function readsFor(options: {
  from: number;
  to: number;
  now: number;
  includes?: (readName: string) => boolean;
}): Read[] {
  const { from, to, now, includes = () => true } = options;
  const range = `from=${new Date(from).toISOString()}&to=${new Date(
    to,
  ).toISOString()}`;
  const inRange = `occurred_at >= ${from} AND occurred_at < ${to}`;
  const sums = (d: Dialect) =>
    [
      'count(*) AS calls',
      `${d.countIf("status = 'success'")} AS succeeded`,
      `${d.countIf("status = 'failed'")} AS failed`,
      'sum(input_tokens) AS input_tokens',
      'sum(output_tokens) AS output_tokens',
      'sum(cached_tokens) AS cached_tokens',
      'sum(cost_nanos) AS cost',
      'avg(duration_ms) AS avg_ms',
      `${d.p95('duration_ms')} AS p95`,
    ].join(', ');
  const projectList = (order: string) => (d: Dialect, scope: string) =>
    `SELECT project_id, ${sums(d)} FROM calls WHERE ${inRange} AND ${scope}
     GROUP BY project_id ORDER BY ${order} DESC LIMIT 25`;
  const project = `${inRange} AND project_id = '${PROJECT}'`;
  const month = monthOf(now);
  const window = burnWindow(now);
  const quotaFrom = Math.min(month.start, window.from);
  const reads: Read[] = [
    {
      name: 'overview',
      path: `/usage/overview?${range}`,
      sql: (d, scope) =>
        `SELECT currency, ${sums(d)} FROM calls WHERE ${inRange} AND ${scope}
         GROUP BY currency`,
    },
    {
      name: 'trends (day, Asia/Shanghai)',
      path: `/usage/trends?${range}&interval=day&tz=Asia/Shanghai`,
      sql: (d, scope) =>
        `SELECT ${d.day(SHANGHAI_MS)} AS day, currency, ${sums(d)}
         FROM calls WHERE ${inRange} AND ${scope}
         GROUP BY day, currency ORDER BY day`,
    },
    {
      name: 'projects by cost',
      path: `/usage/projects?${range}&sort=cost`,
      sql: projectList('cost'),
    },
    {
      name: 'projects by P95',
      path: `/usage/projects?${range}&sort=p95Latency`,
      sql: projectList('p95'),
    },
    {
      name: 'project stats',
      path: `/usage/projects/${PROJECT}/stats?${range}`,
      sql: d =>
        `SELECT currency, ${sums(
          d,
        )} FROM calls WHERE ${project} GROUP BY currency`,
    },
    {
      name: 'project trends (day)',
      path: `/usage/projects/${PROJECT}/trends?${range}&interval=day`,
      sql: d =>
        `SELECT ${d.day(0)} AS day, currency, ${sums(d)} FROM calls
         WHERE ${project} GROUP BY day, currency ORDER BY day`,
    },
    {
      name: 'project models',
      path: `/usage/projects/${PROJECT}/models?${range}`,
      sql: d =>
        `SELECT provider, model, currency, ${sums(d)} FROM calls
         WHERE ${project} GROUP BY provider, model, currency`,
    },
    {
      name: 'quota (10 project budgets)',
      path: '/usage/quota',
      sql: () =>
        `SELECT project_id, currency,
           sum(CASE WHEN occurred_at >= ${
             month.start
           } THEN cost_nanos ELSE 0 END) AS used,
           sum(CASE WHEN occurred_at >= ${window.from} AND occurred_at < ${
          window.to
        } THEN cost_nanos ELSE 0 END) AS burn
         FROM calls WHERE occurred_at >= ${quotaFrom} AND occurred_at < ${now}
           AND project_id IN (${BUDGET_PROJECTS.map(id => `'${id}'`).join(
             ', ',
           )})
         GROUP BY project_id, currency`,
    },
  ];
  return reads.filter(read => includes(read.name));
}

/** Creates the project budgets the quota read reports on, as the admin. */
export async function createBudgets(base: string) {
  for (const projectId of BUDGET_PROJECTS) {
    const res = await fetch(`${base}/budgets`, {
      method: 'POST',
      headers: {
        authorization: mockCredentials.user.header(ADMIN),
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        targetType: 'project',
        targetRef: projectId,
        amount: '1000',
        currency: 'USD',
      }),
    });
    if (!res.ok) {
      throw new Error(`POST /budgets: ${res.status} ${await res.text()}`);
    }
  }
}

export interface ComparisonRow {
  read: string;
  viewer: string;
  /** Nothing cached: after a re-pricing of the whole range, or a restart. */
  uncached: number;
  /**
   * After a late call re-rolled the last rolled hour: everything else still
   * cached, that hour read again.
   */
  lateCall: number;
  /**
   * The first read after an hourly rollup, its range an hour on: all but the
   * hour that entered the range still cached.
   */
  cold: number;
  warm: number;
  engines: Record<string, number>;
  load: number;
}

const median = (samples: number[]) => percentile(samples, 0.5);

/**
 * Until the reads the request before handed to the background are done
 * (they have the minutes to the next rollup in the product): the server
 * shares the bench's pool, so until no connection is in use for 20 ms. Not
 * a fixed pause: an idle machine answers its next request slower.
 */
async function untilServerQuiet(knex: Knex) {
  const pool = (knex.client as any).pool;
  const deadline = performance.now() + 60_000;
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 1));
    if (pool.numUsed() + pool.numPendingAcquires() > 0) {
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= 20) {
      return;
    }
  }
}

/** What a rollup that rewrote these rolled hours records (the generation it started). */
async function recordRewrittenHours(knex: Knex, hours: number[]) {
  if (hours.length === 0) return;
  const { generation } = await knex(ROLLUP_STATE_TABLE).first('generation');
  await writeHourVersions(knex, hours, Number(generation));
}

/**
 * Times every read for both viewers: the plugin over HTTP uncached (every
 * generation and every hour's version moved on, as by a re-pricing of the
 * whole range: nothing cached is used), after a late call (the generation,
 * the hours' and the last rolled hour's version moved on, as by a rollup
 * re-rolling that hour), cold (the generation
 * moved on, as by the hourly rollup, and the range an hour on, as "the last
 * 30 days" an hour later: from a range that ends a few hours earlier, one
 * hour at a time up to the range itself, so that its first day loses hours
 * and gains none, as in the product) and warm; and each engine (best of its
 * warm runs' median). The quota read's range ends at the server's clock, so
 * its cold read is the generation's alone. The calls must reach back a day
 * before `from`. Each timed request waits for the reads the one before
 * handed to the background.
 */
export async function compareWithEngines(options: {
  knex: Knex;
  connectionString: string;
  base: string;
  from: number;
  to: number;
  now: number;
  iterations: number;
  /** Whether the read of this name is timed; all are by default. */
  includes?: (readName: string) => boolean;
  log: (line: string) => void;
}): Promise<{ rows: ComparisonRow[]; sizes: Record<string, number> }> {
  const { knex, base, iterations, log } = options;
  const csv = join(tmpdir(), `llm-usage-bench-calls-${process.pid}.csv`);
  log('Loading the same calls into ClickHouse (chdb) and DuckDB…');
  await dumpCalls(options.connectionString, csv);
  const engines: Engine[] = [];
  for (const open of [openClickHouse, openDuckDb]) {
    try {
      engines.push(await open(csv));
    } catch (error) {
      log(`  ${open.name}: cannot run here (${(error as Error).message})`);
    }
  }
  rmSync(csv, { force: true });
  const sizes: Record<string, number> = {};
  for (const engine of engines) sizes[engine.name] = await engine.sizeBytes();

  const reads = readsFor(options);
  const slidBy = (hours: number) =>
    readsFor({
      ...options,
      from: options.from - hours * HOUR_MS,
      to: options.to - hours * HOUR_MS,
    });
  const rows: ComparisonRow[] = [];
  const request = async (viewer: Viewer, path: string) => {
    const res = await fetch(`${base}${path}`, {
      headers: { authorization: viewer.authorization },
    });
    if (!res.ok) throw new Error(`${viewer.name} ${path}: ${res.status}`);
    await res.json();
  };
  const coldRuns = Math.max(3, Math.round(iterations / 4));
  // Every hour the slid ranges reach, as a re-pricing rewrites them.
  const everyHour: number[] = [];
  for (let hour = options.from - DAY_MS; hour < options.to; hour += HOUR_MS) {
    everyHour.push(hour);
  }
  // The last hour rolled, as a late call into it re-rolls it.
  const lateHour = options.to - HOUR_MS;
  // The cold runs' ranges, each an hour on from the one before; the last is
  // the range itself. The one before the first is read untimed.
  const stepsOnwards = Array.from({ length: coldRuns + 1 }, (_, step) =>
    slidBy(coldRuns - step),
  );
  for (const viewer of VIEWERS) {
    for (const read of reads) {
      // Untimed, as each engine's first query: the pool's connections (idle
      // ones close after 30 s) and the code path are warm; the read cache
      // is not, as the generations move on before each timed request.
      await request(viewer, read.path);
      const afterRollup = async (
        generations: string[],
        pathOf: (run: number) => string = () => read.path,
        rewrittenHours: number[] = [],
      ) => {
        const samples: number[] = [];
        for (let run = 0; run < coldRuns; run++) {
          await untilServerQuiet(knex);
          await knex(ROLLUP_STATE_TABLE).increment(
            Object.fromEntries(generations.map(column => [column, 1])),
          );
          await recordRewrittenHours(knex, rewrittenHours);
          const path = pathOf(run);
          samples.push((await time(() => request(viewer, path)))[0]);
        }
        return samples;
      };
      const uncached = await afterRollup(
        ['generation', 'hours_generation', 'days_generation'],
        undefined,
        everyHour,
      );
      const lateCall = await afterRollup(
        lateHour < dayStartOf(options.to)
          ? ['generation', 'hours_generation', 'days_generation']
          : ['generation', 'hours_generation'],
        undefined,
        [lateHour],
      );
      const stepPath = (step: number) =>
        stepsOnwards[step].find(r => r.name === read.name)!.path;
      await request(viewer, stepPath(0));
      const cold = await afterRollup(['generation'], run => stepPath(run + 1));
      await request(viewer, read.path);
      const warm: number[] = [];
      for (let i = 0; i < iterations; i++) {
        warm.push((await time(() => request(viewer, read.path)))[0]);
      }
      const byEngine: Record<string, number> = {};
      for (const engine of engines) {
        const sql = read.sql(engine.dialect, viewer.scope);
        await engine.query(sql);
        const samples: number[] = [];
        for (let i = 0; i < iterations; i++) {
          samples.push((await time(() => engine.query(sql)))[0]);
        }
        byEngine[engine.name] = median(samples);
      }
      rows.push({
        read: read.name,
        viewer: viewer.name,
        uncached: median(uncached),
        lateCall: median(lateCall),
        cold: median(cold),
        warm: median(warm),
        engines: byEngine,
        load: loadavg()[0],
      });
    }
  }
  for (const engine of engines) await engine.close();
  return { rows, sizes };
}

const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
const ratio = (plugin: number, other: number | undefined) =>
  other === undefined ? '–' : `${(plugin / other).toFixed(2)}×`;

/** The comparison as a Markdown table (ratios: plugin ÷ ClickHouse; below 1 is faster). */
export function printComparison(rows: ComparisonRow[]) {
  const names = [...new Set(rows.flatMap(r => Object.keys(r.engines)))];
  const header = [
    'read',
    'viewer',
    'plugin uncached ms',
    'plugin late call ms',
    'plugin cold ms',
    'plugin warm ms',
    ...names.map(n => `${n} ms`),
    ...(names.includes('ClickHouse')
      ? [
          'uncached ÷ ClickHouse',
          'late call ÷ ClickHouse',
          'cold ÷ ClickHouse',
          'warm ÷ ClickHouse',
        ]
      : []),
    'load (1 min)',
  ];
  const body = rows.map(r => [
    r.read,
    r.viewer,
    ms(r.uncached),
    ms(r.lateCall),
    ms(r.cold),
    ms(r.warm),
    ...names.map(n => (r.engines[n] === undefined ? '–' : ms(r.engines[n]))),
    ...(names.includes('ClickHouse')
      ? [
          ratio(r.uncached, r.engines.ClickHouse),
          ratio(r.lateCall, r.engines.ClickHouse),
          ratio(r.cold, r.engines.ClickHouse),
          ratio(r.warm, r.engines.ClickHouse),
        ]
      : []),
    r.load.toFixed(2),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map(line => line[i].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map(w => '-'.repeat(w))));
  for (const cells of body) console.log(line(cells));
}

export interface LoadRow {
  viewer: string;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  failures: number;
  load: number;
}

/**
 * Every read at once under `clients` concurrent clients (autocannon in a
 * child process cycling through the reads' paths), for the admin and then
 * for the viewer: what a viewer's scoping costs under load.
 */
export async function readsUnderLoad(options: {
  base: string;
  from: number;
  to: number;
  now: number;
  clients: number;
  seconds: number;
  includes?: (readName: string) => boolean;
}): Promise<LoadRow[]> {
  const url = new URL(options.base);
  const paths = readsFor(options).map(read => `${url.pathname}${read.path}`);
  const client = new LoadClient();
  const rows: LoadRow[] = [];
  try {
    for (const viewer of VIEWERS) {
      const result = await client.run({
        kind: 'get',
        url: url.origin,
        paths,
        headers: { authorization: viewer.authorization },
        connections: options.clients,
        durationSeconds: options.seconds,
      });
      rows.push({
        viewer: viewer.name,
        requestsPerSecond: (result.requests / result.elapsedMs) * 1000,
        p50: result.p50 ?? NaN,
        p95: result.p95 ?? NaN,
        failures: result.errors + result.non2xx,
        load: loadavg()[0],
      });
    }
  } finally {
    client.close();
  }
  return rows;
}

export function printLoad(rows: LoadRow[], clients: number) {
  const admin = rows.find(r => r.viewer === 'admin');
  for (const r of rows) {
    const versusAdmin =
      admin && r !== admin
        ? `; p95 ${(r.p95 / admin.p95).toFixed(2)}× the admin's (target ≤ 1.5×)`
        : '';
    console.log(
      `${r.viewer.padEnd(6)}  ${clients} clients: ${fmt(
        r.requestsPerSecond,
      )} req/s, p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, ${
        r.failures
      } failed${versusAdmin}  (load ${r.load.toFixed(2)})`,
    );
  }
}
