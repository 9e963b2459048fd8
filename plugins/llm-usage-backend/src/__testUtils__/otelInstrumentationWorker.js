/*
 * Runs the real `openai` client under a real GenAI instrumentation in a worker
 * thread of the test process (the exporters load node:http with import(),
 * which Jest's module sandbox cannot run), against a local mock of the OpenAI
 * API, exporting with the OTLP protobuf exporter to the plugin.
 */
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const {
  SimpleSpanProcessor,
  TracerProvider,
} = require('@opentelemetry/sdk-trace');
const {
  OTLPTraceExporter,
} = require('@opentelemetry/exporter-trace-otlp-proto');

/** The OpenAI API's answers, in the shape of its reference. */
function mockOpenAi() {
  return http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url.endsWith('/embeddings')) {
        res.end(
          JSON.stringify({
            object: 'list',
            model: 'text-embedding-3-small',
            data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
            usage: { prompt_tokens: 8, total_tokens: 8 },
          }),
        );
        return;
      }
      res.end(
        JSON.stringify({
          id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
          object: 'chat.completion',
          created: 1741569952,
          model: 'gpt-4o-mini-2024-07-18',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: 'Hello there' },
              finish_reason: 'stop',
            },
          ],
          usage: {
            prompt_tokens: 19,
            completion_tokens: 10,
            total_tokens: 29,
            prompt_tokens_details: { cached_tokens: 0 },
          },
        }),
      );
    });
  });
}

/** Sets up one instrumentation; returns the OpenAI class to call. */
const INSTRUMENTATIONS = {
  opentelemetry: provider => {
    const {
      OpenAIInstrumentation,
    } = require('@opentelemetry/instrumentation-openai');
    registerInstrumentations({
      instrumentations: [new OpenAIInstrumentation()],
      tracerProvider: provider,
    });
    return require('openai').OpenAI;
  },
  openinference: provider => {
    const {
      OpenAIInstrumentation,
    } = require('@arizeai/openinference-instrumentation-openai');
    const instrumentation = new OpenAIInstrumentation({
      tracerProvider: provider,
    });
    const openai = require('openai');
    instrumentation.manuallyInstrument(openai);
    return openai.OpenAI;
  },
  traceloop: (_provider, exporter) => {
    const { OpenAI } = require('openai');
    const traceloop = require('@traceloop/node-server-sdk');
    traceloop.initialize({
      appName: 'alpha',
      exporter,
      disableBatch: true,
      silenceInitializationMessage: true,
      traceloopSyncEnabled: false,
      instrumentModules: { openAI: OpenAI },
    });
    return OpenAI;
  },
};

async function main() {
  const { instrumentation, url, headers } = workerData;
  const mock = mockOpenAi();
  await new Promise(resolve => mock.listen(0, '127.0.0.1', resolve));
  const exporter = new OTLPTraceExporter({ url, headers });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'alpha' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const OpenAI = INSTRUMENTATIONS[instrumentation](provider, exporter);
  const client = new OpenAI({
    apiKey: 'sk-test-not-a-key',
    baseURL: `http://127.0.0.1:${mock.address().port}/v1`,
  });
  await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say hello' }],
    user: 'jane',
  });
  await client.embeddings.create({
    model: 'text-embedding-3-small',
    input: 'hello',
  });
  await provider.forceFlush();
  if (instrumentation === 'traceloop') {
    await require('@traceloop/node-server-sdk').forceFlush();
  }
  await new Promise(resolve => mock.close(resolve));
}

main().then(
  () => parentPort.postMessage({ done: true }),
  error => parentPort.postMessage({ error: String(error && error.stack) }),
);
