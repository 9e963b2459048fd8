import { z } from 'zod/v3';

/*
 * Response shapes of the OpenRouter API (OpenRouterTeam/typescript-sdk
 * OpenAPI spec). Every response is wrapped in `{ data }`; money is USD as
 * JSON numbers. Only the fields we map are declared.
 */

const usd = z.number().finite();
const count = z.number().int().nonnegative();
const timestamp = z.string().datetime({ offset: true });

export const keySchema = z.object({
  /** SHA-256 of the key; its id in every other call. */
  hash: z.string().min(1),
  name: z.string(),
  /** In practice the redacted key, e.g. `sk-or-v1-0e6...1c96`. */
  label: z.string().nullish(),
  disabled: z.boolean(),
  limit: usd.nullish(),
  usage: usd,
  created_at: timestamp,
  expires_at: timestamp.nullish(),
  workspace_id: z.string().nullish(),
});

export const keyListSchema = z.object({ data: z.array(keySchema) });

export const keyResponseSchema = z.object({ data: keySchema });

export const createdKeySchema = z.object({
  data: keySchema,
  /** The secret, returned once. */
  key: z.string().min(1),
});

/** Any JSON or an empty body: success is the 2xx status. */
export const deletedKeySchema = z.unknown();

export const currentKeySchema = z.object({
  data: z.object({
    label: z.string().nullish(),
    is_management_key: z.boolean().nullish(),
    /** Deprecated name of `is_management_key`; older responses have only this. */
    is_provisioning_key: z.boolean().nullish(),
  }),
});

export const creditsSchema = z.object({
  data: z.object({
    total_credits: usd,
    total_usage: usd,
  }),
});

export const activitySchema = z.object({
  data: z.array(
    z.object({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
      model: z.string(),
      usage: usd,
      requests: count,
      prompt_tokens: count,
      completion_tokens: count,
    }),
  ),
});

export type OpenRouterKey = z.infer<typeof keySchema>;
export type ActivityRow = z.infer<typeof activitySchema>['data'][number];
