import type { IngestCallsResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import type { NormalizedCall } from './types';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 9, 1, 10);

function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/**
 * Every id gets at most one `processing` and zero to two finals, each with
 * its own token count so the stored row tells which request it came from.
 * The requests are shuffled and dealt to `clients` clients, which send their
 * batches one after another while the other clients do the same.
 */
function plan(seed: number, ids: number, clients: number, batchSize: number) {
  const random = seeded(seed);
  const sent = new Map<string, NormalizedCall[]>();
  const requests: NormalizedCall[] = [];
  let serial = 0;
  const request = (
    id: string,
    status: NormalizedCall['status'],
    hourStart: number,
  ) => {
    serial++;
    return makeCall({
      id,
      status,
      occurredAt: hourStart + Math.floor(random() * HOUR),
      inputTokens: serial,
      durationMs: status === 'processing' ? null : 100 + serial,
      errorReason: status === 'failed' ? `failed ${serial}` : null,
    });
  };
  for (let i = 0; i < ids; i++) {
    const id = `race-${i}`;
    const hour = T0 + Math.floor(random() * 3) * HOUR;
    const calls: NormalizedCall[] = [];
    if (random() < 0.7) calls.push(request(id, 'processing', hour));
    // A final may land in another hour than its processing request.
    let finals = 0;
    if (random() >= 0.1) finals = random() < 0.3 ? 2 : 1;
    for (let f = 0; f < finals; f++) {
      calls.push(
        request(
          id,
          random() < 0.8 ? 'success' : 'failed',
          hour + (f % 2) * HOUR,
        ),
      );
    }
    if (calls.length === 0) calls.push(request(id, 'processing', hour));
    sent.set(id, calls);
    requests.push(...calls);
  }
  for (let i = requests.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [requests[i], requests[j]] = [requests[j], requests[i]];
  }
  const perClient: NormalizedCall[][][] = Array.from(
    { length: clients },
    () => [],
  );
  // No id twice in one batch: in-batch repeats have their own test, and a
  // completion then shows in the row (received_at ≠ updated_at).
  let queue = requests;
  for (let n = 0; queue.length > 0; n++) {
    const batch: NormalizedCall[] = [];
    const inBatch = new Set<string>();
    const later: NormalizedCall[] = [];
    for (const call of queue) {
      if (batch.length < batchSize && !inBatch.has(call.id)) {
        batch.push(call);
        inBatch.add(call.id);
      } else {
        later.push(call);
      }
    }
    perClient[n % clients].push(batch);
    queue = later;
  }
  return { sent, perClient, received: requests.length };
}

describe.each(databases.eachSupportedId())(
  'CallStore under concurrent batches on %p',
  databaseId => {
    afterEach(() => jest.restoreAllMocks());

    it.each([1, 2, 3])(
      'ends every id in its first stored final, with exact counts and no errors (seed %p)',
      async seed => {
        const { calls, knex } = await migratedStores(
          await databases.init(databaseId),
        );
        // A distinct clock per batch: a completed row then shows it was
        // updated after it was inserted (received_at ≠ updated_at).
        let clock = Date.now();
        jest.spyOn(Date, 'now').mockImplementation(() => ++clock);

        const { sent, perClient, received } = plan(seed, 300, 20, 25);
        const results: IngestCallsResponse[] = [];
        const outcomes = await Promise.allSettled(
          perClient.map(async batches => {
            for (const batch of batches) {
              results.push(await calls.ingest(batch));
            }
          }),
        );
        expect(
          outcomes
            .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
            .map(o => String(o.reason)),
        ).toEqual([]);

        const rows = await knex('llm_usage_calls').orderBy('id');
        expect(rows).toHaveLength(sent.size);
        let completedRows = 0;
        for (const row of rows) {
          const requests = sent.get(row.id)!;
          const finals = requests.filter(c => c.status !== 'processing');
          const source = requests.find(
            c => c.inputTokens === Number(row.input_tokens),
          );
          // Every column comes from one request, and a final if one was sent.
          expect({ id: row.id, status: row.status }).toEqual({
            id: row.id,
            status: finals.length ? source?.status : 'processing',
          });
          expect(finals.length === 0 || finals.includes(source!)).toBe(true);
          expect(Number(row.occurred_at)).toBe(source!.occurredAt);
          expect(row.error_reason).toBe(source!.errorReason);
          if (Number(row.received_at) !== Number(row.updated_at)) {
            completedRows++;
          }
        }

        const sum = (key: keyof IngestCallsResponse) =>
          results.reduce((total, r) => total + r[key], 0);
        expect(sum('received')).toBe(received);
        expect(sum('inserted')).toBe(sent.size);
        expect(sum('completed')).toBe(completedRows);
        expect(sum('inserted') + sum('completed') + sum('unchanged')).toBe(
          received,
        );

        // Every hour holding a stored call is marked for the rollup.
        const dirty = new Set(
          (await knex('llm_usage_rollup_dirty_hours')).map(d =>
            Number(d.hour_start),
          ),
        );
        for (const row of rows) {
          const hour = Math.floor(Number(row.occurred_at) / HOUR) * HOUR;
          expect(dirty.has(hour)).toBe(true);
        }
      },
    );

    it('keeps the first stored final when a second final arrives', async () => {
      const { calls, knex } = await migratedStores(
        await databases.init(databaseId),
      );
      await calls.ingest([
        makeCall({ id: 'f', status: 'success', occurredAt: T0 }),
      ]);
      expect(
        await calls.ingest([
          makeCall({
            id: 'f',
            status: 'failed',
            occurredAt: T0,
            errorReason: 'late',
            inputTokens: 7,
          }),
        ]),
      ).toEqual({ received: 1, inserted: 0, completed: 0, unchanged: 1 });
      const row = await knex('llm_usage_calls').where('id', 'f').first();
      expect([row.status, Number(row.input_tokens)]).toEqual(['success', 100]);
    });
  },
);
