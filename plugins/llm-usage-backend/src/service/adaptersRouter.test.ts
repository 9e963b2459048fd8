import { mockCredentials } from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import {
  signalsServiceRef,
  type SignalPayload,
} from '@backstage/plugin-signals-node';
import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  generateLiteLlmPayloads,
  officialGenAiSpan,
  officialLiteLlmPayload,
  officialSpanRequest,
  otlpRequest,
  seededRandom,
} from '../__testUtils__/ingestPayloads';
import {
  ADMIN,
  ALICE,
  startUsageBackendWith,
} from '../__testUtils__/usageBackend';
import { DatabaseRollupStore } from '../rollup/DatabaseRollupStore';
import { formatNanos } from '../lib/money';
import { CallRollup } from '../rollup/CallRollup';

jest.setTimeout(120_000);

const databases = createTestDatabases();

/** The shared test backend, with a signals service that records what is published. */
async function startBackend(databaseId: TestDatabaseId, config: JsonObject) {
  const published: SignalPayload[] = [];
  const { server, knex } = await startUsageBackendWith(databases, databaseId, {
    config: { llmUsage: { ingest: { maxBatchSize: 50, ...config } } },
    features: [
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (signal: SignalPayload<any>) => {
            published.push(signal);
          },
        }),
      }),
    ],
  });
  return { server, knex, published };
}

async function rollUp(knex: Knex) {
  await new CallRollup(new DatabaseRollupStore(knex)).run();
}

const asService = () => mockCredentials.service.header();
const asAdmin = () => mockCredentials.user.header(ADMIN);

describe.each(databases.eachSupportedId())('adapters on %p', databaseId => {
  describe('POST /ingest/litellm', () => {
    it('ingests the official payload in every log_format, once', async () => {
      const { server } = await startBackend(databaseId, {});
      const post = (body: string) =>
        request(server)
          .post('/api/llm-usage/ingest/litellm')
          .set('Authorization', asService())
          .set('Content-Type', 'application/json')
          .send(body);

      const first = await post(JSON.stringify([officialLiteLlmPayload]));
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        received: 1,
        inserted: 1,
        completed: 0,
        unchanged: 0,
      });
      // `single` and `ndjson` deliveries of the same event count nothing twice.
      expect(
        (await post(JSON.stringify(officialLiteLlmPayload))).body,
      ).toMatchObject({ inserted: 0, unchanged: 1 });
      expect(
        (await post(`${JSON.stringify(officialLiteLlmPayload)}\n`)).body,
      ).toMatchObject({ inserted: 0, unchanged: 1 });

      const stats = await request(server)
        .get(
          '/api/llm-usage/usage/projects/litellm/stats?from=2025-01-24T00:00:00Z&to=2025-01-25T00:00:00Z',
        )
        .set('Authorization', asAdmin());
      expect(stats.body.stats).toMatchObject({
        calls: 1,
        inputTokens: 10,
        outputTokens: 20,
        totalTokens: 30,
        costs: [{ currency: 'USD', amount: '0.000225' }],
      });
      const calls = await request(server)
        .get(
          '/api/llm-usage/usage/projects/litellm/calls?from=2025-01-24T00:00:00Z&to=2025-01-25T00:00:00Z',
        )
        .set('Authorization', asAdmin());
      expect(calls.body.items[0]).toMatchObject({
        id: 'litellm:chatcmpl-2299b6a2-82a3-465a-b47c-04e685a2227f',
        model: 'gpt-4o',
        provider: 'openai',
        durationMs: 5,
        ttftMs: 5,
        userRef: 'user:default/litellm',
      });
    });

    it('shows exactly the tokens and cost of a generated batch, before and after the rollup', async () => {
      const { server, knex } = await startBackend(databaseId, {
        litellm: { projectByTeam: { 'team-alpha': 'alpha' } },
      });
      const startSeconds = Date.UTC(2026, 9, 5) / 1000;
      const batch = generateLiteLlmPayloads({
        count: 120,
        seed: 7,
        startSeconds,
      });
      const posted = await request(server)
        .post('/api/llm-usage/ingest/litellm')
        .set('Authorization', asService())
        .set('Content-Type', 'application/json')
        // NDJSON, and more payloads than one POST /calls batch holds.
        .send(batch.payloads.map(p => JSON.stringify(p)).join('\n'));
      expect(posted.body).toEqual({
        received: 120,
        inserted: 120,
        completed: 0,
        unchanged: 0,
      });

      const range = 'from=2026-10-04T00:00:00Z&to=2026-10-07T00:00:00Z';
      const expectTotals = async () => {
        const overview = await request(server)
          .get(`/api/llm-usage/usage/overview?${range}`)
          .set('Authorization', asAdmin());
        expect(overview.body.current).toMatchObject({
          calls: 120,
          failedCalls: batch.failed,
          inputTokens: batch.inputTokens,
          outputTokens: batch.outputTokens,
          costs: [{ currency: 'USD', amount: formatNanos(batch.costNanos) }],
        });
        const projects = await request(server)
          .get(
            `/api/llm-usage/usage/projects?${range}&sort=projectId&order=asc`,
          )
          .set('Authorization', asAdmin());
        // team-alpha is mapped; team-beta is a project of its own name.
        expect(projects.body.items.map((p: any) => p.projectId)).toEqual([
          'alpha',
          'team-beta',
        ]);
        expect(
          projects.body.items.reduce((sum: number, p: any) => sum + p.calls, 0),
        ).toBe(120);
      };
      await expectTotals();
      await rollUp(knex);
      await expectTotals();
    });

    it('stores the valid payloads of a batch and reports each invalid one', async () => {
      const { server, knex } = await startBackend(databaseId, {});
      const post = (body: unknown) =>
        request(server)
          .post('/api/llm-usage/ingest/litellm')
          .set('Authorization', asService())
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body));
      // LiteLLM's logger clears its queue whatever the answer: a bad payload
      // must not cost the good ones beside it.
      const res = await post([
        { ...officialLiteLlmPayload, id: 'ok-1' },
        { ...officialLiteLlmPayload, id: '' },
        { ...officialLiteLlmPayload, id: 'ok-2' },
        { ...officialLiteLlmPayload, id: 'huge', prompt_tokens: 1e15 },
      ]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        received: 2,
        inserted: 2,
        completed: 0,
        unchanged: 0,
        rejected: 2,
        errors: [
          { index: 1, reason: expect.stringMatching(/\[1\]\.id/) },
          { index: 3, reason: expect.stringMatching(/\[3\]\.prompt_tokens/) },
        ],
      });
      expect(
        (await knex('llm_usage_calls').select('id').orderBy('id')).map(
          row => row.id,
        ),
      ).toEqual(['litellm:ok-1', 'litellm:ok-2']);

      // When nothing can be stored, the answer says why.
      const none = await post([{ ...officialLiteLlmPayload, id: '' }]);
      expect(none.status).toBe(400);
      expect(none.body.error.message).toMatch(/\[0\]\.id/);
    });

    it('keys calls on litellm_call_id, so two requests with one response id stay two', async () => {
      const { server, knex } = await startBackend(databaseId, {});
      const sharedResponseId = 'chatcmpl-same-upstream-id';
      const res = await request(server)
        .post('/api/llm-usage/ingest/litellm')
        .set('Authorization', asService())
        .send([
          {
            ...officialLiteLlmPayload,
            id: sharedResponseId,
            litellm_call_id: 'call-a',
            prompt_tokens: 10,
          },
          {
            ...officialLiteLlmPayload,
            id: sharedResponseId,
            litellm_call_id: 'call-b',
            prompt_tokens: 32,
          },
        ]);
      expect(res.body).toMatchObject({ inserted: 2, unchanged: 0 });
      const rows = await knex('llm_usage_calls').orderBy('id');
      expect(rows.map(row => [row.id, Number(row.input_tokens)])).toEqual([
        ['litellm:call-a', 10],
        ['litellm:call-b', 32],
      ]);
      // The upstream response id is kept, for finding the call at the provider.
      expect(JSON.parse(rows[0].metadata).litellm).toMatchObject({
        litellmCallId: 'call-a',
        responseId: sharedResponseId,
      });
    });

    it('reads the bare NaN and Infinity that Python writes, noting the cost as unknown and pricing the call', async () => {
      const { server, knex } = await startBackend(databaseId, {});
      const payload = (id: string, cost: string) =>
        JSON.stringify({
          ...officialLiteLlmPayload,
          id,
          response_cost: 0,
        }).replace('"response_cost":0', `"response_cost":${cost}`);
      for (const body of [
        `[${payload('nan', 'NaN')}, ${payload('inf', 'Infinity')}]`,
        // ndjson, one payload per line
        `${payload('nan-line', 'NaN')}\n${payload('fine-line', '0.5')}`,
      ]) {
        const res = await request(server)
          .post('/api/llm-usage/ingest/litellm')
          .set('Authorization', asService())
          .set('Content-Type', 'application/json')
          .send(body);
        expect(res.body).toMatchObject({ inserted: 2 });
        expect(res.status).toBe(200);
      }
      const rows = await knex('llm_usage_calls').orderBy('id');
      expect(
        rows.map(row => [
          row.id,
          Number(row.cost_nanos),
          row.cost_source,
          JSON.parse(row.metadata).litellm.costUnknown,
        ]),
      ).toEqual([
        ['litellm:fine-line', 500_000_000, 'reported', undefined],
        // gpt-4o's default price: (10 × 2.50 + 20 × 10) / 10^6 USD.
        ['litellm:inf', 225_000, 'priced', 'Infinity'],
        ['litellm:nan', 225_000, 'priced', 'NaN'],
        ['litellm:nan-line', 225_000, 'priced', 'NaN'],
      ]);
    });

    it('refuses users with 403 and bad tokens with 401', async () => {
      const { server } = await startBackend(databaseId, {});
      const asUser = await request(server)
        .post('/api/llm-usage/ingest/litellm')
        .set('Authorization', mockCredentials.user.header(ALICE))
        .send([officialLiteLlmPayload]);
      expect(asUser.status).toBe(403);
      const badToken = await request(server)
        .post('/api/llm-usage/ingest/otlp/v1/traces')
        .set('Authorization', mockCredentials.service.invalidHeader())
        .send({});
      expect(badToken.status).toBe(401);
    });
  });

  describe('POST /ingest/otlp/v1/traces', () => {
    it('ingests GenAI spans, ignores the rest, and is idempotent on trace and span id', async () => {
      const { server, knex } = await startBackend(databaseId, {});
      const start = Date.UTC(2026, 9, 5, 10);
      const random = seededRandom(3);
      let inputTokens = 52;
      let outputTokens = 47;
      let costNanos = 0n;
      const generated = Array.from({ length: 80 }, (_, i) => {
        const input = Math.floor(random() * 3000);
        const output = Math.floor(random() * 800);
        const nanos = 1 + Math.floor(random() * 9_000_000);
        inputTokens += input;
        outputTokens += output;
        costNanos += BigInt(nanos);
        return {
          traceId: i.toString(16).padStart(32, '0'),
          spanId: (i + 1).toString(16).padStart(16, '0'),
          name: 'chat doubao-pro-32k',
          startMs: start + i * 60_000,
          durationMs: 200 + i,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'volcengine',
            'gen_ai.request.model': 'doubao-pro-32k',
            'gen_ai.usage.input_tokens': input,
            'gen_ai.usage.output_tokens': output,
            // Not in the conventions; some instrumentations send it.
            'gen_ai.usage.cost': nanos / 1e9,
          },
        };
      });
      const ignored = {
        traceId: 'f'.repeat(32),
        spanId: 'f'.repeat(16),
        name: 'POST /v1/chat',
        startMs: start,
        durationMs: 3,
        attributes: { 'http.request.method': 'POST' },
      };
      const official = officialSpanRequest(start, 'alpha');
      const body = {
        resourceSpans: [
          ...official.resourceSpans,
          ...otlpRequest({ 'service.name': 'alpha' }, [...generated, ignored])
            .resourceSpans,
        ],
      };
      const post = () =>
        request(server)
          .post('/api/llm-usage/ingest/otlp/v1/traces')
          .set('Authorization', asService())
          .send(body);
      const first = await post();
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        partialSuccess: {
          rejectedSpans: 1,
          errorMessage: expect.stringContaining('not GenAI model calls'),
        },
      });
      await post();

      const range = 'from=2026-10-05T00:00:00Z&to=2026-10-06T00:00:00Z';
      const expectTotals = async () => {
        const stats = await request(server)
          .get(`/api/llm-usage/usage/projects/alpha/stats?${range}`)
          .set('Authorization', asAdmin());
        expect(stats.body.stats).toMatchObject({
          calls: 81,
          inputTokens,
          outputTokens,
          costs: [{ currency: 'USD', amount: formatNanos(costNanos) }],
        });
        const models = await request(server)
          .get(`/api/llm-usage/usage/projects/alpha/models?${range}`)
          .set('Authorization', asAdmin());
        expect(
          models.body.models.map((m: any) => [m.provider, m.model, m.calls]),
        ).toEqual([
          ['volcengine', 'doubao-pro-32k', 80],
          ['openai', 'gpt-4-0613', 1],
        ]);
      };
      await expectTotals();
      await rollUp(knex);
      await expectTotals();

      const calls = await request(server)
        .get(
          `/api/llm-usage/usage/projects/alpha/calls?${range}&model=gpt-4-0613`,
        )
        .set('Authorization', asAdmin());
      expect(calls.body.items.map((c: any) => c.id)).toEqual([
        `otel:${officialGenAiSpan.trace_id}:${officialGenAiSpan.span_id}`,
      ]);
    });

    it('answers an export without GenAI spans with an empty response', async () => {
      const { server } = await startBackend(databaseId, {});
      const res = await request(server)
        .post('/api/llm-usage/ingest/otlp/v1/traces')
        .set('Authorization', asService())
        .send({ resourceSpans: [] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    });

    it('stores the readable spans of an export and reports the invalid ones', async () => {
      const { server } = await startBackend(databaseId, {});
      const exported = officialSpanRequest(Date.UTC(2026, 9, 5, 10), 'alpha');
      const good = exported.resourceSpans[0].scopeSpans[0].spans[0];
      exported.resourceSpans[0].scopeSpans[0].spans.push({
        ...good,
        spanId: 'zz',
      });
      const res = await request(server)
        .post('/api/llm-usage/ingest/otlp/v1/traces')
        .set('Authorization', asService())
        .send(exported);
      expect(res.status).toBe(200);
      expect(res.body.partialSuccess).toEqual({
        rejectedSpans: 1,
        errorMessage: expect.stringMatching(
          /1 GenAI span\(s\) were invalid.*spans\.1\.spanId/,
        ),
      });
      const stats = await request(server)
        .get(
          '/api/llm-usage/usage/projects/alpha/stats?from=2026-10-05T00:00:00Z&to=2026-10-06T00:00:00Z',
        )
        .set('Authorization', asAdmin());
      expect(stats.body.stats.calls).toBe(1);
    });
  });

  describe('signals', () => {
    it('tells the calls’ users and the project owners that calls landed', async () => {
      const { server, published } = await startBackend(databaseId, {
        litellm: { projectByTeam: { 'team-alpha': 'alpha' } },
      });
      const payload = (id: string, team: string, user: string) => ({
        ...officialLiteLlmPayload,
        id,
        metadata: {
          ...officialLiteLlmPayload.metadata,
          user_api_key_team_alias: team,
          user_api_key_user_id: user,
        },
      });
      await request(server)
        .post('/api/llm-usage/ingest/litellm')
        .set('Authorization', asService())
        .send([
          payload('s1', 'team-alpha', 'alice'),
          payload('s2', 'team-gamma', 'dave'),
        ]);
      await waitFor(() => published.length >= 2);
      expect(
        published
          .map(signal => ({
            channel: signal.channel,
            recipients: signal.recipients,
            message: signal.message,
          }))
          .sort((a, b) =>
            JSON.stringify(a.message).localeCompare(JSON.stringify(b.message)),
          ),
      ).toEqual([
        {
          channel: 'llm-usage',
          // alice called; team-a owns alpha's Component.
          recipients: {
            type: 'user',
            entityRef: ['group:default/team-a', 'user:default/alice'],
          },
          message: { type: 'calls', projectIds: ['alpha'] },
        },
        {
          channel: 'llm-usage',
          recipients: { type: 'user', entityRef: ['user:default/dave'] },
          message: { type: 'calls', projectIds: ['team-gamma'] },
        },
      ]);

      // POST /calls signals the same way.
      published.length = 0;
      await request(server)
        .post('/api/llm-usage/calls')
        .set('Authorization', asService())
        .send([
          {
            id: 'direct-1',
            timestamp: new Date().toISOString(),
            userRef: 'user:default/erin',
            projectId: 'alpha',
            provider: 'openai',
            model: 'gpt-4o',
          },
        ]);
      await waitFor(() => published.length >= 1);
      expect(published.map(signal => signal.recipients)).toEqual([
        {
          type: 'user',
          entityRef: ['group:default/team-a', 'user:default/erin'],
        },
      ]);

      // Calls already stored signal nobody.
      published.length = 0;
      await request(server)
        .post('/api/llm-usage/ingest/litellm')
        .set('Authorization', asService())
        .send([payload('s1', 'team-alpha', 'alice')]);
      await new Promise(resolve => setTimeout(resolve, 1500));
      expect(published).toEqual([]);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}
