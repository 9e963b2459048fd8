import { formatNanos, parseDecimalToNanos } from '../../lib/money';
import type { BalanceFact } from '../facts';
import type { AlertCondition } from '../types';
import { type ConditionContext, ownerOf } from './context';

/**
 * An account's newest balance of a currency below the rule's amount for that
 * currency; an error once nothing is left. A top-up above the amount
 * resolves it, and the next drop is a new crossing.
 */
export function lowBalanceConditions(
  balances: BalanceFact[],
  context: ConditionContext,
): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const balance of balances) {
    const rule = context.rules.ruleFor('low_balance', {
      accountId: balance.accountId,
    });
    if (!rule.enabled) continue;
    const threshold = rule.params.thresholds.find(
      t => t.currency === balance.currency,
    );
    const thresholdNanos = threshold
      ? parseDecimalToNanos(threshold.amount)
      : undefined;
    if (
      thresholdNanos === undefined ||
      balance.availableNanos >= thresholdNanos
    ) {
      continue;
    }
    const account = context.accounts.get(balance.accountId);
    conditions.push({
      type: 'low_balance',
      severity: balance.availableNanos <= 0n ? 'error' : rule.severity,
      conditionKey: `low_balance:${balance.accountId}:${balance.currency}`,
      target: {
        type: 'account',
        id: balance.accountId,
        name: account?.name ?? null,
      },
      accountId: balance.accountId,
      ownerRef: ownerOf(account?.ownerRef),
      params: {
        currency: balance.currency,
        available: formatNanos(balance.availableNanos),
        threshold: formatNanos(thresholdNanos),
        readAt: new Date(balance.readAt).toISOString(),
      },
    });
  }
  return conditions;
}
