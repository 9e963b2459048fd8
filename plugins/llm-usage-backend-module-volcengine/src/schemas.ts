import { decimalStringSchema } from '@llm-usage/backstage-plugin-llm-usage-node';
import { z } from 'zod/v3';

/*
 * Volcengine OpenAPI responses: `{ ResponseMetadata, Result }`, where an
 * error has `ResponseMetadata.Error` and no Result.
 */

export const responseErrorSchema = z.object({
  Code: z.string(),
  Message: z.string().nullish(),
});

/** An error answer: the envelope without a Result. */
export const errorEnvelopeSchema = z.object({
  ResponseMetadata: z.object({ Error: responseErrorSchema }),
});

const responseMetadataSchema = z.object({
  RequestId: z.string().nullish(),
  Action: z.string().nullish(),
  Error: responseErrorSchema.nullish(),
});

export function envelope<T extends z.ZodTypeAny>(result: T) {
  return z.object({
    ResponseMetadata: responseMetadataSchema,
    Result: result.optional(),
  });
}

/** billing 2022-01-01 QueryBalanceAcct: amounts are CNY decimal strings. */
export const balanceResultSchema = z.object({
  AccountID: z.number().int().nullish(),
  AvailableBalance: decimalStringSchema,
  CashBalance: decimalStringSchema.nullish(),
  CreditLimit: decimalStringSchema.nullish(),
  FreezeAmount: decimalStringSchema.nullish(),
  ArrearsBalance: decimalStringSchema.nullish(),
  /** In the SDK's struct, not in the documented example. */
  Currency: z.string().nullish(),
});

export const queryBalanceAcctSchema = envelope(balanceResultSchema);

/** ark 2024-01-01 GetUsage: one series per metric name. */
export const usageResultSchema = z.object({
  UsageResults: z.array(
    z.object({
      Name: z.string(),
      MetricItems: z.array(
        z.object({
          Values: z.array(
            z.object({
              Timestamp: z.number().int(),
              Value: z.number().int().nonnegative(),
            }),
          ),
        }),
      ),
    }),
  ),
});

export const getUsageSchema = envelope(usageResultSchema);

export type ResponseError = z.infer<typeof responseErrorSchema>;
