import {
  dailyReportPageSchema,
  lastIdPageSchema,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { z } from 'zod/v3';

/*
 * Response shapes of the OpenAI Admin API (openai/openai-openapi). Only the
 * fields we map are declared; unknown fields are ignored. The spec marks most
 * usage fields optional and older live responses lack several of them, so
 * counts are nullish and read as 0.
 */

const unixSeconds = z.number().int().nonnegative();
const count = z.number().int().nonnegative().nullish();

/** Object-id cursor lists: projects and API keys. */
const listPage = lastIdPageSchema;

/** Opaque-cursor pages of daily buckets: usage and costs. */
const bucketPage = <T extends z.ZodTypeAny>(result: T) =>
  dailyReportPageSchema(
    { start_time: unixSeconds, end_time: unixSeconds },
    result,
  );

export const projectSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  status: z.string().nullish(),
});

export const projectListSchema = listPage(projectSchema);

/** What project and admin API keys both report. */
const apiKeyFields = {
  id: z.string().min(1),
  name: z.string().nullish(),
  redacted_value: z.string().nullish(),
  created_at: unixSeconds.nullish(),
  last_used_at: unixSeconds.nullish(),
};

export const projectApiKeySchema = z.object({
  ...apiKeyFields,
  owner_project_access: z.enum(['active', 'inactive']).nullish(),
});

export const projectApiKeyListSchema = listPage(projectApiKeySchema);

export const adminApiKeySchema = z.object({
  ...apiKeyFields,
  expires_at: unixSeconds.nullish(),
});

export const adminApiKeyListSchema = listPage(adminApiKeySchema);

export const projectApiKeyDeletedSchema = z.object({
  id: z.string().nullish(),
  deleted: z.boolean(),
});

/** The dimensions every usage report fills when grouped by them. */
const usageDimensions = {
  project_id: z.string().nullish(),
  api_key_id: z.string().nullish(),
  model: z.string().nullish(),
};

export const completionsUsageResultSchema = z.object({
  ...usageDimensions,
  input_tokens: count,
  input_cached_tokens: count,
  output_tokens: count,
  num_model_requests: count,
});

export const completionsUsagePageSchema = bucketPage(
  completionsUsageResultSchema,
);

/** Embeddings and moderations: input tokens only. */
export const inputTokensUsagePageSchema = bucketPage(
  z.object({
    ...usageDimensions,
    input_tokens: count,
    num_model_requests: count,
  }),
);

/**
 * Images, speech and transcription: requests plus a count the usage rows have
 * no field for (`images`, `characters`, `seconds`), so it is not declared.
 */
export const requestsUsagePageSchema = bucketPage(
  z.object({ ...usageDimensions, num_model_requests: count }),
);

export const costResultSchema = z.object({
  amount: z.object({
    value: z.number().finite(),
    currency: z.string().min(1),
  }),
  line_item: z.string().nullish(),
  project_id: z.string().nullish(),
  api_key_id: z.string().nullish(),
});

export const costPageSchema = bucketPage(costResultSchema);

export type ProjectListPage = z.infer<typeof projectListSchema>;
export type CostPage = z.infer<typeof costPageSchema>;
