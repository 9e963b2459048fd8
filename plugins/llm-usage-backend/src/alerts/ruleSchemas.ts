import {
  ALERT_RULE_SCOPES,
  ALERT_SEVERITIES,
  type AlertRuleInput,
  type AlertRuleParamsByType,
  type AlertType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import { parseDecimalToNanos } from '../lib/money';

const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');

const moneyThreshold = z
  .object({
    currency,
    amount: z
      .string()
      .refine(
        value => (parseDecimalToNanos(value) ?? -1n) >= 0n,
        'must be a decimal amount of 0 or more, such as "25.50"',
      ),
  })
  .strict();

const moneyThresholds = z
  .array(moneyThreshold)
  .max(20)
  .refine(
    items => new Set(items.map(item => item.currency)).size === items.length,
    'must name each currency once',
  );

const tokens = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable();

const days = z.number().int().min(1).max(365);

const reminderDays = z
  .array(days)
  .min(1)
  .max(10)
  .refine(
    items => new Set(items).size === items.length,
    'must not repeat a day',
  );

/** The params of each rule type, validated where rules come in and go out. */
export const ruleParamSchemas: {
  [T in AlertType]: z.ZodType<AlertRuleParamsByType[T]>;
} = {
  key_expiring: z.object({ days: reminderDays }).strict(),
  low_balance: z.object({ thresholds: moneyThresholds }).strict(),
  high_usage: z
    .object({
      keySpend: moneyThresholds,
      keyTokens: tokens,
      accountSpend: moneyThresholds,
      accountTokens: tokens,
      projectSpend: moneyThresholds,
      projectTokens: tokens,
      budgetPercents: z
        .array(z.number().int().min(1).max(1000))
        .max(10)
        .refine(
          items => new Set(items).size === items.length,
          'must not repeat a percentage',
        ),
    })
    .strict(),
  key_error: z
    .object({
      invalid: z.boolean(),
      disabled: z.boolean(),
      syncFailed: z.boolean(),
    })
    .strict(),
  budget_runway: z.object({ days }).strict(),
  rollup_failed: z.object({}).strict() as z.ZodType<Record<string, never>>,
  reconciliation_gap: z
    .object({
      days: z.number().int().min(1).max(30),
      tolerancePercent: z.number().min(0).max(1000).nullable(),
    })
    .strict(),
  anomaly: z
    .object({
      minScore: z.number().min(1).max(100),
      minRatio: z.number().min(1).max(100),
      minRequests: z.number().int().min(1).max(1_000_000),
      baselineWeeks: z.number().int().min(2).max(8),
      spikes: z.boolean(),
      newModels: z.boolean(),
      offHours: z.boolean(),
      leakedKeys: z.boolean(),
    })
    .strict(),
  key_rotation_due: z.object({ days: reminderDays }).strict(),
  slo_burn_rate: z.object({ fast: z.boolean(), slow: z.boolean() }).strict(),
};

const ruleInputBase = {
  scope: z.enum(ALERT_RULE_SCOPES),
  scopeId: z.string().trim().min(1).max(255).nullable().optional(),
  enabled: z.boolean(),
  severity: z.enum(ALERT_SEVERITIES),
};

/** `PUT /alert-rules` bodies, one shape per type. */
export const alertRuleInputSchema: z.ZodType<AlertRuleInput> = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('key_expiring'),
        ...ruleInputBase,
        params: ruleParamSchemas.key_expiring,
      })
      .strict(),
    z
      .object({
        type: z.literal('low_balance'),
        ...ruleInputBase,
        params: ruleParamSchemas.low_balance,
      })
      .strict(),
    z
      .object({
        type: z.literal('high_usage'),
        ...ruleInputBase,
        params: ruleParamSchemas.high_usage,
      })
      .strict(),
    z
      .object({
        type: z.literal('key_error'),
        ...ruleInputBase,
        params: ruleParamSchemas.key_error,
      })
      .strict(),
    z
      .object({
        type: z.literal('budget_runway'),
        ...ruleInputBase,
        params: ruleParamSchemas.budget_runway,
      })
      .strict(),
    z
      .object({
        type: z.literal('rollup_failed'),
        ...ruleInputBase,
        params: ruleParamSchemas.rollup_failed,
      })
      .strict(),
    z
      .object({
        type: z.literal('reconciliation_gap'),
        ...ruleInputBase,
        params: ruleParamSchemas.reconciliation_gap,
      })
      .strict(),
    z
      .object({
        type: z.literal('anomaly'),
        ...ruleInputBase,
        params: ruleParamSchemas.anomaly,
      })
      .strict(),
    z
      .object({
        type: z.literal('key_rotation_due'),
        ...ruleInputBase,
        params: ruleParamSchemas.key_rotation_due,
      })
      .strict(),
    z
      .object({
        type: z.literal('slo_burn_rate'),
        ...ruleInputBase,
        params: ruleParamSchemas.slo_burn_rate,
      })
      .strict(),
  ])
  .superRefine((rule, ctx) => {
    // The rollup belongs to no account, key, project or budget.
    if (rule.type === 'rollup_failed' && rule.scope !== 'global') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['scope'],
        message: 'must be global for rollup_failed rules',
      });
      return;
    }
    // Reconciliation compares whole accounts' days.
    if (
      rule.type === 'reconciliation_gap' &&
      rule.scope !== 'global' &&
      rule.scope !== 'account'
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['scope'],
        message: 'must be global or account for reconciliation_gap rules',
      });
      return;
    }
    if (rule.scope === 'global' && rule.scopeId) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['scopeId'],
        message: 'must be empty for the global scope',
      });
    }
    if (rule.scope !== 'global' && !rule.scopeId) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['scopeId'],
        message: `is required for the ${rule.scope} scope`,
      });
    }
  });
