import {
  dailyReportPageSchema,
  decimalStringSchema,
  lastIdPageSchema,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { z } from 'zod/v3';

/*
 * Response shapes of the Anthropic Admin API. Only the fields we map are
 * declared; both the current and the 2025 reference shapes pass.
 */

const count = z.number().int().nonnegative().nullish();
const timestamp = z.string().datetime({ offset: true });

export const apiKeySchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  created_at: timestamp.nullish(),
  expires_at: timestamp.nullish(),
  partial_key_hint: z.string().nullish(),
  status: z.enum(['active', 'inactive', 'archived', 'expired']),
  workspace_id: z.string().nullish(),
});

export const apiKeyListSchema = lastIdPageSchema(apiKeySchema);

const reportPage = <T extends z.ZodTypeAny>(result: T) =>
  dailyReportPageSchema(
    { starting_at: timestamp, ending_at: timestamp },
    result,
  );

export const messagesUsageResultSchema = z.object({
  uncached_input_tokens: count,
  cache_creation: z
    .object({
      ephemeral_1h_input_tokens: count,
      ephemeral_5m_input_tokens: count,
    })
    .nullish(),
  cache_read_input_tokens: count,
  output_tokens: count,
  api_key_id: z.string().nullish(),
  workspace_id: z.string().nullish(),
  model: z.string().nullish(),
});

export const messagesUsagePageSchema = reportPage(messagesUsageResultSchema);

export const costResultSchema = z.object({
  /** In the currency's minor unit (cents), as a decimal string. */
  amount: decimalStringSchema,
  currency: z.string().min(1),
  workspace_id: z.string().nullish(),
  description: z.string().nullish(),
  cost_type: z.string().nullish(),
  model: z.string().nullish(),
});

export const costPageSchema = reportPage(costResultSchema);

export type ApiKey = z.infer<typeof apiKeySchema>;
