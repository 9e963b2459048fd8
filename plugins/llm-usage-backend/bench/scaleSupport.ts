/*
 * What bench/scale.ts and bench/soak.ts share: a fresh PostgreSQL database,
 * the plugin on a real port, a COPY loader, the load client in a child
 * process, and the result table.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import type { ServiceFactory } from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import { ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { llmUsagePlugin } from '../src/plugin';
import { RollupState } from '../src/rollup/RollupStore';
import { DatabaseRollupStore } from '../src/rollup/DatabaseRollupStore';
import { MIGRATIONS_DIRECTORY } from '../src/database/migrations';
import { toRow as storedRow } from '../src/database/DatabaseCallStore';
import { CallPartitions } from '../src/database/callPartitions';
import {
  CALLS_TABLE,
  DIRTY_HOURS_TABLE,
  DAY_MS,
  HOUR_MS,
} from '../src/database/tables';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('./callGenerator');

export const PG =
  process.env.BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432';
export const SERVICE_AUTH = mockCredentials.service.header();
export { generator };

/** Reads answered only from raw calls: the reference rollups are measured against. */
export class RawOnlyRollupStore extends DatabaseRollupStore {
  async getState(): Promise<RollupState> {
    return { rolledUntil: 0, dirtyHours: new Set(), generation: 0 };
  }
}

/** Drops and re-creates `name`, then migrates it. */
export async function freshDatabase(
  name: string,
  poolSize = 20,
): Promise<Knex> {
  const admin = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
  await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();
  const knex = knexFactory({
    client: 'pg',
    connection: `${PG}/${name}`,
    pool: { min: 0, max: poolSize },
  });
  await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
  return knex;
}

/**
 * Waits until the server has answered what the load left queued, so that
 * closing the pool aborts nothing.
 */
export async function drain(knex: Knex, timeoutMs = 60_000) {
  const pool = (knex.client as any).pool;
  const deadline = Date.now() + timeoutMs;
  while (
    pool &&
    (pool.numPendingAcquires() > 0 || pool.numUsed() > 0) &&
    Date.now() < deadline
  ) {
    await new Promise(resolvePromise => setTimeout(resolvePromise, 200));
  }
}

/**
 * Ends a bench's use of its database: waits for what is queued, closes the
 * pool and drops the database, unless `keep` (to look at it afterwards).
 */
export async function closeDatabase(
  knex: Knex,
  name: string,
  options: { keep?: boolean } = {},
) {
  await drain(knex);
  await knex.destroy();
  if (!options.keep) await dropDatabase(name);
}

export async function dropDatabase(name: string) {
  const admin = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
  await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.destroy();
}

/**
 * The plugin on a real port; the bench drives the rollup. Every caller is an
 * admin unless `permissions` (a permissions service factory) says otherwise;
 * `entities` is the catalog (project ownership).
 */
export async function startBenchBackend(
  knex: Knex,
  options: {
    entities?: Entity[];
    permissions?: ServiceFactory;
    /** Service factories replacing the test backend's mocks, e.g. the real scheduler. */
    services?: ServiceFactory[];
  } = {},
) {
  const backend = await startTestBackend({
    features: [
      llmUsagePlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          llmUsage: {
            // The bench's service token ingests and reads every endpoint.
            servicePrincipals: [
              {
                subject: 'external:test-service',
                capabilities: ['ingest', 'read'],
              },
            ],
            ingest: { maxBatchSize: 1000 },
            rollup: {
              schedule: {
                frequency: { hours: 24 },
                timeout: { hours: 1 },
                initialDelay: { hours: 24 },
              },
            },
          },
        },
      }),
      options.permissions ??
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      ...(options.services ?? []),
    ],
  });
  const address = backend.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { backend, base: `http://127.0.0.1:${port}/api/llm-usage` };
}

/**
 * A generated call as the store writes it: the same row as ingestion, so the
 * bench measures the columns production fills.
 */
export function toRow(call: any, now: number): Record<string, unknown> {
  return storedRow(
    { ...call, apiKeyId: '', costNanos: BigInt(call.costNanos) },
    now,
  );
}

const COPY_COLUMNS = Object.keys(
  toRow(
    generator.createCallGenerator({
      seed: 1,
      from: 0,
      hours: 1,
      idPrefix: 'x',
    })(0),
    0,
  ),
);

function copyLine(row: Record<string, unknown>): string {
  // Generated values hold no tabs, newlines or backslashes: no escaping needed.
  return `${COPY_COLUMNS.map(column => {
    const value = row[column];
    return value === null || value === undefined ? '\\N' : String(value);
  }).join('\t')}\n`;
}

interface CopyOptions {
  database: string;
  count: number;
  from: number;
  hours: number;
  seed: number;
  lanes?: number;
  onProgress?: (loaded: number) => void;
}

/**
 * Loads `count` generated calls with COPY, in `lanes` parallel streams, then
 * marks every hour that holds calls dirty for the rollup.
 */
export async function copyCalls(options: CopyOptions) {
  const now = Date.now();
  // COPY bypasses ingestion, which makes the month partitions and marks the
  // hours dirty: this does both, before and after the copy.
  const knex = knexFactory({
    client: 'pg',
    connection: `${PG}/${options.database}`,
  });
  try {
    const days = Math.ceil(options.hours / 24) + 1;
    await new CallPartitions(knex).prepare(
      Array.from({ length: days }, (_, day) => options.from + day * DAY_MS),
      now,
    );
    await copyInLanes(options, now);
    await knex.raw(
      `INSERT INTO ${DIRTY_HOURS_TABLE} (hour_start, token)
       SELECT DISTINCT (occurred_at / ${HOUR_MS}) * ${HOUR_MS}, 'bench'
       FROM ${CALLS_TABLE}
       ON CONFLICT (hour_start) DO NOTHING`,
    );
    await knex.raw('ANALYZE');
  } finally {
    await knex.destroy();
  }
}

/** The COPY itself, in `lanes` parallel streams. */
async function copyInLanes(options: CopyOptions, now: number) {
  const lanes = options.lanes ?? 2;
  let loaded = 0;
  const lane = async (laneIndex: number) => {
    const share = Math.ceil(options.count / lanes);
    const start = laneIndex * share;
    const end = Math.min(options.count, start + share);
    const next = generator.createCallGenerator({
      seed: options.seed + laneIndex,
      from: options.from,
      hours: options.hours,
      idPrefix: 'copy',
    });
    const client = new Client({
      connectionString: `${PG}/${options.database}`,
    });
    await client.connect();
    try {
      const chunks = async function* chunks() {
        for (let i = start; i < end; ) {
          let text = '';
          const stop = Math.min(end, i + 2000);
          for (; i < stop; i++) text += copyLine(toRow(next(i), now));
          loaded += 2000;
          if (loaded % 500_000 < 2000) options.onProgress?.(loaded);
          yield text;
        }
      };
      await pipeline(
        Readable.from(chunks()),
        client.query(
          copyFrom(
            `COPY ${CALLS_TABLE} (${COPY_COLUMNS.join(', ')}) FROM STDIN`,
          ),
        ),
      );
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
}

/** Prints a step of a bench run with the time of day. */
export const log = (message: string) =>
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

export interface LoadResult {
  requests: number;
  errors: number;
  non2xx: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  elapsedMs: number;
  sent?: number;
}

/** The load client in its own process; one job at a time. */
export class LoadClient {
  private readonly child: ChildProcess;

  constructor() {
    // None of the parent's flags (heap size, GC), only the TypeScript
    // loader that the call generator's PRNG needs.
    this.child = fork(resolve(__dirname, 'loadClient.js'), [], {
      stdio: 'inherit',
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
    });
  }

  run(job: Record<string, unknown>): Promise<LoadResult> {
    return new Promise((resolvePromise, reject) => {
      const listeners = {
        message: (message: any) => {
          if (message?.loadClient !== true) return;
          this.child.off('message', listeners.message);
          this.child.off('exit', listeners.exit);
          if (message.ok) resolvePromise(message.result);
          else reject(new Error(message.error));
        },
        exit: (code: number) => {
          this.child.off('message', listeners.message);
          reject(new Error(`load client exited with ${code}`));
        },
      };
      this.child.on('message', listeners.message);
      this.child.once('exit', listeners.exit);
      this.child.send(job);
    });
  }

  close() {
    this.child.kill();
  }
}

export function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))
  ];
}

export async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return [Number(process.hrtime.bigint() - started) / 1e6, result];
}

/** p50 of `iterations` timed runs after one warm-up. */
export async function medianMs(iterations: number, fn: () => Promise<unknown>) {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push((await time(fn))[0]);
  return percentile(samples, 0.5);
}

export interface ResultRow {
  measure: string;
  figure: string;
  target: string;
  /** undefined: informational, no target. */
  pass?: boolean;
}

export function printTable(title: string, rows: ResultRow[]) {
  const widths = [
    Math.max(...rows.map(r => r.measure.length), 7),
    Math.max(...rows.map(r => r.figure.length), 6),
    Math.max(...rows.map(r => r.target.length), 6),
  ];
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 4)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(['measure', 'figure', 'target', 'pass']));
  console.log(line(widths.map(w => '-'.repeat(w)).concat('----')));
  for (const row of rows) {
    let verdict = '';
    if (row.pass === true) verdict = 'PASS';
    else if (row.pass === false) verdict = 'FAIL';
    console.log(line([row.measure, row.figure, row.target, verdict]));
  }
}

export const hourStart = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
