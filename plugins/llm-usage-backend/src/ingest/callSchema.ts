import { InputError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CALL_STATUSES,
  CALL_TYPES,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { datetimeRegex, z } from 'zod/v3';
import { nonNegativeDecimal } from '../lib/decimalSchema';
import type { NormalizedCall } from '../database/types';
import { parsedIsoMs } from '../lib/isoTime';
import { CALL_BOUNDS, MAX_COST_NANOS } from './bounds';

const MAX_METADATA_BYTES = 16 * 1024;
// What `z.string().datetime({ offset: true })` checks, compiled once: zod
// builds this regular expression anew for every value it checks.
const ISO_DATETIME = datetimeRegex({
  precision: null,
  offset: true,
  local: false,
});
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const shortText = (max: number) => z.string().trim().min(1).max(max);

const callSchema = z
  .object({
    id: shortText(255),
    timestamp: z
      .string()
      .regex(ISO_DATETIME, 'Invalid datetime')
      // The pattern lets through offsets such as +99:00, which Date.parse cannot place.
      .refine(value => parsedIsoMs(value) !== undefined, {
        message: 'Invalid datetime: the date or offset is out of range',
      }),
    userRef: z
      .string()
      .max(255)
      .transform((value, ctx) => {
        try {
          return stringifyEntityRef(
            parseEntityRef(value, { defaultKind: 'user' }),
          );
        } catch {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: 'must be an entity ref such as user:default/jane',
          });
          return z.NEVER;
        }
      }),
    projectId: shortText(255),
    provider: shortText(64).transform(value =>
      value.toLocaleLowerCase('en-US'),
    ),
    model: shortText(255),
    type: z.enum(CALL_TYPES).default('chat'),
    status: z.enum(CALL_STATUSES).default('success'),
    errorReason: z.string().max(4000).optional(),
    durationMs: count.max(CALL_BOUNDS.durationMs).optional(),
    ttftMs: count.max(CALL_BOUNDS.durationMs).optional(),
    inputTokens: count.max(CALL_BOUNDS.tokens).default(0),
    outputTokens: count.max(CALL_BOUNDS.tokens).default(0),
    cachedTokens: count.max(CALL_BOUNDS.tokens).default(0),
    cost: nonNegativeDecimal(
      MAX_COST_NANOS,
      `must be at most ${CALL_BOUNDS.cost}`,
    ).optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as USD')
      .transform(value => value.toUpperCase())
      .default('USD'),
    apiKeyId: z.string().max(255).optional(),
    metadata: z
      .record(z.unknown())
      .refine(value => JSON.stringify(value).length <= MAX_METADATA_BYTES, {
        message: `must serialize to at most ${MAX_METADATA_BYTES} bytes`,
      })
      .optional(),
  })
  .strict();

/**
 * Validates a batch of calls. The whole batch is rejected on the first bad
 * item, with a message naming its index and field.
 */
export function parseCallBatch(
  body: unknown,
  maxBatchSize: number,
): NormalizedCall[] {
  if (!Array.isArray(body)) {
    throw new InputError('Request body must be a JSON array of calls');
  }
  if (body.length === 0) {
    throw new InputError('Request body must contain at least one call');
  }
  if (body.length > maxBatchSize) {
    throw new InputError(
      `Request body has ${body.length} calls; at most ${maxBatchSize} are accepted per request`,
    );
  }
  return body.map(parseCall);
}

/**
 * Validates one call; the error names the item by `index` and the field.
 * Gateways whose items are checked one by one call it directly.
 */
export function parseCall(item: unknown, index: number): NormalizedCall {
  return parseCallAt(item, `call at [${index}]`);
}

/**
 * Validates one call; the error names it by `subject` (`call at [3]`, or the
 * span it was mapped from: `OTLP span at resourceSpans.0.scopeSpans.0.spans.3`)
 * and the call's field.
 */
export function parseCallAt(item: unknown, subject: string): NormalizedCall {
  const parsed = callSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : '(item)';
    throw new InputError(`Invalid ${subject}.${field}: ${issue.message}`);
  }
  const call = parsed.data;
  return {
    id: call.id,
    occurredAt: Date.parse(call.timestamp),
    userRef: call.userRef,
    projectId: call.projectId,
    apiKeyId: call.apiKeyId ?? '',
    provider: call.provider,
    model: call.model,
    type: call.type,
    status: call.status,
    errorReason: call.errorReason ?? null,
    durationMs: call.durationMs ?? null,
    ttftMs: call.ttftMs ?? null,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    cachedTokens: call.cachedTokens,
    costNanos: call.cost ?? 0n,
    currency: call.currency,
    // Without a cost the price book may price it (see PricingCallStore).
    costSource: call.cost === undefined ? null : 'reported',
    metadata: call.metadata ?? null,
  };
}
