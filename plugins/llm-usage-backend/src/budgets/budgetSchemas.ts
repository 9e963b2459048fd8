import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  BUDGET_TARGET_TYPES,
  DIGEST_CADENCES,
  type BudgetTargetType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import { parseDecimalToNanos } from '../lib/money';
import { parseBody, parseQuery } from '../lib/parseInput';
import { normalizeRef } from './Caller';
import type { BudgetChanges, NewBudget } from './BudgetStore';

/** Money amounts above this are typos, and would overflow a bigint column. */
const MAX_AMOUNT_NANOS = 10n ** 18n;

const currency = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as USD')
  .transform(value => value.toUpperCase());

const amount = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const nanos = parseDecimalToNanos(value);
    if (nanos === undefined || nanos <= 0n || nanos >= MAX_AMOUNT_NANOS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be a positive decimal amount such as "500" or "1250.50"',
      });
      return z.NEVER;
    }
    return nanos;
  });

const name = z.string().trim().max(255);

/** A catalog ref of the given kind, normalised to `kind:namespace/name`. */
export function entityRefOfKind(kind: string) {
  return z.string().transform((value, ctx) => {
    try {
      const ref = parseEntityRef(value.trim(), { defaultKind: kind });
      if (ref.kind.toLocaleLowerCase('en-US') === kind) {
        return normalizeRef(stringifyEntityRef(ref));
      }
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `must be a ${kind} entity ref such as ${kind}:default/name`,
    });
    return z.NEVER;
  });
}

const projectOrAccountId = z.string().trim().min(1).max(255);

const createSchema = z
  .object({
    targetType: z.enum(BUDGET_TARGET_TYPES),
    targetRef: z.string(),
    name: name.default(''),
    amount,
    currency,
  })
  .strict()
  .transform((value, ctx) => {
    const target =
      value.targetType === 'user' || value.targetType === 'group'
        ? entityRefOfKind(value.targetType)
        : projectOrAccountId;
    const ref = target.safeParse(value.targetRef);
    if (!ref.success) {
      ctx.addIssue({ ...ref.error.issues[0], path: ['targetRef'] });
      return z.NEVER;
    }
    return { ...value, targetRef: ref.data };
  });

const updateSchema = z
  .object({
    name: name.optional(),
    amount: amount.optional(),
    currency: currency.optional(),
  })
  .strict();

const listSchema = z
  .object({
    targetType: z.enum(BUDGET_TARGET_TYPES).optional(),
    targetRef: z.string().trim().min(1).max(255).optional(),
  })
  .strict();

const digestPreferencesSchema = z
  .object({
    ownerRef: z.string().min(1),
    weekly: z.boolean().optional(),
    monthly: z.boolean().optional(),
  })
  .strict()
  .transform((value, ctx) => {
    const kind = value.ownerRef.trim().toLocaleLowerCase('en-US').split(':')[0];
    const ref = entityRefOfKind(kind === 'group' ? 'group' : 'user').safeParse(
      value.ownerRef,
    );
    if (!ref.success) {
      ctx.addIssue({ ...ref.error.issues[0], path: ['ownerRef'] });
      return z.NEVER;
    }
    return { ...value, ownerRef: ref.data };
  });

/** A parsed body with its `amount` under the name the store gives it. */
function withAmountNanos<T extends { amount?: bigint }>(
  parsed: T,
): Omit<T, 'amount'> & { amountNanos: T['amount'] } {
  const { amount: amountNanos, ...rest } = parsed;
  return { ...rest, amountNanos };
}

export function parseNewBudget(body: unknown): NewBudget {
  return withAmountNanos(parseBody(createSchema, body));
}

export function parseBudgetChanges(body: unknown): BudgetChanges {
  return withAmountNanos(parseBody(updateSchema, body));
}

/** `?targetType=&targetRef=` of `GET /budgets`: narrows the list. */
export function parseBudgetListQuery(query: unknown): {
  targetType?: BudgetTargetType;
  targetRef?: string;
} {
  const parsed = parseQuery(listSchema, query);
  if (parsed.targetRef && !parsed.targetType) {
    throw new InputError(
      `Invalid query parameter 'targetType': required with 'targetRef'`,
    );
  }
  const entity = parsed.targetType === 'user' || parsed.targetType === 'group';
  return {
    targetType: parsed.targetType,
    targetRef:
      parsed.targetRef && entity
        ? normalizeRef(parsed.targetRef)
        : parsed.targetRef,
  };
}

export function parseDigestPreferences(body: unknown) {
  return parseBody(digestPreferencesSchema, body);
}

export const digestCadenceSchema = z.enum(DIGEST_CADENCES);

const quotaQuerySchema = z
  .object({ entityRef: z.string().trim().min(1).max(255).optional() })
  .strict();

/** `?entityRef=` of `GET /usage/quota`. */
export function parseQuotaQuery(query: unknown): { entityRef?: string } {
  return parseQuery(quotaQuerySchema, query);
}
