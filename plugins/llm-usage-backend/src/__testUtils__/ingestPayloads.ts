import officialLiteLlmPayload from '../ingest/__fixtures__/litellm-standard-logging-payload.json';
import officialGenAiSpan from '../ingest/__fixtures__/otel-genai-inference-span.json';

export { officialLiteLlmPayload, officialGenAiSpan };

/** A seeded generator, so generated batches are the same on every run. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

export interface GeneratedLiteLlmBatch {
  payloads: Array<Record<string, unknown>>;
  inputTokens: number;
  outputTokens: number;
  /** The exact sum of response_cost in nano-dollars. */
  costNanos: bigint;
  failed: number;
}

/**
 * LiteLLM payloads built on the official example: epoch-second times (as the
 * type says), costs with at most 9 decimals, teams and key aliases.
 */
export function generateLiteLlmPayloads(options: {
  count: number;
  seed: number;
  startSeconds: number;
  teams?: string[];
}): GeneratedLiteLlmBatch {
  const random = seededRandom(options.seed);
  const teams = options.teams ?? ['team-alpha', 'team-beta'];
  const batch: GeneratedLiteLlmBatch = {
    payloads: [],
    inputTokens: 0,
    outputTokens: 0,
    costNanos: 0n,
    failed: 0,
  };
  for (let i = 0; i < options.count; i++) {
    const start = options.startSeconds + Math.floor(random() * 3600 * 20);
    const input = Math.floor(random() * 4000);
    const output = Math.floor(random() * 1000);
    const nanos = BigInt(Math.floor(random() * 50_000_000));
    const failed = random() < 0.1;
    const team = teams[Math.floor(random() * teams.length)];
    batch.inputTokens += input;
    batch.outputTokens += output;
    batch.costNanos += failed ? 0n : nanos;
    batch.failed += failed ? 1 : 0;
    batch.payloads.push({
      ...officialLiteLlmPayload,
      id: `gen-${options.seed}-${i}`,
      trace_id: `trace-${i}`,
      status: failed ? 'failure' : 'success',
      startTime: start + 0.25,
      endTime: start + 1.75,
      completionStartTime: start + 0.5,
      prompt_tokens: input,
      completion_tokens: output,
      total_tokens: input + output,
      response_cost: failed ? 0 : Number(nanos) / 1e9,
      error_str: failed ? 'RateLimitError: too many requests' : null,
      metadata: {
        ...officialLiteLlmPayload.metadata,
        user_api_key_team_alias: team,
        user_api_key_alias: `${team}-key`,
        user_api_key_user_id: i % 2 ? 'alice' : 'bob',
      },
    });
  }
  return batch;
}

type OtlpValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values: OtlpValue[] } };

/** Encodes plain attributes as OTLP/JSON KeyValues (ints as strings, as protojson does). */
export function otlpAttributes(attributes: Record<string, unknown>) {
  const encode = (value: unknown): OtlpValue => {
    if (Array.isArray(value)) {
      return { arrayValue: { values: value.map(encode) } };
    }
    if (typeof value === 'boolean') return { boolValue: value };
    if (typeof value === 'number') {
      return Number.isInteger(value)
        ? { intValue: String(value) }
        : { doubleValue: value };
    }
    return { stringValue: String(value) };
  };
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value: encode(value),
  }));
}

export interface PlainSpan {
  traceId: string;
  spanId: string;
  name: string;
  startMs: number;
  durationMs: number;
  attributes: Record<string, unknown>;
  error?: boolean;
}

/** An ExportTraceServiceRequest in OTLP/JSON with one resource. */
export function otlpRequest(
  resource: Record<string, unknown>,
  spans: PlainSpan[],
) {
  return {
    resourceSpans: [
      {
        resource: { attributes: otlpAttributes(resource) },
        scopeSpans: [
          {
            scope: { name: 'test-instrumentation', version: '1.0.0' },
            spans: spans.map(span => ({
              traceId: span.traceId,
              spanId: span.spanId,
              name: span.name,
              kind: 3,
              startTimeUnixNano: `${BigInt(span.startMs) * 1_000_000n}`,
              endTimeUnixNano: `${
                BigInt(span.startMs + span.durationMs) * 1_000_000n
              }`,
              attributes: otlpAttributes(span.attributes),
              status: span.error ? { code: 2, message: 'boom' } : { code: 0 },
            })),
          },
        ],
      },
    ],
  };
}

/** The official "simple chat completion" span as it travels over OTLP/JSON. */
export function officialSpanRequest(startMs: number, serviceName: string) {
  return otlpRequest({ 'service.name': serviceName }, [
    {
      traceId: officialGenAiSpan.trace_id,
      spanId: officialGenAiSpan.span_id,
      name: officialGenAiSpan.name,
      startMs,
      durationMs: 1200,
      attributes: officialGenAiSpan.attributes,
    },
  ]);
}
