import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 9, 1, 10);
const all = { kind: 'all' } as const;

describe.each(databases.eachSupportedId())('CallStore on %p', databaseId => {
  async function setup() {
    return migratedStores(await databases.init(databaseId));
  }

  it('stores a batch and never counts a re-sent id twice', async () => {
    const { calls, knex } = await setup();
    const batch = [
      makeCall({ id: 'a', occurredAt: T0 }),
      makeCall({ id: 'b', occurredAt: T0 + 1 }),
    ];
    expect(await calls.ingest(batch)).toEqual({
      received: 2,
      inserted: 2,
      completed: 0,
      unchanged: 0,
    });
    expect(
      await calls.ingest([
        ...batch,
        makeCall({ id: 'a', occurredAt: T0, inputTokens: 999 }),
      ]),
    ).toEqual({ received: 3, inserted: 0, completed: 0, unchanged: 3 });

    const rows = await knex('llm_usage_calls').orderBy('id');
    expect(rows.map(r => [r.id, Number(r.input_tokens)])).toEqual([
      ['a', 100],
      ['b', 100],
    ]);
  });

  it('stores text with quotes, backslashes, control characters and braces exactly', async () => {
    const { calls, knex } = await setup();
    const awkward = [
      'plain',
      'say "hi", {ok}',
      'back\\slash \\n not a newline',
      'new\nline\ttab',
      'null',
      'NULL',
      '',
      'ünïcødé 模型 \u2028',
    ];
    await calls.ingest(
      awkward.map((text, i) =>
        makeCall({
          id: `awkward-${i} ${text}`,
          occurredAt: T0 + i,
          projectId: `p ${text}`,
          model: `m ${text}`,
          errorReason: text,
          metadata: { text },
        }),
      ),
    );
    const rows = await knex('llm_usage_calls').orderBy('occurred_at');
    expect(
      rows.map(r => [r.id, r.project_id, r.model, r.error_reason, r.metadata]),
    ).toEqual(
      awkward.map((text, i) => [
        `awkward-${i} ${text}`,
        `p ${text}`,
        `m ${text}`,
        text,
        JSON.stringify({ text }),
      ]),
    );
  });

  it('completes a processing call when its id arrives again, and re-marks both hours', async () => {
    const { calls, knex } = await setup();
    await calls.ingest([
      makeCall({
        id: 'p',
        status: 'processing',
        occurredAt: T0,
        durationMs: null,
        outputTokens: 0,
      }),
    ]);
    await knex('llm_usage_rollup_dirty_hours').delete();

    const result = await calls.ingest([
      makeCall({
        id: 'p',
        status: 'success',
        occurredAt: T0 + HOUR,
        durationMs: 1234,
        outputTokens: 77,
      }),
    ]);
    expect(result).toEqual({
      received: 1,
      inserted: 0,
      completed: 1,
      unchanged: 0,
    });

    const row = await knex('llm_usage_calls').where('id', 'p').first();
    expect(row.status).toBe('success');
    expect(Number(row.output_tokens)).toBe(77);
    expect(Number(row.duration_ms)).toBe(1234);
    const dirty = await knex('llm_usage_rollup_dirty_hours').orderBy(
      'hour_start',
    );
    expect(dirty.map(d => Number(d.hour_start))).toEqual([T0, T0 + HOUR]);

    // A final call is final: a later processing or success for the id is ignored.
    expect(
      await calls.ingest([
        makeCall({ id: 'p', status: 'processing', occurredAt: T0 }),
      ]),
    ).toMatchObject({
      unchanged: 1,
    });
    expect(
      (await knex('llm_usage_calls').where('id', 'p').first()).status,
    ).toBe('success');
  });

  it('handles processing and completion of one id inside a single batch', async () => {
    const { calls, knex } = await setup();
    const result = await calls.ingest([
      makeCall({ id: 'x', status: 'processing', occurredAt: T0 }),
      makeCall({
        id: 'x',
        status: 'failed',
        occurredAt: T0,
        errorReason: 'boom',
      }),
    ]);
    expect(result).toMatchObject({ inserted: 1, unchanged: 0 });
    const row = await knex('llm_usage_calls').where('id', 'x').first();
    expect(row.status).toBe('failed');
    expect(row.error_reason).toBe('boom');
  });

  it('pages through calls with a keyset cursor in both sort orders, without gaps or repeats', async () => {
    const { calls } = await setup();
    const batch = Array.from({ length: 57 }, (_, i) =>
      makeCall({
        id: `k${String(i).padStart(2, '0')}`,
        // Pairs share a timestamp and a duration, so ties on the sort key are exercised.
        occurredAt: T0 + Math.floor(i / 2) * 1000,
        durationMs: i % 5 === 0 ? null : 100 + (i % 7),
      }),
    );
    await calls.ingest(batch);

    for (const sort of ['time', 'latency'] as const) {
      for (const order of ['desc', 'asc'] as const) {
        const seen: string[] = [];
        let after;
        do {
          const page = await calls.list(
            { scope: all, from: T0, to: T0 + HOUR },
            sort,
            order,
            10,
            after,
          );
          seen.push(...page.items.map(c => c.id));
          after = page.next;
        } while (after);
        expect(seen).toHaveLength(57);
        expect(new Set(seen).size).toBe(57);
        const key = (id: string) => {
          const call = batch.find(c => c.id === id)!;
          return sort === 'time' ? call.occurredAt : call.durationMs ?? -1;
        };
        const expected = [...seen].sort((a, b) => {
          const diff = key(a) - key(b) || a.localeCompare(b);
          return order === 'asc' ? diff : -diff;
        });
        expect(seen).toEqual(expected);
      }
    }
  });

  it('filters the history by scope, status and model', async () => {
    const { calls } = await setup();
    await calls.ingest([
      makeCall({
        id: '1',
        userRef: 'user:default/alice',
        projectId: 'p1',
        occurredAt: T0,
      }),
      makeCall({
        id: '2',
        userRef: 'user:default/bob',
        projectId: 'p1',
        occurredAt: T0,
        status: 'failed',
      }),
      makeCall({
        id: '3',
        userRef: 'user:default/bob',
        projectId: 'p2',
        occurredAt: T0,
        model: 'gpt-4o-mini',
      }),
    ]);
    const list = async (filter: object) =>
      (
        await calls.list(
          { scope: all, from: T0 - HOUR, to: T0 + HOUR, ...filter },
          'time',
          'desc',
          50,
        )
      ).items
        .map(c => c.id)
        .sort();

    expect(
      await list({
        scope: {
          kind: 'restricted',
          userRef: 'user:default/alice',
          projectIds: [],
        },
      }),
    ).toEqual(['1']);
    expect(
      await list({
        scope: {
          kind: 'restricted',
          userRef: 'user:default/alice',
          projectIds: ['p2'],
        },
      }),
    ).toEqual(['1', '3']);
    expect(await list({ status: 'failed' })).toEqual(['2']);
    expect(await list({ model: 'gpt-4o-mini' })).toEqual(['3']);
    expect(await list({ projectId: 'p1' })).toEqual(['1', '2']);
  });
});
