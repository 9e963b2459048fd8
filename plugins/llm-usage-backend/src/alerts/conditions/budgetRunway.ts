import { formatNanos } from '../../lib/money';
import type { BudgetStandingFact } from '../facts';
import type { AlertCondition } from '../types';
import { type ConditionContext, monthKey } from './context';

/**
 * A budget that runs out in fewer than the rule's days at the recent burn
 * rate, and before its month ends (a budget that renews first is fine).
 */
export function budgetRunwayConditions(
  standings: BudgetStandingFact[],
  owners: Map<string, string | null>,
  context: ConditionContext,
): AlertCondition[] {
  const month = monthKey(context.now);
  const conditions: AlertCondition[] = [];
  for (const { budget, remainingNanos, runway, periodEnd } of standings) {
    const rule = context.rules.ruleFor('budget_runway', {
      budgetId: budget.id,
    });
    const daysLeft = runway.daysLeft;
    if (!rule.enabled || daysLeft === null || daysLeft >= rule.params.days) {
      continue;
    }
    const runsOut = context.now + daysLeft * 86_400_000;
    if (runsOut >= periodEnd) continue;
    conditions.push({
      type: 'budget_runway',
      severity: daysLeft <= 0 ? 'error' : rule.severity,
      conditionKey: `budget_runway:${budget.id}:${month}`,
      target: { type: 'budget', id: budget.id, name: budget.name || null },
      accountId: budget.targetType === 'account' ? budget.targetRef : null,
      ownerRef: owners.get(budget.id) ?? null,
      params: {
        daysLeft,
        thresholdDays: rule.params.days,
        currency: budget.currency,
        remaining: formatNanos(remainingNanos),
      },
    });
  }
  return conditions;
}
