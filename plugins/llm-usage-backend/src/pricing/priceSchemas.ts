import { z } from 'zod/v3';
import { nonNegativeDecimal } from '../lib/decimalSchema';
import { isoDateTimeMs } from '../lib/isoTime';
import { rangeInOrder } from '../lib/parseInput';
import { MAX_PRICE_NANOS_PER_MILLION, dayStartMs, type Price } from './prices';

/** A price per million tokens: a non-negative decimal string or number. */
const perMillion = nonNegativeDecimal(
  MAX_PRICE_NANOS_PER_MILLION,
  'must be at most 10000 per million tokens',
);

const day = z.string().transform((value, ctx) => {
  const ms = dayStartMs(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'must be a date such as 2026-01-31',
    });
    return z.NEVER;
  }
  return ms;
});

const priceFields = z.object({
  provider: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .transform(value => value.toLowerCase()),
  model: z.string().trim().min(1).max(255),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as USD')
    .transform(value => value.toUpperCase()),
  inputPerMillion: perMillion,
  outputPerMillion: perMillion,
  cachedPerMillion: perMillion.nullable(),
  effectiveFrom: day,
  note: z.string().trim().max(500).nullable(),
});

/** What an admin entry holds, read from a request or from app-config. */
export type PriceDraft = Omit<Price, 'id' | 'origin'>;

/** A request's price fields under a draft's names (`inputPerMillion` is `inputNanosPerMillion`). */
function draftFields<Input extends Partial<z.output<typeof priceFields>>>(
  input: Input,
): {
  provider: Input['provider'];
  model: Input['model'];
  currency: Input['currency'];
  inputNanosPerMillion: Input['inputPerMillion'];
  outputNanosPerMillion: Input['outputPerMillion'];
  cachedNanosPerMillion: Input['cachedPerMillion'];
  effectiveFrom: Input['effectiveFrom'];
  note: Input['note'];
} {
  return {
    provider: input.provider,
    model: input.model,
    currency: input.currency,
    inputNanosPerMillion: input.inputPerMillion,
    outputNanosPerMillion: input.outputPerMillion,
    cachedNanosPerMillion: input.cachedPerMillion,
    effectiveFrom: input.effectiveFrom,
    note: input.note,
  };
}

export const priceCreateSchema = priceFields
  .extend({
    cachedPerMillion: priceFields.shape.cachedPerMillion.optional(),
    note: priceFields.shape.note.optional(),
  })
  .strict()
  .transform(
    (input): PriceDraft => ({
      ...draftFields(input),
      cachedNanosPerMillion: input.cachedPerMillion ?? null,
      note: input.note || null,
    }),
  );

/** Only the fields given change; an empty note clears it. */
export const priceUpdateSchema = priceFields
  .partial()
  .strict()
  .transform(
    (input): Partial<PriceDraft> =>
      Object.fromEntries(
        Object.entries({
          ...draftFields(input),
          note: input.note === undefined ? undefined : input.note || null,
        }).filter(([, value]) => value !== undefined),
      ),
  );

export const repriceSchema = z
  .object({
    from: isoDateTimeMs('must be an ISO 8601 date-time with an offset'),
    to: isoDateTimeMs('must be an ISO 8601 date-time with an offset'),
    provider: priceFields.shape.provider.optional(),
    model: priceFields.shape.model.optional(),
  })
  .strict()
  .superRefine(rangeInOrder());
