import { formatNanos, parseDecimalToNanos } from '../../lib/money';
import type { BalanceFact } from '../facts';
import type { AlertCondition } from '../types';
import {
  type ConditionContext,
  aboutAccount,
  conditionsUnderRules,
} from './context';

/**
 * An account's newest balance of a currency below the rule's amount for that
 * currency; an error once nothing is left. A top-up above the amount
 * resolves it, and the next drop is a new crossing.
 */
export function lowBalanceConditions(
  balances: BalanceFact[],
  context: ConditionContext,
): AlertCondition[] {
  return conditionsUnderRules(
    'low_balance',
    balances,
    context,
    balance => ({ accountId: balance.accountId }),
    (balance, rule) => {
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
        return undefined;
      }
      return {
        severity: balance.availableNanos <= 0n ? 'error' : rule.severity,
        conditionKey: `low_balance:${balance.accountId}:${balance.currency}`,
        ...aboutAccount(
          balance.accountId,
          context.accounts.get(balance.accountId),
        ),
        params: {
          currency: balance.currency,
          available: formatNanos(balance.availableNanos),
          threshold: formatNanos(thresholdNanos),
          readAt: new Date(balance.readAt).toISOString(),
        },
      };
    },
  );
}
