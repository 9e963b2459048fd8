import { InputError } from '@backstage/errors';
import type {
  CallInput,
  CallType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import { z } from 'zod/v3';
import {
  boundedCount,
  compact,
  fitMetadata,
  shortError,
  toCount,
} from '../adapterSupport';
import { CALL_BOUNDS } from '../bounds';
import {
  LiteLlmIdentity,
  LiteLlmMapping,
  projectIdFor,
  userRefFor,
} from './liteLlmMapping';
import { isRepresentableMs } from '../../lib/isoTime';

/** Every call id from LiteLLM is prefixed, so it cannot collide with other sources. */
export const LITELLM_ID_PREFIX = 'litellm:';

const optionalText = z.string().nullish();
const time = z.union([z.number(), z.string()]).nullish();
const record = z.record(z.unknown()).nullish();

/**
 * The part of LiteLLM's StandardLoggingPayload that is mapped. Every field is
 * optional but an id, since LiteLLM adds and renames fields between versions;
 * everything else is kept in the call's metadata.
 */
const payloadFields = z
  .object({
    id: z.string().trim().min(1).nullish(),
    model: optionalText,
    trace_id: optionalText,
    litellm_call_id: z.string().trim().min(1).nullish(),
    call_type: optionalText,
    stream: z.boolean().nullish(),
    status: optionalText,
    status_fields: record,
    custom_llm_provider: optionalText,
    // NaN when LiteLLM's cost calculation failed (see parseLiteLlmJson).
    response_cost: z.union([z.number(), z.nan(), z.string()]).nullish(),
    prompt_tokens: z.unknown(),
    completion_tokens: z.unknown(),
    total_tokens: z.unknown(),
    startTime: time,
    endTime: time,
    completionStartTime: time,
    response_time: z.unknown(),
    model_group: optionalText,
    model_id: optionalText,
    api_base: optionalText,
    cache_hit: z.boolean().nullish(),
    request_tags: z.array(z.unknown()).nullish(),
    end_user: optionalText,
    error_str: optionalText,
    error_information: record,
    hidden_params: record,
    metadata: record,
    model_map_information: record,
    messages: z.unknown(),
    response: z.unknown(),
  })
  .passthrough();

const payloadSchema = payloadFields.refine(
  payload => payload.litellm_call_id || payload.id,
  {
    message: 'a payload needs litellm_call_id (or id, before LiteLLM sent it)',
    path: ['litellm_call_id'],
  },
);

type LiteLlmPayload = z.infer<typeof payloadSchema>;

/** Payload fields read into the call or its `litellm` metadata. */
const MAPPED_FIELDS = new Set(Object.keys(payloadFields.shape));
/** Metadata fields read into the call or its `litellm` metadata. */
const MAPPED_METADATA = new Set([
  'user_api_key_alias',
  'user_api_key_hash',
  'user_api_key_team_id',
  'user_api_key_team_alias',
  'user_api_key_user_id',
  'user_api_key_user_email',
  'user_api_key_org_id',
  'user_api_key_end_user_id',
  'team_id',
  'team_alias',
  'usage_object',
]);
/**
 * Prompts and completions are not usage data (and may be personal); the model
 * price table is LiteLLM's static configuration. Their names are recorded.
 */
const OMITTED_FIELDS = ['messages', 'response', 'model_map_information'];

const CALL_TYPES: Record<string, CallType> = {
  completion: 'chat',
  acompletion: 'chat',
  responses: 'chat',
  aresponses: 'chat',
  anthropic_messages: 'chat',
  text_completion: 'completion',
  atext_completion: 'completion',
  embedding: 'embedding',
  aembedding: 'embedding',
  image_generation: 'image',
  aimage_generation: 'image',
  image_edit: 'image',
  aimage_edit: 'image',
  transcription: 'audio',
  atranscription: 'audio',
  speech: 'audio',
  aspeech: 'audio',
};

/**
 * LiteLLM sends epoch seconds, or (in older versions) a naive UTC date-time,
 * both with microseconds; kept as fractional milliseconds so that durations
 * round once, at the end.
 */
function toMillis(value: string | number | null | undefined) {
  if (value === null || value === undefined || value === '') {
    return undefined;
  }
  const seconds = typeof value === 'number' ? value : Number(value);
  if (Number.isFinite(seconds)) {
    return seconds * 1000;
  }
  const text = String(value).trim();
  const parsed = DateTime.fromSQL(text, { zone: 'utc' });
  const date = parsed.isValid
    ? parsed
    : DateTime.fromISO(text, { zone: 'utc' });
  if (!date.isValid) {
    return undefined;
  }
  // Luxon keeps milliseconds; the digits after them are added back.
  const finer = /\.\d{3}(\d+)/.exec(text)?.[1] ?? '';
  return date.toMillis() + (finer ? Number(`0.${finer}`) : 0);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function cachedTokensOf(payload: LiteLlmPayload, index: number) {
  const usage =
    (payload.hidden_params?.usage_object as Record<string, any> | undefined) ??
    (payload.metadata?.usage_object as Record<string, any> | undefined) ??
    ((payload.response as Record<string, any> | null)?.usage as
      | Record<string, any>
      | undefined);
  return boundedCount(
    usage?.prompt_tokens_details?.cached_tokens,
    CALL_BOUNDS.tokens,
    `Invalid LiteLLM payload at [${index}].usage.prompt_tokens_details.cached_tokens`,
  );
}

function errorOf(payload: LiteLlmPayload) {
  const info = payload.error_information ?? {};
  const code = str(info.error_code);
  const kind = str(info.error_class);
  const message = str(info.error_message) ?? str(payload.error_str);
  return shortError(
    [code, kind, message].filter(Boolean).join(': ') || undefined,
  );
}

function parsePayload(item: unknown, index: number): LiteLlmPayload {
  const parsed = payloadSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : '(item)';
    throw new InputError(
      `Invalid LiteLLM payload at [${index}].${field}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/**
 * Maps one StandardLoggingPayload to a call as `POST /calls` accepts it. The
 * result is validated by the same schema as every other call.
 */
export function liteLlmToCall(
  item: unknown,
  index: number,
  mapping: LiteLlmMapping,
): CallInput {
  const payload = parsePayload(item, index);
  const meta = payload.metadata ?? {};
  const tags = (payload.request_tags ?? []).filter(
    (tag): tag is string => typeof tag === 'string',
  );
  const who: LiteLlmIdentity = {
    tags,
    keyAlias: str(meta.user_api_key_alias),
    teamId: str(meta.user_api_key_team_id) ?? str(meta.team_id),
    teamAlias: str(meta.user_api_key_team_alias) ?? str(meta.team_alias),
    userId: str(meta.user_api_key_user_id),
  };

  const start = toMillis(payload.startTime);
  const end = toMillis(payload.endTime);
  const firstToken = toMillis(payload.completionStartTime);
  const timestamp = start ?? end;
  if (timestamp === undefined) {
    throw new InputError(
      `Invalid LiteLLM payload at [${index}].startTime: must be epoch seconds or a date-time`,
    );
  }
  // A time beyond what a Date holds would throw a RangeError in toISOString.
  for (const [field, ms] of [
    ['startTime', start],
    ['endTime', end],
    ['completionStartTime', firstToken],
  ] as const) {
    if (ms !== undefined && !isRepresentableMs(ms)) {
      throw new InputError(
        `Invalid LiteLLM payload at [${index}].${field}: the time is out of range`,
      );
    }
  }
  const durationMs =
    start !== undefined && end !== undefined && end >= start
      ? Math.round(end - start)
      : undefined;
  // Without streaming, LiteLLM sets the first token time to the end time.
  const ttftMs =
    payload.stream && start !== undefined && firstToken !== undefined
      ? Math.max(0, Math.round(firstToken - start))
      : undefined;

  const llmStatus = str(payload.status_fields?.llm_api_status);
  const failed = (str(payload.status) ?? llmStatus) === 'failure';
  // null when LiteLLM did not price the call: the price book may.
  const cost =
    payload.response_cost === null || payload.response_cost === undefined
      ? undefined
      : Number(payload.response_cost);
  // Out of bounds is refused, never stored as 0 (see bounds.ts).
  const tokens = (field: 'prompt_tokens' | 'completion_tokens') =>
    boundedCount(
      payload[field],
      CALL_BOUNDS.tokens,
      `Invalid LiteLLM payload at [${index}].${field}`,
    ) ?? 0;
  if (cost !== undefined && Number.isFinite(cost) && cost > CALL_BOUNDS.cost) {
    throw new InputError(
      `Invalid LiteLLM payload at [${index}].response_cost: must be at most ${CALL_BOUNDS.cost}`,
    );
  }

  const unmapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (!MAPPED_FIELDS.has(key)) unmapped[key] = value;
  }
  for (const [key, value] of Object.entries(meta)) {
    if (!MAPPED_METADATA.has(key)) unmapped[`metadata.${key}`] = value;
  }
  const errorInfo = payload.error_information ?? {};
  const priceEntry = payload.model_map_information?.model_map_value as
    | Record<string, unknown>
    | undefined;
  for (const [key, value] of Object.entries(errorInfo)) {
    // The traceback is the proxy's stack, not the call's: too big to keep.
    if (
      !['error_code', 'error_class', 'error_message', 'traceback'].includes(key)
    ) {
      unmapped[`error_information.${key}`] = value;
    }
  }
  for (const [key, value] of Object.entries(payload.hidden_params ?? {})) {
    if (key !== 'usage_object') unmapped[`hidden_params.${key}`] = value;
  }

  return {
    // `id` is the upstream provider's response id when there is one, and two
    // requests can share it; `litellm_call_id` is LiteLLM's own, per request.
    id: `${LITELLM_ID_PREFIX}${payload.litellm_call_id ?? payload.id}`,
    timestamp: new Date(Math.floor(timestamp)).toISOString(),
    userRef: userRefFor(mapping, who),
    projectId: projectIdFor(mapping, who),
    provider:
      str(payload.custom_llm_provider) ??
      str(priceEntry?.litellm_provider) ??
      'unknown',
    // A request refused before routing may name no model; it still counts.
    model:
      str(payload.model) ??
      str(payload.hidden_params?.litellm_model_name) ??
      str(payload.model_group) ??
      'unknown',
    type: CALL_TYPES[payload.call_type ?? ''] ?? 'other',
    status: failed ? 'failed' : 'success',
    errorReason: failed ? errorOf(payload) ?? 'failure' : undefined,
    durationMs,
    ttftMs,
    inputTokens: tokens('prompt_tokens'),
    outputTokens: tokens('completion_tokens'),
    cachedTokens: cachedTokensOf(payload, index) ?? 0,
    // A failed cost calculation arrives as null or NaN: the call still
    // counts, without a cost (priced from the price book if it can be).
    cost:
      cost !== undefined && Number.isFinite(cost) && cost >= 0
        ? cost
        : undefined,
    currency: 'USD',
    metadata: fitMetadata(
      {
        source: 'litellm',
        litellm: compact({
          callType: payload.call_type,
          stream: payload.stream,
          traceId: payload.trace_id,
          litellmCallId: payload.litellm_call_id,
          responseId: payload.id,
          // NaN or Infinity from a failed cost calculation: stored as 0, noted.
          costUnknown:
            cost === undefined || Number.isFinite(cost)
              ? undefined
              : String(cost),
          modelGroup: payload.model_group,
          modelId: payload.model_id,
          apiBase: payload.api_base || str(payload.hidden_params?.api_base),
          cacheHit: payload.cache_hit,
          requestTags: tags,
          endUser: payload.end_user || str(meta.user_api_key_end_user_id),
          keyAlias: who.keyAlias,
          keyHash: str(meta.user_api_key_hash),
          teamId: who.teamId,
          teamAlias: who.teamAlias,
          userId: who.userId,
          userEmail: str(meta.user_api_key_user_email),
          orgId: str(meta.user_api_key_org_id),
          totalTokens: toCount(payload.total_tokens),
          responseTimeSeconds: payload.response_time,
          errorClass: str(errorInfo.error_class),
          errorCode: str(errorInfo.error_code),
          guardrailStatus: str(payload.status_fields?.guardrail_status),
        }),
      },
      unmapped,
      OMITTED_FIELDS.filter(
        field => (payload as Record<string, unknown>)[field] !== undefined,
      ).concat(errorInfo.traceback ? ['error_information.traceback'] : []),
    ),
  };
}
