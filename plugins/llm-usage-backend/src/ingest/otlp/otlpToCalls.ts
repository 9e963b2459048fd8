import { InputError } from '@backstage/errors';
import type {
  CallInput,
  CallType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import {
  compact,
  fitMetadata,
  shortError,
  boundedCount,
  toUserRef,
} from '../adapterSupport';
import { CALL_BOUNDS } from '../bounds';
import { parseCallAt } from '../callSchema';
import type { NormalizedCall } from '../../database/types';
import { isDialectContent, toConventions } from './genAiDialects';
import type { OtlpMapping } from './otlpMapping';
import { isRepresentableMs } from '../../lib/isoTime';
import { hostileJsonError } from '../../lib/hostileJson';

/** Every call id from OTLP is prefixed, so it cannot collide with other sources. */
export const OTEL_ID_PREFIX = 'otel:';

/** An OTLP/JSON AnyValue; 64-bit integers may arrive as strings. */
type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
};
type KeyValue = { key: string; value?: AnyValue };

const keyValues = z
  .array(z.object({ key: z.string(), value: z.any().optional() }))
  .nullish();

const unixNano = z.union([
  z.string().regex(/^\d+$/, 'must be nanoseconds since the epoch'),
  z.number().int().nonnegative(),
]);

const spanSchema = z.object({
  traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits'),
  spanId: z.string().regex(/^[0-9a-fA-F]{16}$/, 'must be 16 hex digits'),
  name: z.string().nullish(),
  kind: z.union([z.number(), z.string()]).nullish(),
  startTimeUnixNano: unixNano,
  endTimeUnixNano: unixNano.nullish(),
  attributes: keyValues,
  status: z
    .object({
      code: z.union([z.number(), z.string()]).nullish(),
      message: z.string().nullish(),
    })
    .nullish(),
});

const requestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: keyValues }).nullish(),
        scopeSpans: z
          .array(z.object({ spans: z.array(z.unknown()).nullish() }))
          .nullish(),
      }),
    )
    .nullish(),
});

/** Operations that are a call to a model; tools and agents are not. */
const OPERATION_TYPES: Record<string, CallType> = {
  chat: 'chat',
  generate_content: 'chat',
  text_completion: 'completion',
  embeddings: 'embedding',
};

/** Captured prompts and completions are not usage data (and may be personal). */
const CONTENT_ATTRIBUTES = new Set([
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.definitions',
  'gen_ai.prompt',
  'gen_ai.completion',
]);

const MAPPED_ATTRIBUTES = new Set([
  'gen_ai.operation.name',
  'gen_ai.provider.name',
  'gen_ai.system',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cost',
  'gen_ai.response.time_to_first_chunk',
  'gen_ai.response.id',
  'gen_ai.response.finish_reasons',
  'gen_ai.conversation.id',
  'error.type',
  'server.address',
]);

function toJs(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(toJs);
  if (value.kvlistValue) return toAttributes(value.kvlistValue.values);
  return value.bytesValue;
}

function toAttributes(list: KeyValue[] | null | undefined) {
  const attributes: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    attributes[key] = toJs(value);
  }
  return attributes;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Span status ERROR is 2, or `STATUS_CODE_ERROR` from some exporters. */
function isErrorStatus(code: unknown) {
  return code === 2 || code === '2' || code === 'STATUS_CODE_ERROR';
}

export interface OtlpCalls {
  /** The calls the GenAI spans map to, each valid for `POST /calls`. */
  calls: CallInput[];
  /** The same calls validated, ready to store. */
  normalized: NormalizedCall[];
  /** Spans that are not model calls (HTTP, database, tools, agents...). */
  ignoredSpans: number;
  /** GenAI spans that cannot be read (bad ids or times); the rest still count. */
  invalidSpans: number;
  /** Why the first invalid span was refused, naming its path and field. */
  firstInvalid?: string;
}

/**
 * Turns an OTLP/JSON ExportTraceServiceRequest into calls: one per GenAI
 * inference span (by the semantic conventions, v1.36 and later, reading the
 * older `gen_ai.system` and token names too).
 */
export function otlpToCalls(body: unknown, mapping: OtlpMapping): OtlpCalls {
  // JSON or decoded protobuf: a NUL or deep nesting fails here, not in SQL.
  const hostile = hostileJsonError(body);
  if (hostile) throw hostile;
  const request = requestSchema.safeParse(body);
  if (!request.success) {
    const issue = request.error.issues[0];
    throw new InputError(
      `Invalid OTLP request at ${issue.path.join('.') || '(body)'}: ${
        issue.message
      }`,
    );
  }
  const result: OtlpCalls = {
    calls: [],
    normalized: [],
    ignoredSpans: 0,
    invalidSpans: 0,
  };
  (request.data.resourceSpans ?? []).forEach((resourceSpans, r) => {
    const resource = toAttributes(resourceSpans.resource?.attributes);
    (resourceSpans.scopeSpans ?? []).forEach((scopeSpans, s) => {
      (scopeSpans.spans ?? []).forEach((item, i) => {
        // One unreadable span must not cost the exporter its whole batch.
        const path = `resourceSpans.${r}.scopeSpans.${s}.spans.${i}`;
        try {
          const call = spanToCall(item, resource, mapping, path);
          if (call) {
            // Checked here, so a call the schema refuses (a 300-character
            // model) is reported by its span's path.
            result.normalized.push(parseCallAt(call, `OTLP span at ${path}`));
            result.calls.push(call);
          } else {
            result.ignoredSpans++;
          }
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          result.invalidSpans++;
          result.firstInvalid ??= error.message;
        }
      });
    });
  });
  return result;
}

function spanToCall(
  item: unknown,
  resource: Record<string, unknown>,
  mapping: OtlpMapping,
  path: string,
): CallInput | undefined {
  const attributesOnly = z.object({ attributes: keyValues }).safeParse(item);
  const { attributes, dialect } = toConventions(
    toAttributes(attributesOnly.success ? attributesOnly.data.attributes : []),
    resource,
  );
  const operation = str(attributes['gen_ai.operation.name']);
  const provider =
    str(attributes['gen_ai.provider.name']) ?? str(attributes['gen_ai.system']);
  let type: CallType | undefined;
  if (operation) type = OPERATION_TYPES[operation];
  // Before v1.37 some instrumentations set no operation: the system says enough.
  else if (provider) type = 'chat';
  if (!type) {
    return undefined;
  }

  const parsed = spanSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `Invalid OTLP span at ${path}.${issue.path.join('.')}: ${issue.message}`,
    );
  }
  const span = parsed.data;
  const startNs = BigInt(span.startTimeUnixNano);
  const endNs =
    span.endTimeUnixNano !== null && span.endTimeUnixNano !== undefined
      ? BigInt(span.endTimeUnixNano)
      : undefined;
  // Beyond what a Date holds, toISOString would throw a RangeError (a 500).
  for (const [field, ns] of [
    ['startTimeUnixNano', startNs],
    ['endTimeUnixNano', endNs],
  ] as const) {
    if (ns !== undefined && !isRepresentableMs(Number(ns / 1_000_000n))) {
      throw new InputError(
        `Invalid OTLP span at ${path}.${field}: the time is out of range`,
      );
    }
  }
  const lookup = (names: string[]) =>
    names
      .map(name => str(attributes[name]) ?? str(resource[name]))
      .find(Boolean);

  const errorType = str(attributes['error.type']);
  const failed = isErrorStatus(span.status?.code) || errorType !== undefined;
  const ttftSeconds = Number(attributes['gen_ai.response.time_to_first_chunk']);
  // Absent, the call is priced from the price book when it is stored.
  const reportedCost = attributes['gen_ai.usage.cost'];
  const cost = reportedCost === undefined ? NaN : Number(reportedCost);
  // Out of bounds is refused and reported, never stored as 0 (see bounds.ts).
  const tokens = (...names: string[]) => {
    for (const name of names) {
      const count = boundedCount(
        attributes[name],
        CALL_BOUNDS.tokens,
        `Invalid OTLP span at ${path}.attributes.${name}`,
      );
      if (count !== undefined) return count;
    }
    return 0;
  };
  const maxNs = BigInt(CALL_BOUNDS.durationMs) * 1_000_000n;
  if (endNs !== undefined && endNs - startNs > maxNs) {
    throw new InputError(
      `Invalid OTLP span at ${path}.endTimeUnixNano: the span lasts more than ${CALL_BOUNDS.durationMs} ms`,
    );
  }
  if (ttftSeconds * 1000 > CALL_BOUNDS.durationMs) {
    throw new InputError(
      `Invalid OTLP span at ${path}.attributes.gen_ai.response.time_to_first_chunk: must be at most ${
        CALL_BOUNDS.durationMs / 1000
      } s`,
    );
  }
  if (cost > CALL_BOUNDS.cost) {
    throw new InputError(
      `Invalid OTLP span at ${path}.attributes.gen_ai.usage.cost: must be at most ${CALL_BOUNDS.cost}`,
    );
  }

  const unmapped: Record<string, unknown> = {};
  const omitted: string[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (CONTENT_ATTRIBUTES.has(key) || isDialectContent(key, dialect)) {
      omitted.push(key);
    } else if (!MAPPED_ATTRIBUTES.has(key) && !dialect?.mapped.includes(key)) {
      unmapped[key] = value;
    }
  }

  return {
    id: `${OTEL_ID_PREFIX}${span.traceId.toLowerCase()}:${span.spanId.toLowerCase()}`,
    timestamp: new Date(Number(startNs / 1_000_000n)).toISOString(),
    userRef:
      toUserRef(lookup(mapping.userAttributes), mapping.userNamespace) ??
      mapping.defaultUserRef,
    projectId: lookup(mapping.projectIdAttributes) ?? mapping.defaultProjectId,
    provider: provider ?? 'unknown',
    model:
      str(attributes['gen_ai.response.model']) ??
      str(attributes['gen_ai.request.model']) ??
      'unknown',
    type,
    status: failed ? 'failed' : 'success',
    errorReason: failed
      ? shortError(
          [errorType, span.status?.message].filter(Boolean).join(': '),
        ) ?? 'error'
      : undefined,
    durationMs:
      endNs !== undefined && endNs >= startNs
        ? Number((endNs - startNs) / 1_000_000n)
        : undefined,
    ttftMs:
      Number.isFinite(ttftSeconds) && ttftSeconds >= 0
        ? Math.round(ttftSeconds * 1000)
        : undefined,
    inputTokens: tokens(
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.prompt_tokens',
    ),
    outputTokens: tokens(
      'gen_ai.usage.output_tokens',
      'gen_ai.usage.completion_tokens',
    ),
    cachedTokens: tokens('gen_ai.usage.cache_read.input_tokens'),
    // Not in the conventions, but some instrumentations report it (USD).
    cost: Number.isFinite(cost) && cost >= 0 ? cost : undefined,
    currency: 'USD',
    metadata: fitMetadata(
      {
        source: 'otel',
        otel: compact({
          traceId: span.traceId.toLowerCase(),
          spanId: span.spanId.toLowerCase(),
          spanName: span.name,
          operation,
          requestModel: str(attributes['gen_ai.request.model']),
          responseId: str(attributes['gen_ai.response.id']),
          finishReasons: attributes['gen_ai.response.finish_reasons'],
          conversationId: str(attributes['gen_ai.conversation.id']),
          serverAddress: str(attributes['server.address']),
          serviceName: str(resource['service.name']),
          instrumentation: dialect?.name,
        }),
      },
      unmapped,
      omitted,
    ),
  };
}
