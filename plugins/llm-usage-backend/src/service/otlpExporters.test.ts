import { mockCredentials } from '@backstage/backend-test-utils';
import type { Attributes } from '@opentelemetry/api';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { binaryBody } from '../__testUtils__/otlpProtobuf';
import { startUsageBackendWith } from '../__testUtils__/usageBackend';
import { CALLS_TABLE } from '../database/tables';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const PATH = '/api/llm-usage/ingest/otlp/v1/traces';
const PROTOBUF = 'application/x-protobuf';

/** The messages an exporter reads back, defined from the published protos. */
const responseTypes = protobuf.Root.fromJSON({
  nested: {
    ExportTraceServiceResponse: {
      fields: { partialSuccess: { type: 'PartialSuccess', id: 1 } },
    },
    PartialSuccess: {
      fields: {
        rejectedSpans: { type: 'int64', id: 1 },
        errorMessage: { type: 'string', id: 2 },
      },
    },
    Status: {
      fields: {
        code: { type: 'int32', id: 1 },
        message: { type: 'string', id: 2 },
      },
    },
  },
});

function decodeAs(type: string, body: Buffer) {
  const message = responseTypes.lookupType(type);
  return message.toObject(message.decode(body), { longs: Number });
}

interface ExampleSpan {
  name: string;
  startMs: number;
  durationMs: number;
  attributes: Attributes;
  error?: string;
}

const START = Date.UTC(2026, 9, 5, 10);

const EXAMPLES: ExampleSpan[] = [
  {
    name: 'chat gpt-4o-mini',
    startMs: START,
    durationMs: 1840,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 350,
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'enduser.id': 'jane',
    },
  },
  {
    name: 'chat claude-sonnet-4',
    startMs: START + 60_000,
    durationMs: 95,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4',
      'error.type': 'rate_limit_exceeded',
    },
    error: 'Too many requests',
  },
  {
    // An older instrumentation: no operation, prompt / completion token names.
    name: 'openai.chat',
    startMs: START + 120_000,
    durationMs: 410,
    attributes: {
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-3.5-turbo',
      'gen_ai.usage.prompt_tokens': 123_456_789,
      'gen_ai.usage.completion_tokens': 7,
    },
  },
  {
    name: 'GET /health',
    startMs: START,
    durationMs: 2,
    attributes: { 'http.request.method': 'GET' },
  },
];

/** How the exporter under test is set up. */
interface ExporterSetup {
  encoding: 'protobuf' | 'json';
  url: string;
  compression?: 'gzip' | 'none';
  headers?: Record<string, string>;
}

/**
 * Exports the examples through a real SDK pipeline and exporter (in a worker
 * thread: see the worker's comment); returns their call ids.
 */
async function exportExamples(setup: ExporterSetup): Promise<string[]> {
  const worker = new Worker(
    resolvePath(__dirname, '../__testUtils__/otelExportWorker.js'),
    {
      workerData: {
        ...setup,
        resource: { 'service.name': 'alpha' },
        spans: EXAMPLES,
      },
    },
  );
  const [answer] = (await once(worker, 'message')) as [
    { ids?: Array<{ traceId: string; spanId: string }>; error?: string },
  ];
  await worker.terminate();
  if (!answer.ids) throw new Error(`The export failed: ${answer.error}`);
  return answer.ids.map(({ traceId, spanId }) => `otel:${traceId}:${spanId}`);
}

/** What the protobuf exporter puts on the wire, one body per span. */
async function recordWire() {
  const bodies: Buffer[] = [];
  const sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'Content-Type': PROTOBUF }).end();
    });
  });
  await new Promise<void>(resolve => sink.listen(0, '127.0.0.1', resolve));
  const { port } = sink.address() as AddressInfo;
  try {
    await exportExamples({
      encoding: 'protobuf',
      url: `http://127.0.0.1:${port}/v1/traces`,
    });
  } finally {
    await new Promise(resolve => sink.close(resolve));
  }
  return { bodies };
}

describe.each(databases.eachSupportedId())(
  'OTLP exporters on %p',
  databaseId => {
    async function start() {
      const { server, knex } = await startUsageBackendWith(
        databases,
        databaseId,
        {
          config: {},
        },
      );
      const { port } = server.address() as AddressInfo;
      return { server, knex, url: `http://127.0.0.1:${port}${PATH}` };
    }

    const service = { Authorization: mockCredentials.service.header() };
    const exporters: Array<[string, Omit<ExporterSetup, 'url'>]> = [
      [
        'protobuf (the default of most SDKs and the Collector)',
        { encoding: 'protobuf', headers: service },
      ],
      [
        'protobuf, gzip',
        { encoding: 'protobuf', compression: 'gzip', headers: service },
      ],
      ['JSON', { encoding: 'json', headers: service }],
      [
        'JSON, gzip',
        { encoding: 'json', compression: 'gzip', headers: service },
      ],
    ];

    it.each(exporters)(
      'stores every GenAI span the %s exporter sends, field by field',
      async (_name, setup) => {
        const { knex, url } = await start();
        const ids = await exportExamples({ ...setup, url });
        const rows = await knex(CALLS_TABLE).orderBy('occurred_at');
        expect(
          rows.map(row => ({
            id: row.id,
            occurredAt: Number(row.occurred_at),
            userRef: row.user_ref,
            projectId: row.project_id,
            provider: row.provider,
            model: row.model,
            status: row.status,
            errorReason: row.error_reason,
            durationMs: row.duration_ms,
            inputTokens: Number(row.input_tokens),
            outputTokens: Number(row.output_tokens),
            cachedTokens: Number(row.cached_tokens),
          })),
        ).toEqual([
          {
            id: ids[0],
            occurredAt: START,
            userRef: 'user:default/jane',
            projectId: 'alpha',
            provider: 'openai',
            model: 'gpt-4o-mini-2024-07-18',
            status: 'success',
            errorReason: null,
            durationMs: 1840,
            inputTokens: 1200,
            outputTokens: 350,
            cachedTokens: 1024,
          },
          {
            id: ids[1],
            occurredAt: START + 60_000,
            userRef: 'user:default/otel',
            projectId: 'alpha',
            provider: 'anthropic',
            model: 'claude-sonnet-4',
            status: 'failed',
            errorReason: 'rate_limit_exceeded: Too many requests',
            durationMs: 95,
            inputTokens: 0,
            outputTokens: 0,
            cachedTokens: 0,
          },
          {
            id: ids[2],
            occurredAt: START + 120_000,
            userRef: 'user:default/otel',
            projectId: 'alpha',
            provider: 'openai',
            model: 'gpt-3.5-turbo',
            status: 'success',
            errorReason: null,
            durationMs: 410,
            inputTokens: 123_456_789,
            outputTokens: 7,
            cachedTokens: 0,
          },
        ]);
      },
    );

    const chat = {
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      type: 'chat',
      status: 'success',
      inputTokens: 19,
      outputTokens: 10,
    };
    const embedding = {
      provider: 'openai',
      model: 'text-embedding-3-small',
      type: 'embedding',
      status: 'success',
    };
    it.each([
      [
        '@opentelemetry/instrumentation-openai',
        'opentelemetry',
        [chat, { ...embedding, inputTokens: 8, outputTokens: 0 }],
      ],
      [
        '@arizeai/openinference-instrumentation-openai',
        'openinference',
        // OpenInference records no token counts for embeddings.
        [chat, { ...embedding, inputTokens: 0, outputTokens: 0 }],
      ],
      // OpenLLMetry instruments chat completions of the openai client.
      ['@traceloop/node-server-sdk', 'traceloop', [chat]],
    ])(
      'stores the calls the openai client makes under %s',
      async (_name, instrumentation, expected) => {
        const { knex, url } = await start();
        const worker = new Worker(
          resolvePath(
            __dirname,
            '../__testUtils__/otelInstrumentationWorker.js',
          ),
          { workerData: { instrumentation, url, headers: service } },
        );
        const [answer] = (await once(worker, 'message')) as [
          { done?: boolean; error?: string },
        ];
        await worker.terminate();
        expect(answer).toEqual({ done: true });
        const rows = await knex(CALLS_TABLE).orderBy('type');
        expect(
          rows.map(row => ({
            provider: row.provider,
            model: row.model,
            type: row.type,
            status: row.status,
            inputTokens: Number(row.input_tokens),
            outputTokens: Number(row.output_tokens),
          })),
        ).toEqual(expected);
        for (const row of rows) {
          expect(row.project_id).toBe('alpha');
          expect(row.duration_ms).toBeGreaterThanOrEqual(0);
          // Prompts and completions are never stored.
          expect(row.metadata).not.toMatch(/Say hello|Hello there/);
        }
      },
    );

    it('answers protobuf with a protobuf ExportTraceServiceResponse', async () => {
      const { server, knex } = await start();
      const { bodies } = await recordWire();
      expect(bodies).toHaveLength(EXAMPLES.length);
      const res = await request(server)
        .post(PATH)
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', PROTOBUF)
        .buffer(true)
        .parse(binaryBody)
        .send(bodies[3]); // the health check span alone
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/x-protobuf/);
      expect(decodeAs('ExportTraceServiceResponse', res.body)).toEqual({
        partialSuccess: {
          rejectedSpans: 1,
          errorMessage: expect.stringContaining('not GenAI model calls'),
        },
      });
      expect(await knex(CALLS_TABLE)).toEqual([]);
    });

    it('answers a body that is not protobuf with a 400 protobuf Status', async () => {
      const { server, knex } = await start();
      for (const body of [
        Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), // length beyond the body
        gzipSync(Buffer.from([0x0a, 0x05, 0x01])),
      ]) {
        const res = await request(server)
          .post(PATH)
          .set('Authorization', mockCredentials.service.header())
          .set('Content-Type', PROTOBUF)
          .buffer(true)
          .parse(binaryBody)
          .send(body);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/x-protobuf/);
        expect(decodeAs('Status', res.body)).toEqual({
          code: 3,
          message: expect.stringContaining('ExportTraceServiceRequest'),
        });
      }
      expect(await knex(CALLS_TABLE)).toEqual([]);
    });

    it('answers JSON errors with a JSON Status and an unknown type with 415', async () => {
      const { server } = await start();
      const json = await request(server)
        .post(PATH)
        .set('Authorization', mockCredentials.service.header())
        .send({ resourceSpans: 'nope' });
      expect(json.status).toBe(400);
      expect(json.body).toEqual({
        code: 3,
        message: expect.stringContaining('resourceSpans'),
      });
      const text = await request(server)
        .post(PATH)
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'text/plain')
        .send('hello');
      expect(text.status).toBe(415);
      expect(text.body.message).toMatch(/application\/x-protobuf/);
      const anonymous = await request(server)
        .post(PATH)
        .set('Content-Type', PROTOBUF)
        .buffer(true)
        .parse(binaryBody)
        .send(Buffer.alloc(0));
      // Unauthenticated (16) or not a service (7), in the request's encoding.
      expect([401, 403]).toContain(anonymous.status);
      expect(decodeAs('Status', anonymous.body).code).toBe(
        anonymous.status === 401 ? 16 : 7,
      );
    });
  },
);
