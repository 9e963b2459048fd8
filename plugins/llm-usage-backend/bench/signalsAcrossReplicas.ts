/*
 * yarn bench:replicas signals: how long a live update raised on one replica
 * takes to reach a user connected to another, through the real events
 * backend's bus on one PostgreSQL database.
 *
 *   BENCH_SIGNALS        signals published on replica A, one at a time (default 50)
 *   BENCH_SIGNAL_CALLS   calls ingested on A one at a time, each timed until its
 *                        live update reaches the user on B (default 10)
 *   BENCH_PG             PostgreSQL server (default postgresql://postgres@127.0.0.1:5432)
 *
 * Two replica processes (the plugin with the real events service, events,
 * signals and notifications backends, see src/service/__testUtils__/
 * replicaBackend.ts); the bench process holds the user's signals
 * connections, one to each replica. A signal carries the time it was
 * published; the time it arrives is taken where the connection reads it
 * (same host, one clock). Not a test: it measures.
 */
import knexFactory from 'knex';
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import {
  type Replica,
  SIGNALS_USER,
  SignalsConnection,
  startReplica,
} from '../src/service/__testUtils__/replicaBackend';
import {
  PG,
  type ResultRow,
  SERVICE_AUTH,
  closeDatabase,
  dropDatabase,
  fmt,
  percentile,
  printTable,
} from './scaleSupport';

const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 50);
const CALLS = Number(process.env.BENCH_SIGNAL_CALLS ?? 10);
const DATABASE = 'llm_usage_bench_signals';
const CHANNEL = 'llm-usage-bench';
const LLM_USAGE_CHANNEL = 'llm-usage';
const TIMEOUT_MS = 15_000;

/** Messages between the bench and its replica processes. */
type ReplicaMessage =
  | { ready: number }
  | { publish: number }
  | { published: number };

/** Starts a replica process of the bench file in `role`; resolves its port. */
export type SpawnReplica = (role: string) => Promise<[ChildProcess, number]>;

const now = () => performance.timeOrigin + performance.now();

/** A replica process: publishes a timed signal when asked. */
export async function runSignalsReplica() {
  const replica: Replica = await startReplica({
    connection: `${PG}/${DATABASE}`,
  });
  process.on('message', async (message: ReplicaMessage) => {
    if ('publish' in message) {
      await replica.signals.publish({
        recipients: { type: 'user', entityRef: SIGNALS_USER },
        channel: CHANNEL,
        message: { n: message.publish, sentAt: now() },
      });
      process.send!({ published: message.publish } satisfies ReplicaMessage);
    }
  });
  process.on('disconnect', async () => {
    await replica.stop();
    process.exit(0);
  });
  process.send!({
    ready: Number(new URL(replica.baseUrl).port),
  } satisfies ReplicaMessage);
}

function latencyRow(measure: string, samples: number[]): ResultRow {
  return {
    measure,
    figure: `p50 ${fmt(percentile(samples, 0.5), 1)} ms, p95 ${fmt(
      percentile(samples, 0.95),
      1,
    )} ms, max ${fmt(Math.max(...samples), 1)} ms (${samples.length})`,
    target: '',
  };
}

export async function signalsBench(spawn: SpawnReplica) {
  await dropDatabase(DATABASE);
  const admin = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
  await admin.raw(`CREATE DATABASE ${DATABASE}`);
  await admin.destroy();
  const knex = knexFactory({ client: 'pg', connection: `${PG}/${DATABASE}` });

  // One after the other: each runs the plugins' migrations.
  const [a, portA] = await spawn('signals-replica');
  const [b, portB] = await spawn('signals-replica');
  const urlA = `http://localhost:${portA}`;
  const channels = [CHANNEL, LLM_USAGE_CHANNEL];
  const onA = await SignalsConnection.open(urlA, channels);
  const onB = await SignalsConnection.open(
    `http://localhost:${portB}`,
    channels,
  );
  try {
    // Both signals backends on the bus before anything is timed.
    for (;;) {
      const rows = await knex
        .withSchema('events')
        .from('event_bus_subscriptions')
        .where('id', 'like', 'signals.%');
      if (rows.length >= 2) break;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    const publishOnA = (n: number) =>
      new Promise<void>(resolve => {
        const onPublished = (message: ReplicaMessage) => {
          if ('published' in message && message.published === n) {
            a.off('message', onPublished);
            resolve();
          }
        };
        a.on('message', onPublished);
        a.send({ publish: n } satisfies ReplicaMessage);
      });

    const load = loadavg()[0];
    console.log(`${SIGNALS} signals published on A, one at a time…`);
    const local: number[] = [];
    const across: number[] = [];
    // Ten untimed first: connections, pools and compiled code warm.
    for (let n = -10; n < SIGNALS; n++) {
      await publishOnA(n);
      const isN = (s: { channel: string; message: any }) =>
        s.channel === CHANNEL && s.message.n === n;
      const [there, here] = await Promise.all([
        onB.next(isN, TIMEOUT_MS),
        onA.next(isN, TIMEOUT_MS),
      ]);
      if (n < 0) continue;
      across.push(there.receivedAt - there.message.sentAt);
      local.push(here.receivedAt - here.message.sentAt);
    }

    console.log(`${CALLS} calls ingested on A, one at a time…`);
    const ingested: number[] = [];
    for (let n = 0; n < CALLS; n++) {
      // A project of its own, so each live update is told apart.
      const projectId = `signals-bench-${n}`;
      const sentAt = now();
      const response = await fetch(`${urlA}/api/llm-usage/calls`, {
        method: 'POST',
        headers: {
          authorization: SERVICE_AUTH,
          'content-type': 'application/json',
        },
        body: JSON.stringify([
          {
            id: `signals-bench-${n}`,
            timestamp: new Date().toISOString(),
            userRef: SIGNALS_USER,
            projectId,
            provider: 'openai',
            model: 'gpt-4o',
          },
        ]),
      });
      if (!response.ok) {
        throw new Error(`Ingestion failed: ${response.status}`);
      }
      const signal = await onB.next(
        s =>
          s.channel === LLM_USAGE_CHANNEL &&
          (s.message.projectIds ?? []).includes(projectId),
        TIMEOUT_MS,
      );
      ingested.push(signal.receivedAt - sentAt);
    }

    printTable(
      `LLM Usage signals across replicas — two replica processes, one PostgreSQL, events backend bus (1-minute load ${fmt(
        load,
        1,
      )} → ${fmt(loadavg()[0], 1)})`,
      [
        latencyRow('signal published on A, to a user on A (local)', local),
        latencyRow(
          'signal published on A, to a user on B (events bus)',
          across,
        ),
        latencyRow(
          'call ingested on A, its live update to a user on B (incl. 1 s coalescing)',
          ingested,
        ),
      ],
    );
  } finally {
    onA.close();
    onB.close();
    const exited = [a, b].map(
      child => new Promise(resolve => child.once('exit', resolve)),
    );
    a.disconnect();
    b.disconnect();
    await Promise.all(exited);
    await closeDatabase(knex, DATABASE);
  }
}
