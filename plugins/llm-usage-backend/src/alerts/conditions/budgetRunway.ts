import { formatNanos } from '../../lib/money';
import { DAY_MS, budgetConditionFinder } from './context';

/**
 * A budget that runs out in fewer than the rule's days at the recent burn
 * rate, and before its month ends (a budget that renews first is fine).
 */
export const budgetRunwayConditions = budgetConditionFinder(
  'budget_runway',
  ({ budget, remainingNanos, runway, periodEnd }, rule, { now, month }) => {
    const daysLeft = runway.daysLeft;
    if (daysLeft === null || daysLeft >= rule.params.days) return undefined;
    const runsOut = now + daysLeft * DAY_MS;
    if (runsOut >= periodEnd) return undefined;
    return {
      severity: daysLeft <= 0 ? 'error' : rule.severity,
      conditionKey: `budget_runway:${budget.id}:${month}`,
      params: {
        daysLeft,
        thresholdDays: rule.params.days,
        currency: budget.currency,
        remaining: formatNanos(remainingNanos),
      },
    };
  },
);
