import type {
  AlertTargetType,
  MoneyThreshold,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { formatNanos, parseDecimalToNanos } from '../../lib/money';
import type { KeyFact, MonthUsage } from '../facts';
import type { AlertCondition } from '../types';
import {
  type ConditionContext,
  budgetConditionFinder,
  keyRuleTarget,
  monthKey,
  ownerOf,
} from './context';

/** One thing whose month usage is compared with thresholds. */
export interface UsageSubject {
  type: Exclude<AlertTargetType, 'budget'>;
  id: string;
  name: string | null;
  accountId: string | null;
  ownerRef: string | null;
  usage: MonthUsage;
  spend: MoneyThreshold[];
  tokens: number | null;
  severity: AlertCondition['severity'];
}

/**
 * This month's spend (per currency) or tokens over a threshold. The month is
 * part of the condition, so a new month starts clean and last month's
 * alerts resolve.
 */
export function usageConditions(
  subjects: UsageSubject[],
  now: number,
): AlertCondition[] {
  const month = monthKey(now);
  const conditions: AlertCondition[] = [];
  for (const subject of subjects) {
    const base = {
      type: 'high_usage' as const,
      severity: subject.severity,
      target: { type: subject.type, id: subject.id, name: subject.name },
      accountId: subject.accountId,
      ownerRef: subject.ownerRef,
    };
    for (const threshold of subject.spend) {
      const limit = parseDecimalToNanos(threshold.amount);
      const spent = subject.usage.costs.nanos(threshold.currency);
      if (limit === undefined || spent <= limit) continue;
      conditions.push({
        ...base,
        conditionKey: `high_usage:${subject.type}:${subject.id}:spend:${threshold.currency}:${month}`,
        params: {
          metric: 'spend',
          value: formatNanos(spent),
          threshold: formatNanos(limit),
          currency: threshold.currency,
          month,
        },
      });
    }
    if (subject.tokens !== null && subject.usage.tokens > subject.tokens) {
      conditions.push({
        ...base,
        conditionKey: `high_usage:${subject.type}:${subject.id}:tokens:${month}`,
        params: {
          metric: 'tokens',
          value: subject.usage.tokens,
          threshold: subject.tokens,
          currency: null,
          month,
        },
      });
    }
  }
  return conditions;
}

/** Keys' and accounts' provider-reported month usage against their rules. */
export function providerUsageSubjects(
  keys: KeyFact[],
  usage: { byKey: Map<string, MonthUsage>; byAccount: Map<string, MonthUsage> },
  context: ConditionContext,
): UsageSubject[] {
  const subjects: UsageSubject[] = [];
  for (const key of keys) {
    const keyUsage = usage.byKey.get(key.id);
    const rule = context.rules.ruleFor('high_usage', keyRuleTarget(key));
    if (!keyUsage || !rule.enabled) continue;
    subjects.push({
      type: 'key',
      id: key.id,
      name: key.name,
      accountId: key.accountId,
      ownerRef: ownerOf(
        key.ownerRef,
        context.accounts.get(key.accountId)?.ownerRef,
      ),
      usage: keyUsage,
      spend: rule.params.keySpend,
      tokens: rule.params.keyTokens,
      severity: rule.severity,
    });
  }
  for (const [accountId, accountUsage] of usage.byAccount) {
    const rule = context.rules.ruleFor('high_usage', { accountId });
    const account = context.accounts.get(accountId);
    if (!rule.enabled || !account) continue;
    subjects.push({
      type: 'account',
      id: accountId,
      name: account.name,
      accountId,
      ownerRef: ownerOf(account.ownerRef),
      usage: accountUsage,
      spend: rule.params.accountSpend,
      tokens: rule.params.accountTokens,
      severity: rule.severity,
    });
  }
  return subjects;
}

/**
 * A budget's month spend at or over a percentage of its amount: only the
 * highest percentage reached holds; 100 % and more is an error.
 */
export const budgetPercentConditions = budgetConditionFinder(
  'high_usage',
  ({ budget, usedNanos }, rule, { month }) => {
    if (budget.amountNanos <= 0n) return undefined;
    // Whole hundredths of a percent, in integers: no float money.
    const basisPoints = Number((usedNanos * 10_000n) / budget.amountNanos);
    const reached = [...rule.params.budgetPercents]
      .sort((a, b) => b - a)
      .find(percent => basisPoints >= percent * 100);
    if (reached === undefined) return undefined;
    return {
      severity: reached >= 100 ? 'error' : rule.severity,
      conditionKey: `high_usage:budget:${budget.id}:percent:${reached}:${month}`,
      params: {
        metric: 'budgetPercent',
        value: Math.floor(basisPoints / 100),
        threshold: reached,
        currency: budget.currency,
        used: formatNanos(usedNanos),
        amount: formatNanos(budget.amountNanos),
        month,
      },
    };
  },
);
