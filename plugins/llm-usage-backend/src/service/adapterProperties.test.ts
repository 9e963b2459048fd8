import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  officialLiteLlmPayload,
  otlpRequest,
  type PlainSpan,
} from '../__testUtils__/ingestPayloads';
import {
  binaryBody,
  decodeExportResponse,
  encodeTraceRequest,
} from '../__testUtils__/otlpProtobuf';
import { startUsageBackendWith } from '../__testUtils__/usageBackend';
import { CALLS_TABLE } from '../database/tables';

jest.setTimeout(300_000);

/**
 * Property-based: exports mixing valid and invalid items, in every encoding
 * the adapters take. Whatever the mix, no 5xx, every valid item is stored
 * once and every invalid one is counted with a reason.
 */
const databases = createTestDatabases();
const SEED = Number(process.env.FAST_CHECK_SEED ?? 20261204);
const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 20);
const asService = () => mockCredentials.service.header();
const START_MS = Date.UTC(2026, 10, 2, 9);

/** How a span is spoiled; `valid` leaves it a model call that is stored. */
type SpanKind =
  | 'valid'
  | 'not-genai'
  | 'tokens-out-of-range'
  | 'negative-tokens'
  | 'start-beyond-range'
  | 'lasts-over-a-day'
  | 'model-too-long';

const spanKinds: fc.Arbitrary<SpanKind> = fc.constantFrom(
  'valid',
  'valid',
  'valid',
  'not-genai',
  'tokens-out-of-range',
  'negative-tokens',
  'start-beyond-range',
  'lasts-over-a-day',
  'model-too-long',
);

/** Valid spans are stored; other GenAI spans are invalid; the rest ignored. */
function expectedFate(kind: SpanKind) {
  if (kind === 'valid') return 'stored';
  if (kind === 'not-genai') return 'ignored';
  return 'invalid';
}

function spanOf(kind: SpanKind, index: number, tokens: number): PlainSpan {
  const span: PlainSpan = {
    traceId: (index + 1).toString(16).padStart(32, 'a'),
    spanId: (index + 1).toString(16).padStart(16, 'b'),
    name: 'chat gpt-4o',
    startMs: START_MS + index * 1000,
    durationMs: 250,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': tokens,
      'gen_ai.usage.output_tokens': 7,
    },
  };
  switch (kind) {
    case 'not-genai':
      span.attributes = { 'http.request.method': 'POST' };
      break;
    case 'tokens-out-of-range':
      span.attributes['gen_ai.usage.input_tokens'] = 1e15;
      break;
    case 'negative-tokens':
      span.attributes['gen_ai.usage.output_tokens'] = -3;
      break;
    case 'start-beyond-range':
      span.startMs = 9e15; // past the last date a Date holds
      break;
    case 'lasts-over-a-day':
      span.durationMs = 2 * 86_400_000;
      break;
    case 'model-too-long':
      span.attributes['gen_ai.request.model'] = 'm'.repeat(300);
      break;
    default:
      break;
  }
  return span;
}

/** How a LiteLLM payload is spoiled. */
type PayloadKind =
  | 'valid'
  | 'nan-cost'
  | 'no-id'
  | 'tokens-out-of-range'
  | 'bad-time'
  | 'time-beyond-range';

const payloadKinds: fc.Arbitrary<PayloadKind> = fc.constantFrom(
  'valid',
  'valid',
  'nan-cost',
  'no-id',
  'tokens-out-of-range',
  'bad-time',
  'time-beyond-range',
);

function payloadOf(kind: PayloadKind, index: number, tokens: number) {
  const payload: Record<string, unknown> = {
    ...officialLiteLlmPayload,
    id: `chatcmpl-shared-${index % 3}`, // upstream ids repeat; call ids do not
    litellm_call_id: `call-${index}`,
    prompt_tokens: tokens,
  };
  switch (kind) {
    case 'nan-cost':
      payload.response_cost = 'NAN_TOKEN';
      break;
    case 'no-id':
      payload.id = '';
      payload.litellm_call_id = null;
      break;
    case 'tokens-out-of-range':
      payload.prompt_tokens = 2 ** 53 + 10;
      break;
    case 'bad-time':
      payload.startTime = 'soon';
      payload.endTime = null;
      break;
    case 'time-beyond-range':
      payload.startTime = 9e15;
      break;
    default:
      break;
  }
  return payload;
}

describe.each(databases.eachSupportedId())(
  'gateway exports, property-based, on %p',
  databaseId => {
    let backend: Awaited<ReturnType<typeof startUsageBackendWith>>;
    beforeAll(async () => {
      backend = await startUsageBackendWith(databases, databaseId, {});
    });

    it('stores every valid OTLP span once and counts every other one, in both encodings', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              kind: spanKinds,
              tokens: fc.integer({ min: 0, max: 1_000_000 }),
            }),
            { minLength: 1, maxLength: 12 },
          ),
          fc.constantFrom('json', 'protobuf', 'protobuf+gzip'),
          async (generated, encoding) => {
            // A protobuf fixed64 of nanoseconds ends in 2554, well inside the
            // date range: such a time is not representable there.
            const items =
              encoding === 'json'
                ? generated
                : generated.filter(({ kind }) => kind !== 'start-beyond-range');
            await backend.knex(CALLS_TABLE).delete();
            const body = otlpRequest(
              { 'service.name': 'alpha' },
              items.map(({ kind, tokens }, i) => spanOf(kind, i, tokens)),
            );
            let post = request(backend.server)
              .post('/api/llm-usage/ingest/otlp/v1/traces')
              .set('Authorization', asService());
            if (encoding === 'json') {
              post = post.send(body);
            } else {
              post = post
                .set('Content-Type', 'application/x-protobuf')
                .buffer(true)
                .parse(binaryBody);
              const bytes = encodeTraceRequest(body);
              if (encoding === 'protobuf+gzip') {
                post = post.set('Content-Encoding', 'gzip');
                post = post.send(gzipSync(bytes));
              } else {
                post = post.send(bytes);
              }
            }
            const res = await post;
            const answer =
              encoding === 'json' ? res.body : decodeExportResponse(res.body);
            const fates = items.map(({ kind }) => expectedFate(kind));
            const stored = fates.filter(fate => fate === 'stored').length;
            const rows = await backend.knex(CALLS_TABLE).count({ n: '*' });
            const message: string = answer.partialSuccess?.errorMessage ?? '';
            expect({
              status: res.status,
              stored: Number(rows[0].n),
              rejected: Number(answer.partialSuccess?.rejectedSpans ?? 0),
              namesAnInvalidSpan:
                /Invalid OTLP span at resourceSpans\.0\.scopeSpans\.0\.spans\.\d+\./.test(
                  message,
                ),
            }).toEqual({
              status: 200,
              stored,
              rejected: fates.length - stored,
              namesAnInvalidSpan: fates.includes('invalid'),
            });
          },
        ),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    });

    it('stores every valid LiteLLM payload once and reports every other one, as array or ndjson', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              kind: payloadKinds,
              tokens: fc.integer({ min: 0, max: 1_000_000 }),
            }),
            { minLength: 1, maxLength: 12 },
          ),
          fc.constantFrom('json_array', 'ndjson'),
          async (items, format) => {
            await backend.knex(CALLS_TABLE).delete();
            const payloads = items.map(({ kind, tokens }, i) =>
              JSON.stringify(payloadOf(kind, i, tokens)).replace(
                '"NAN_TOKEN"',
                'NaN', // as Python's json.dumps writes it
              ),
            );
            const text =
              format === 'ndjson'
                ? payloads.join('\n')
                : `[${payloads.join(',')}]`;
            const res = await request(backend.server)
              .post('/api/llm-usage/ingest/litellm')
              .set('Authorization', asService())
              .set('Content-Type', 'application/json')
              .send(text);
            const valid = items.filter(({ kind }) =>
              ['valid', 'nan-cost'].includes(kind),
            ).length;
            const invalid = items.length - valid;
            const rows = await backend.knex(CALLS_TABLE).count({ n: '*' });
            const errors: Array<{ index: number; reason: string }> =
              res.body.errors ?? [];
            expect({
              status: res.status,
              stored: Number(rows[0].n),
              inserted: res.body.inserted,
              rejected: res.body.rejected ?? 0,
              // Each reason names its own item; a 400 names the first.
              reasonsNameTheirItems: errors.every(({ index, reason }) =>
                reason.startsWith(`Invalid LiteLLM payload at [${index}].`),
              ),
              refusalNamesAnItem: /\[\d+\]\.\w+/.test(
                res.body.error?.message ?? '',
              ),
            }).toEqual(
              valid === 0
                ? {
                    status: 400,
                    stored: 0,
                    inserted: undefined,
                    rejected: 0,
                    reasonsNameTheirItems: true,
                    refusalNamesAnItem: true,
                  }
                : {
                    status: 200,
                    stored: valid,
                    inserted: valid,
                    rejected: invalid,
                    reasonsNameTheirItems: true,
                    refusalNamesAnItem: false,
                  },
            );
          },
        ),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    });
  },
);
