import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  officialGenAiSpan,
  officialLiteLlmPayload,
  otlpAttributes,
  otlpRequest,
} from '../__testUtils__/ingestPayloads';
import { startUsageBackendWith } from '../__testUtils__/usageBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const START = Date.UTC(2026, 9, 5, 10);
const asService = () => mockCredentials.service.header();

/** A GenAI span with the official attributes and `extra` on top. */
function span(spanId: string, extra: Record<string, unknown>) {
  return {
    traceId: officialGenAiSpan.trace_id,
    spanId,
    name: officialGenAiSpan.name,
    startMs: START,
    durationMs: 1200,
    attributes: { ...officialGenAiSpan.attributes, ...extra },
  };
}

describe.each(databases.eachSupportedId())(
  'out-of-range numbers through the adapters on %p',
  databaseId => {
    it('rejects and reports OTLP spans whose tokens are beyond the bounds, storing the others', async () => {
      const { server, knex } = await startUsageBackendWith(
        databases,
        databaseId,
        {},
      );
      const body = otlpRequest({ 'service.name': 'svc' }, [
        span('00f067aa0ba902b1', {}),
        // 2^53 + 10: not a safe integer, used to be stored as 0.
        span('00f067aa0ba902b2', {
          'gen_ai.usage.input_tokens': 2 ** 53 + 10,
        }),
        // 10^15 output tokens: a whole number, but past the bound.
        span('00f067aa0ba902b3', { 'gen_ai.usage.output_tokens': 1e15 }),
        span('00f067aa0ba902b4', {}),
      ]);
      // An intValue beyond int64, as an OTLP/JSON exporter may write it.
      const spans = body.resourceSpans[0].scopeSpans[0].spans;
      spans[3].attributes = [
        ...spans[3].attributes.filter(
          a => a.key !== 'gen_ai.usage.input_tokens',
        ),
        ...otlpAttributes({ 'gen_ai.usage.input_tokens': 0 }).map(a => ({
          ...a,
          value: { intValue: '99999999999999999999999' },
        })),
      ];

      const res = await request(server)
        .post('/api/llm-usage/ingest/otlp/v1/traces')
        .set('Authorization', asService())
        .send(body);
      expect(res.status).toBe(200);
      expect(res.body.partialSuccess.rejectedSpans).toBe(3);
      expect(res.body.partialSuccess.errorMessage).toContain(
        '3 GenAI span(s) were invalid, the first: Invalid OTLP span at resourceSpans.0.scopeSpans.0.spans.1.attributes.gen_ai.usage.input_tokens: must be a whole number from 0 to 1000000000',
      );
      const rows = await knex('llm_usage_calls').select(
        'id',
        'input_tokens',
        'output_tokens',
      );
      expect(
        rows.map(r => [r.id, Number(r.input_tokens), Number(r.output_tokens)]),
      ).toEqual([
        [`otel:${officialGenAiSpan.trace_id}:00f067aa0ba902b1`, 52, 47],
      ]);
    });

    it.each([
      ['prompt_tokens', { prompt_tokens: 2 ** 53 + 10 }],
      ['completion_tokens', { completion_tokens: 1e15 }],
      ['completion_tokens', { completion_tokens: '99999999999999999999999' }],
      ['response_cost', { response_cost: 9_000_000_000 }],
    ])(
      'rejects and reports a LiteLLM payload with %s out of range, storing the others',
      async (field, extra) => {
        const { server, knex } = await startUsageBackendWith(
          databases,
          databaseId,
          {},
        );
        const res = await request(server)
          .post('/api/llm-usage/ingest/litellm')
          .set('Authorization', asService())
          .set('Content-Type', 'application/json')
          .send(
            JSON.stringify([
              officialLiteLlmPayload,
              {
                ...officialLiteLlmPayload,
                id: 'second',
                litellm_call_id: 'second',
                ...extra,
              },
            ]),
          );
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          received: 1,
          inserted: 1,
          rejected: 1,
          errors: [
            {
              index: 1,
              reason: expect.stringMatching(
                new RegExp(`^Invalid LiteLLM payload at \\[1\\]\\.${field}: `),
              ),
            },
          ],
        });
        expect(await knex('llm_usage_calls')).toHaveLength(1);
      },
    );
  },
);
