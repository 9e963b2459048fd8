/*
 * Runs the real OpenTelemetry SDK and OTLP exporters in a worker thread of the
 * test process: the exporters load node:http with import(), which Jest's
 * module sandbox cannot run. Spans come in as plain data; the exported span
 * ids go back.
 */
const { parentPort, workerData } = require('node:worker_threads');
const { SpanStatusCode } = require('@opentelemetry/api');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const {
  SimpleSpanProcessor,
  TracerProvider,
} = require('@opentelemetry/sdk-trace');

const EXPORTERS = {
  protobuf: () => require('@opentelemetry/exporter-trace-otlp-proto'),
  json: () => require('@opentelemetry/exporter-trace-otlp-http'),
};

async function main() {
  const { encoding, url, headers, compression, resource, spans } = workerData;
  const { OTLPTraceExporter } = EXPORTERS[encoding]();
  const exporter = new OTLPTraceExporter({ url, headers, compression });
  const provider = new TracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('llm-usage-test');
  const ids = [];
  for (const example of spans) {
    const span = tracer.startSpan(example.name, {
      startTime: example.startMs,
      attributes: example.attributes,
    });
    if (example.error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: example.error });
    }
    span.end(example.startMs + example.durationMs);
    const { traceId, spanId } = span.spanContext();
    ids.push({ traceId, spanId });
  }
  await provider.forceFlush();
  await provider.shutdown();
  return ids;
}

main().then(
  ids => parentPort.postMessage({ ids }),
  error => parentPort.postMessage({ error: String(error && error.stack) }),
);
