import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { CallInput } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { CallStore } from '../database/CallStore';
import type { NormalizedCall } from '../database/types';
import type { z } from 'zod/v3';
import { parseCall } from './callSchema';

/**
 * An adapter's section of app-config (`llmUsage.ingest.<adapter>`) with its
 * defaults filled in; a wrong value stops the backend, naming its key.
 */
export function readAdapterConfig<Schema extends z.ZodTypeAny>(
  adapter: string,
  schema: Schema,
  config?: Config,
): z.output<Schema> {
  const parsed = schema.safeParse(config?.get() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `Invalid config llmUsage.ingest.${adapter}.${issue.path.join('.')}: ${
        issue.message
      }`,
    );
  }
  return parsed.data;
}

/** parseCallBatch refuses metadata larger than this (serialized). */
const METADATA_BUDGET = 16 * 1024;

/** An item of a gateway's export that was not stored, and why. */
export interface RejectedItem {
  index: number;
  reason: string;
}

/**
 * Maps and validates each item of a gateway's export on its own, with the
 * same schema as `POST /calls`: gateways do not retry a refused export (OTLP
 * clients drop it, LiteLLM's logger clears its queue whatever the status),
 * so one bad item must never cost the others.
 */
export function parseEachItem<T>(
  items: T[],
  toCall: (item: T, index: number) => CallInput | undefined,
): { calls: NormalizedCall[]; rejected: RejectedItem[]; ignored: number } {
  const calls: NormalizedCall[] = [];
  const rejected: RejectedItem[] = [];
  let ignored = 0;
  items.forEach((item, index) => {
    try {
      const input = toCall(item, index);
      if (input) calls.push(parseCall(input, index));
      else ignored++;
    } catch (error) {
      // Anything else is our fault, not the item's: let it answer 5xx.
      if (!(error instanceof InputError)) throw error;
      rejected.push({ index, reason: error.message });
    }
  });
  return { calls, rejected, ignored };
}

/**
 * Stores validated calls in chunks of at most `maxBatchSize`: a gateway's
 * export is bigger than our batch limit more often than not.
 */
export async function storeCalls(
  calls: CallStore,
  normalized: NormalizedCall[],
  maxBatchSize: number,
) {
  const total = { received: 0, inserted: 0, completed: 0, unchanged: 0 };
  for (let start = 0; start < normalized.length; start += maxBatchSize) {
    const result = await calls.ingest(
      normalized.slice(start, start + maxBatchSize),
    );
    total.received += result.received;
    total.inserted += result.inserted;
    total.completed += result.completed;
    total.unchanged += result.unchanged;
  }
  return total;
}

/**
 * Turns a user name or ref from a gateway into a user entity ref; undefined
 * when it cannot be one (an email address, for instance).
 */
export function toUserRef(
  value: unknown,
  defaultNamespace = 'default',
): string | undefined {
  if (typeof value !== 'string' || !value.trim()) {
    return undefined;
  }
  try {
    const ref = parseEntityRef(value.trim(), {
      defaultKind: 'user',
      defaultNamespace,
    });
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(ref.name) || ref.name.length > 63) {
      return undefined;
    }
    return stringifyEntityRef(ref);
  } catch {
    return undefined;
  }
}

/** Drops null, undefined, empty strings and empty arrays: they say nothing. */
export function compact(
  values: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (
      value === null ||
      value === undefined ||
      value === '' ||
      (Array.isArray(value) && value.length === 0)
    ) {
      continue;
    }
    result[key] = value;
  }
  return result;
}

/**
 * Builds call metadata that fits the size limit of `POST /calls`. Fields the
 * adapter did not map go to `unmapped`; if that is too large, its biggest
 * entries move to `omitted` by name, so nothing disappears without a trace.
 */
export function fitMetadata(
  known: Record<string, unknown>,
  unmapped: Record<string, unknown>,
  omitted: string[],
): Record<string, unknown> {
  const kept = compact(unmapped);
  const dropped = [...omitted];
  const build = () =>
    compact({
      ...known,
      unmapped: Object.keys(kept).length ? kept : undefined,
      omitted: dropped,
    });
  let metadata = build();
  if (JSON.stringify(metadata).length <= METADATA_BUDGET) {
    return metadata;
  }
  const sizes = new Map(
    Object.keys(kept).map(key => [key, JSON.stringify(kept[key]).length]),
  );
  const bySize = [...sizes.keys()].sort(
    (a, b) => sizes.get(b)! - sizes.get(a)!,
  );
  for (const key of bySize) {
    delete kept[key];
    dropped.push(key);
    metadata = build();
    if (JSON.stringify(metadata).length <= METADATA_BUDGET) {
      break;
    }
  }
  return metadata;
}

/** Reads a finite, non-negative whole number; anything else is undefined. */
export function toCount(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' &&
    Number.isFinite(number) &&
    number >= 0 &&
    Number.isSafeInteger(Math.round(number))
    ? Math.round(number)
    : undefined;
}

/**
 * Reads a count a gateway sent (tokens), bounded like `POST /calls`. Absent
 * or not a number is undefined, as {@link toCount}; a number that is not a
 * whole count up to `max` (2^53 + 10, an int64 beyond range) is an
 * InputError naming `field`, so the item is refused instead of stored as 0.
 */
export function boundedCount(
  value: unknown,
  max: number,
  field: string,
): number | undefined {
  const number =
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) return undefined;
  const count = toCount(number);
  if (count === undefined || count > max) {
    throw new InputError(`${field}: must be a whole number from 0 to ${max}`);
  }
  return count;
}

/** Keeps error text short enough for the call record. */
export function shortError(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  return trimmed.length > 1000 ? `${trimmed.slice(0, 997)}...` : trimmed;
}
