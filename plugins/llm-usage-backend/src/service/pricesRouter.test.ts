import { mockCredentials } from '@backstage/backend-test-utils';
import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { otlpRequest } from '../__testUtils__/ingestPayloads';
import {
  ADMIN,
  ALICE,
  startUsageBackendWith,
} from '../__testUtils__/usageBackend';
import { AUDIT_EVENTS_TABLE } from '../audit/AuditLog';
import { CALLS_TABLE, DAILY_TABLE, HOURLY_TABLE } from '../database/tables';
import { CallRollup } from '../rollup/CallRollup';
import { DatabaseRollupStore } from '../rollup/DatabaseRollupStore';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const BASE = '/api/llm-usage';
const HOUR = 3_600_000;
/** A closed hour: the rollup rolls it. */
const T0 = Date.UTC(2026, 9, 1, 10);
const RANGE = `from=${new Date(T0 - HOUR).toISOString()}&to=${new Date(
  T0 + 5 * HOUR,
).toISOString()}`;

const asService = () => mockCredentials.service.header();
const asAdmin = () => mockCredentials.user.header(ADMIN);
const asAlice = () => mockCredentials.user.header(ALICE);

interface SpanOptions {
  spanId: string;
  provider: string;
  model: string;
  input: number;
  output: number;
  cached?: number;
  cost?: number;
  startMs?: number;
}

/** One GenAI span of project alpha, by the current semantic conventions. */
function span(options: SpanOptions) {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: options.spanId,
    name: `chat ${options.model}`,
    startMs: options.startMs ?? T0 + 60_000,
    durationMs: 800,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': options.provider,
      'gen_ai.request.model': options.model,
      'gen_ai.usage.input_tokens': options.input,
      'gen_ai.usage.output_tokens': options.output,
      ...(options.cached !== undefined
        ? { 'gen_ai.usage.cache_read.input_tokens': options.cached }
        : {}),
      ...(options.cost !== undefined
        ? { 'gen_ai.usage.cost': options.cost }
        : {}),
    },
  };
}

async function start(databaseId: TestDatabaseId) {
  return startUsageBackendWith(databases, databaseId, {
    config: { llmUsage: { demoData: { enabled: false } } },
  });
}

async function exportSpans(server: any, spans: SpanOptions[]) {
  const res = await request(server)
    .post(`${BASE}/ingest/otlp/v1/traces`)
    .set('Authorization', asService())
    .send(otlpRequest({ 'service.name': 'alpha' }, spans.map(span)));
  expect(res.status).toBe(200);
  return res.body;
}

async function storedCalls(knex: Knex) {
  const rows = await knex(CALLS_TABLE)
    .select('id', 'model', 'cost_nanos', 'currency', 'cost_source')
    .orderBy('id');
  return Object.fromEntries(
    rows.map(row => [
      row.id.split(':').pop(),
      [String(row.cost_nanos), row.currency, row.cost_source],
    ]),
  );
}

/** Cost sums per currency and source, from the raw calls and from each rollup table. */
async function costSums(knex: Knex) {
  const sum = async (table: string, where: (q: Knex.QueryBuilder) => void) => {
    const query = knex(table)
      .select('currency')
      .select(knex.raw('CAST(SUM(cost_nanos) AS TEXT) AS cost'))
      .groupBy('currency')
      .orderBy('currency');
    where(query);
    return query;
  };
  const raw = await sum(CALLS_TABLE, () => {});
  const rawPriced = await sum(CALLS_TABLE, q =>
    q.where('cost_source', 'priced'),
  );
  const rolled = async (table: string) =>
    knex(table)
      .select('currency')
      .select(knex.raw('CAST(SUM(cost_nanos) AS TEXT) AS cost'))
      .select(knex.raw('CAST(SUM(priced_cost_nanos) AS TEXT) AS priced'))
      .where('level', 'detail')
      .groupBy('currency')
      .orderBy('currency');
  return {
    raw: raw.map(r => [r.currency, String(r.cost)]),
    rawPriced: rawPriced.map(r => [r.currency, String(r.cost)]),
    hourly: await rolled(HOURLY_TABLE),
    daily: await rolled(DAILY_TABLE),
  };
}

async function rollUp(knex: Knex) {
  await new CallRollup(new DatabaseRollupStore(knex)).run();
}

describe.each(databases.eachSupportedId())(
  'the price book on %p',
  databaseId => {
    it('prices OTLP spans without a cost at ingestion, exact to the nano-unit, and keeps reported costs', async () => {
      const { server, knex } = await start(databaseId);
      const spans: SpanOptions[] = [
        // gpt-4o: (1034 × 2.50 + 200 × 1.25 + 567 × 10) / 10^6 = 0.008505 USD
        {
          spanId: '00000000000000a1',
          provider: 'openai',
          model: 'gpt-4o-2024-08-06',
          input: 1234,
          cached: 200,
          output: 567,
        },
        // doubao-seed-1-6: (1001 × 0.80 + 333 × 8) / 10^6 = 0.0034648 CNY
        {
          spanId: '00000000000000a2',
          provider: 'volcengine',
          model: 'doubao-seed-1-6-250615',
          input: 1001,
          output: 333,
        },
        // A cost the instrumentation reported is kept as it is.
        {
          spanId: '00000000000000a3',
          provider: 'openai',
          model: 'gpt-4o',
          input: 1000,
          output: 1000,
          cost: 0.5,
        },
        // No price for this model: stored without a cost.
        {
          spanId: '00000000000000a4',
          provider: 'openai',
          model: 'in-house-model',
          input: 10,
          output: 10,
        },
      ];
      expect(await exportSpans(server, spans)).toEqual({});
      const expected = {
        '00000000000000a1': ['8505000', 'USD', 'priced'],
        '00000000000000a2': ['3464800', 'CNY', 'priced'],
        '00000000000000a3': ['500000000', 'USD', 'reported'],
        '00000000000000a4': ['0', 'USD', null],
      };
      expect(await storedCalls(knex)).toEqual(expected);

      // A byte-identical resend changes nothing.
      const resend = await request(server)
        .post(`${BASE}/calls`)
        .set('Authorization', asService())
        .send([
          {
            id: 'otel:0af7651916cd43dd8448eb211c80319c:00000000000000a1',
            timestamp: new Date(T0 + 60_000).toISOString(),
            userRef: 'user:default/otel',
            projectId: 'alpha',
            provider: 'openai',
            model: 'gpt-4o-2024-08-06',
            inputTokens: 1234,
            cachedTokens: 200,
            outputTokens: 567,
          },
        ]);
      expect(resend.body).toMatchObject({ inserted: 0, unchanged: 1 });
      await exportSpans(server, spans);
      expect(await storedCalls(knex)).toEqual(expected);

      // The call rows and the aggregates say where each cost comes from.
      const calls = await request(server)
        .get(`${BASE}/usage/projects/alpha/calls?${RANGE}`)
        .set('Authorization', asAdmin());
      expect(
        Object.fromEntries(
          calls.body.items.map((c: any) => [
            c.id.split(':').pop(),
            [c.cost, c.currency, c.costSource],
          ]),
        ),
      ).toEqual({
        '00000000000000a1': ['0.008505', 'USD', 'priced'],
        '00000000000000a2': ['0.0034648', 'CNY', 'priced'],
        '00000000000000a3': ['0.5', 'USD', 'reported'],
        '00000000000000a4': ['0', 'USD', null],
      });
      for (const rolled of [false, true]) {
        if (rolled) await rollUp(knex);
        const stats = await request(server)
          .get(`${BASE}/usage/projects/alpha/stats?${RANGE}`)
          .set('Authorization', asAdmin());
        expect([
          rolled,
          stats.body.stats.costs,
          stats.body.stats.pricedCosts,
        ]).toEqual([
          rolled,
          [
            { currency: 'CNY', amount: '0.0034648' },
            { currency: 'USD', amount: '0.508505' },
          ],
          [
            { currency: 'CNY', amount: '0.0034648' },
            { currency: 'USD', amount: '0.008505' },
          ],
        ]);
      }
      const sums = await costSums(knex);
      expect(sums.hourly).toEqual(sums.daily);
      expect(sums.hourly.map(r => [r.currency, String(r.cost)])).toEqual(
        sums.raw,
      );
      expect(sums.hourly.map(r => [r.currency, String(r.priced)])).toEqual(
        sums.rawPriced,
      );
    });

    it('lets admins edit prices (audited), refusing others and bad input by field', async () => {
      const { server, knex } = await start(databaseId);
      const entry = {
        provider: 'openai',
        model: 'in-house-model',
        currency: 'usd',
        inputPerMillion: '0.50',
        outputPerMillion: '1.5',
        effectiveFrom: '2026-01-01',
        note: 'negotiated',
      };
      // Each with a body the spec accepts: a malformed one is a 400 first.
      const range = {
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-02T00:00:00Z',
      };
      for (const [method, path, body] of [
        ['post', '/prices', entry],
        ['patch', '/prices/x', entry],
        ['delete', '/prices/x', entry],
        ['post', '/prices/reprice', range],
      ] as const) {
        const res = await (request(server) as any)
          [method](`${BASE}${path}`)
          .set('Authorization', asAlice())
          .send(body);
        expect([method, path, res.status]).toEqual([method, path, 403]);
      }

      const bad = async (body: object) =>
        (
          await request(server)
            .post(`${BASE}/prices`)
            .set('Authorization', asAdmin())
            .send(body)
        ).body.error;
      expect((await bad({ ...entry, inputPerMillion: '-1' })).message).toMatch(
        /'inputPerMillion'/,
      );
      expect(
        (await bad({ ...entry, effectiveFrom: '2026-02-30' })).message,
      ).toMatch(/'effectiveFrom'/);
      expect((await bad({ ...entry, currency: 'dollars' })).message).toMatch(
        /'currency'/,
      );
      expect((await bad({ ...entry, extra: 1 })).name).toBe('InputError');

      const created = await request(server)
        .post(`${BASE}/prices`)
        .set('Authorization', asAdmin())
        .send(entry);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        origin: 'admin',
        currency: 'USD',
        inputPerMillion: '0.5',
        outputPerMillion: '1.5',
        cachedPerMillion: null,
        inForce: true,
      });
      const duplicate = await request(server)
        .post(`${BASE}/prices`)
        .set('Authorization', asAdmin())
        .send(entry);
      expect(duplicate.status).toBe(409);

      const updated = await request(server)
        .patch(`${BASE}/prices/${created.body.id}`)
        .set('Authorization', asAdmin())
        .send({ outputPerMillion: '2' });
      expect(updated.body.outputPerMillion).toBe('2');
      // Defaults are read-only here: an admin entry overrides them instead.
      const list = await request(server)
        .get(`${BASE}/prices`)
        .set('Authorization', asAlice());
      expect(list.status).toBe(200);
      const gpt4o = list.body.items.find(
        (e: any) => e.origin === 'default' && e.model === 'gpt-4o',
      );
      expect(
        (
          await request(server)
            .delete(`${BASE}/prices/${encodeURIComponent(gpt4o.id)}`)
            .set('Authorization', asAdmin())
        ).status,
      ).toBe(404);
      expect(
        (
          await request(server)
            .delete(`${BASE}/prices/${created.body.id}`)
            .set('Authorization', asAdmin())
        ).status,
      ).toBe(204);

      const events = await knex(AUDIT_EVENTS_TABLE)
        .select('action', 'target_id', 'actor_ref', 'before', 'after')
        .where('target_type', 'price')
        .orderBy('occurred_at');
      expect(events.map(e => [e.action, e.target_id, e.actor_ref])).toEqual([
        ['price.create', created.body.id, ADMIN],
        ['price.update', created.body.id, ADMIN],
        ['price.delete', created.body.id, ADMIN],
      ]);
      expect(JSON.parse(events[1].before).outputPerMillion).toBe('1.5');
      expect(JSON.parse(events[1].after).outputPerMillion).toBe('2');
    });

    it('re-prices a range with the current book and re-rolls its hours', async () => {
      const { server, knex } = await start(databaseId);
      await exportSpans(server, [
        {
          spanId: '00000000000000b1',
          provider: 'openai',
          model: 'in-house-model',
          input: 1_000_000,
          output: 0,
        },
        {
          spanId: '00000000000000b2',
          provider: 'openai',
          model: 'in-house-model',
          input: 0,
          output: 2_000,
          startMs: T0 + 2 * HOUR,
        },
        {
          spanId: '00000000000000b3',
          provider: 'openai',
          model: 'in-house-model',
          input: 5,
          output: 5,
          cost: 0.25,
        },
        // Outside the range: left as it is.
        {
          spanId: '00000000000000b4',
          provider: 'openai',
          model: 'in-house-model',
          input: 7,
          output: 7,
          startMs: T0 + 30 * HOUR,
        },
      ]);
      await rollUp(knex);
      const created = await request(server)
        .post(`${BASE}/prices`)
        .set('Authorization', asAdmin())
        .send({
          provider: 'openai',
          model: 'in-house-model',
          currency: 'EUR',
          inputPerMillion: '0.3',
          outputPerMillion: '1.2',
          effectiveFrom: '2026-01-01',
        });
      expect(created.status).toBe(201);

      const reprice = (body: object) =>
        request(server)
          .post(`${BASE}/prices/reprice`)
          .set('Authorization', asAdmin())
          .send(body);
      const bad = await reprice({
        from: 'yesterday',
        to: '2026-10-02T00:00:00Z',
      });
      expect([bad.status, bad.body.error.message]).toEqual([
        400,
        expect.stringMatching(/'from'/),
      ]);
      const range = {
        from: new Date(T0).toISOString(),
        to: new Date(T0 + 24 * HOUR).toISOString(),
        provider: 'openai',
        model: 'in-house-model',
      };
      const first = await reprice(range);
      expect(first.body).toEqual({
        examined: 2,
        repriced: 2,
        unchanged: 0,
        withoutPrice: 0,
        hoursMarked: 2,
      });
      expect(await storedCalls(knex)).toEqual({
        '00000000000000b1': ['300000000', 'EUR', 'priced'],
        '00000000000000b2': ['2400000', 'EUR', 'priced'],
        '00000000000000b3': ['250000000', 'USD', 'reported'],
        '00000000000000b4': ['0', 'USD', null],
      });
      expect((await reprice(range)).body).toMatchObject({
        examined: 2,
        repriced: 0,
        unchanged: 2,
      });
      const audited = await knex(AUDIT_EVENTS_TABLE).where(
        'action',
        'calls.reprice',
      );
      expect(audited).toHaveLength(2);
      expect(JSON.parse(audited[0].after)).toMatchObject({ repriced: 2 });

      await rollUp(knex);
      const sums = await costSums(knex);
      expect(sums.raw).toEqual([
        ['EUR', '302400000'],
        ['USD', '250000000'],
      ]);
      expect(sums.hourly).toEqual(sums.daily);
      expect(sums.hourly.map(r => [r.currency, String(r.cost)])).toEqual(
        sums.raw,
      );
      expect(sums.hourly.map(r => [r.currency, String(r.priced)])).toEqual([
        ['EUR', '302400000'],
        ['USD', '0'],
      ]);

      // With the price gone, a re-price takes the priced costs away again.
      await request(server)
        .delete(`${BASE}/prices/${created.body.id}`)
        .set('Authorization', asAdmin());
      expect((await reprice(range)).body).toMatchObject({
        examined: 2,
        repriced: 0,
        withoutPrice: 2,
        hoursMarked: 2,
      });
      await rollUp(knex);
      expect(
        (await costSums(knex)).hourly.map(r => [
          r.currency,
          String(r.cost),
          String(r.priced),
        ]),
      ).toEqual([
        ['EUR', '0', '0'],
        ['USD', '250000000', '0'],
      ]);
    });
  },
);
