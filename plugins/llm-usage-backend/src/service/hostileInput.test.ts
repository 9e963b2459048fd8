import { mockCredentials } from '@backstage/backend-test-utils';
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { otlpRequest } from '../__testUtils__/ingestPayloads';
import {
  ADMIN,
  llmUsageTableCounts,
  startLlmUsageBackend,
} from '../__testUtils__/pluginHarness';
import { INTERNAL_ITEM_ERROR, itemErrorMessage } from '../lib/itemError';

/*
 * The inputs of issue 15 item 9 and issue 23 item 2 that answered 500: each
 * is now a 4xx naming the field with nothing stored, or (OTLP) a rejected
 * span beside a stored one.
 */

jest.setTimeout(180_000);

const databases = createTestDatabases();
const BASE = '/api/llm-usage';
const NOW = Date.now();
const base64url = (text: string) => Buffer.from(text).toString('base64url');
const SQL_OR_STACK =
  /insert into|select .* from|update .* set|delete from|constraint|violates|\bat .*\.(t|j)s:\d+|node_modules/i;

function call(overrides: Record<string, unknown> = {}) {
  return {
    id: 'hostile-1',
    timestamp: new Date(NOW - 3_600_000).toISOString(),
    userRef: 'user:default/alice',
    projectId: 'alpha',
    provider: 'openai',
    model: 'gpt-4o',
    ...overrides,
  };
}

/** JSON text of `{"a":{"a":…}}`: superagent cannot stringify that deep. */
const nested = (depth: number) =>
  `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;

function genAiSpan(spanId: string, startMs: number) {
  return {
    traceId: 'c'.repeat(32),
    spanId,
    name: 'chat gpt-4o',
    startMs,
    durationMs: 100,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
    },
  };
}

describe.each(databases.eachSupportedId())(
  'hostile input on %p',
  databaseId => {
    let server: Server;
    let knex: Knex;
    const service = () => mockCredentials.service.header();
    const admin = () => mockCredentials.user.header(ADMIN);

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ server } = await startLlmUsageBackend(knex));
    });

    /** Sends, and checks the answer is a 400 naming `field` with nothing stored. */
    async function expectRefused(
      send: () => request.Test,
      field: string | RegExp,
    ) {
      const before = await llmUsageTableCounts(knex);
      const res = await send();
      expect([res.status, res.body?.error?.message ?? res.text]).toEqual([
        400,
        expect.stringMatching(
          typeof field === 'string'
            ? new RegExp(field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            : field,
        ),
      ]);
      expect(JSON.stringify(res.body)).not.toMatch(SQL_OR_STACK);
      expect(await llmUsageTableCounts(knex)).toEqual(before);
      return res;
    }

    it('refuses a NUL character inside JSON bodies, naming the field', async () => {
      await expectRefused(
        () =>
          request(server)
            .post(`${BASE}/calls`)
            .set('Authorization', service())
            .send([call({ model: 'gpt\u0000' })]),
        "'[0].model'",
      );
      await expectRefused(
        () =>
          request(server)
            .post(`${BASE}/calls`)
            .set('Authorization', service())
            .send([call({ metadata: { 'k\u0000': 1 } })]),
        "'[0].metadata.k\u0000'",
      );
      await expectRefused(
        () =>
          request(server)
            .post(`${BASE}/tags`)
            .set('Authorization', admin())
            .send({ name: 'a\u0000b' }),
        "'name'",
      );
      await expectRefused(
        () =>
          request(server)
            .post(`${BASE}/ingest/litellm`)
            .set('Authorization', service())
            .set('Content-Type', 'application/json')
            .send(JSON.stringify([{ id: 'x\u0000' }])),
        "'[0].id'",
      );
      const otlp = otlpRequest({ 'service.name': 'svc\u0000' }, [
        genAiSpan('1'.repeat(16), NOW - 60_000),
      ]);
      await expectRefused(
        () =>
          request(server)
            .post(`${BASE}/ingest/otlp/v1/traces`)
            .set('Authorization', service())
            .send(otlp),
        /resourceSpans\[0\]\.resource\.attributes\[0\]\.value\.stringValue/,
      );
      // Inside the import's JSON text, the escape only becomes a NUL when parsed.
      await expectRefused(
        () =>
          request(server)
            .post(`${BASE}/keys/import`)
            .set('Authorization', admin())
            .send({
              format: 'json',
              content: '[{"accountId":"a","name":"x\\u0000"}]',
            }),
        "'content'",
      );
    });

    it('refuses forged cursors on paged routes, naming cursor', async () => {
      const forged = [
        base64url('["time","desc",1e300,"x"]'),
        base64url('["time","desc",1,"x\\u0000"]'),
      ];
      const app = server;
      for (const cursor of forged) {
        await expectRefused(
          () =>
            request(app)
              .get(`${BASE}/usage/projects/alpha/calls`)
              .query({ cursor })
              .set('Authorization', admin()),
          "'cursor'",
        );
      }
      const answers: string[] = [];
      for (const path of ['/audit-events', '/alerts', '/sync-runs']) {
        const res = await request(app)
          .get(`${BASE}${path}`)
          .query({ cursor: base64url('[1e300,"x"]') })
          .set('Authorization', admin());
        answers.push(`${path} ${res.status} ${res.body?.error?.message}`);
      }
      // A route the harness's admin may not read answers 403 or 404 first.
      for (const answer of answers) {
        expect(answer).toMatch(/ (400 .*'cursor'|403 |404 )/);
      }
    });

    it('refuses impossible offsets in query dates and call timestamps', async () => {
      await expectRefused(
        () =>
          request(server)
            .get(`${BASE}/usage/overview`)
            .query({ from: '2026-01-01T00:00:00+99:00' })
            .set('Authorization', admin()),
        "'from'",
      );
      await expectRefused(
        () =>
          request(server)
            .post(`${BASE}/calls`)
            .set('Authorization', service())
            .send([call({ timestamp: '2026-01-01T00:00:00+99:00' })]),
        '[0].timestamp',
      );
    });

    it('rejects a LiteLLM payload with a time beyond the date range by index and field, storing the valid one', async () => {
      const before = await knex('llm_usage_calls').count({ n: '*' });
      const res = await request(server)
        .post(`${BASE}/ingest/litellm`)
        .set('Authorization', service())
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify([
            { id: 'ok', startTime: NOW / 1000, endTime: NOW / 1000 },
            { id: 'far', startTime: 1e300, endTime: 1e300 },
          ]),
        );
      // Payloads are checked one by one (3fb9fa7): the valid one is stored.
      expect(res.status).toBe(200);
      expect(res.body.rejected).toBe(1);
      expect(JSON.stringify(res.body.errors)).toMatch(
        /\[1\]\.startTime: the time is out of range/,
      );
      const after = await knex('llm_usage_calls').count({ n: '*' });
      expect(Number(after[0].n)).toBe(Number(before[0].n) + 1);
      // Only that item, alone, is refused with a 400 naming it.
      await expectRefused(
        () =>
          request(server)
            .post(`${BASE}/ingest/litellm`)
            .set('Authorization', service())
            .set('Content-Type', 'application/json')
            .send(JSON.stringify([{ id: 'far', startTime: 1e300 }])),
        '[0].startTime',
      );
    });

    it('rejects an OTLP span beyond the date range in partialSuccess and stores the valid one', async () => {
      const body = otlpRequest({ 'service.name': 'svc' }, [
        genAiSpan('1'.repeat(16), NOW - 60_000),
        genAiSpan('2'.repeat(16), 0),
      ]);
      // 1e22 ns is beyond the ±8.64e15 ms a Date holds.
      body.resourceSpans[0].scopeSpans[0].spans[1].startTimeUnixNano = `1${'0'.repeat(
        22,
      )}`;
      const before = await knex('llm_usage_calls').count({ n: '*' });
      const res = await request(server)
        .post(`${BASE}/ingest/otlp/v1/traces`)
        .set('Authorization', service())
        .send(body);
      expect(res.status).toBe(200);
      expect(res.body.partialSuccess.rejectedSpans).toBe(1);
      expect(res.body.partialSuccess.errorMessage).toMatch(
        /spans\.1\.startTimeUnixNano: the time is out of range/,
      );
      const after = await knex('llm_usage_calls').count({ n: '*' });
      expect(Number(after[0].n)).toBe(Number(before[0].n) + 1);
      const stored = await knex('llm_usage_calls')
        .where('id', `otel:${'c'.repeat(32)}:${'1'.repeat(16)}`)
        .first();
      expect(stored).toBeDefined();
    });

    it('refuses metadata nested thousands of levels deep, naming the field', async () => {
      await expectRefused(
        () =>
          request(server)
            .post(`${BASE}/calls`)
            .set('Authorization', service())
            .set('Content-Type', 'application/json')
            .send(
              JSON.stringify([call({ metadata: {} })]).replace(
                '"metadata":{}',
                `"metadata":${nested(5000)}`,
              ),
            ),
        /'\[0\]\.metadata\.a\.a.*': nested deeper than 64 levels/,
      );
    });
  },
);

describe('itemErrorMessage', () => {
  it('keeps messages meant for the caller and hides database errors', () => {
    const logged: unknown[] = [];
    const logger = { error: (...args: unknown[]) => logged.push(args) } as any;
    const notFound = Object.assign(new Error("No key 'k'"), {
      name: 'NotFoundError',
    });
    expect(itemErrorMessage(notFound, logger, 'x')).toBe("No key 'k'");
    const sqlError = new Error(
      'insert into "llm_usage_keys" ("id") values ($1) - duplicate key value violates unique constraint "llm_usage_keys_pkey"',
    );
    const message = itemErrorMessage(sqlError, logger, 'Key batch delete');
    expect(message).toBe(INTERNAL_ITEM_ERROR);
    expect(message).not.toMatch(SQL_OR_STACK);
    expect(logged).toHaveLength(1);
  });
});
