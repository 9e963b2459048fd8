import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod/v3';
import { ACCOUNT_ID_PATTERN } from './configAccounts';

/** An entity ref in any accepted spelling, normalised (`group:default/team`). */
export const entityRef = z
  .string()
  .max(255)
  .transform((value, ctx) => {
    try {
      return stringifyEntityRef(parseEntityRef(value));
    } catch {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be an entity ref such as group:default/team-a',
      });
      return z.NEVER;
    }
  });

const stringRecord = z.record(z.string().max(4096));

const scheduleSchema = z
  .object({
    usageEveryMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60),
    keysEveryMinutes: z
      .number()
      .int()
      .min(5)
      .max(30 * 24 * 60),
  })
  .partial()
  .strict();

export const accountInputSchema = z
  .object({
    id: z
      .string()
      .regex(ACCOUNT_ID_PATTERN, "letters, digits, '-' or '_', at most 64")
      .optional(),
    provider: z.string().min(1).max(64),
    name: z.string().trim().min(1).max(255),
    ownerRef: entityRef.nullable().optional(),
    credentials: stringRecord,
    settings: stringRecord.optional(),
    schedule: scheduleSchema.optional(),
  })
  .strict();

export type AccountInput = z.output<typeof accountInputSchema>;

export const accountUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(255).optional(),
    ownerRef: entityRef.nullable().optional(),
    credentials: stringRecord.optional(),
    settings: stringRecord.optional(),
    schedule: scheduleSchema.optional(),
  })
  .strict();

export type AccountUpdate = z.output<typeof accountUpdateSchema>;
