import {
  type ConditionContext,
  DAY_MS,
  aboutKey,
  conditionsUnderRules,
  reminderThreshold,
} from '../alerts/conditions/context';
import type { AlertCondition } from '../alerts/types';
import type { PolicyFact } from './KeyRotationStore';

/**
 * A key within a reminder threshold of the maximum age its rotation policy
 * allows: only the tightest threshold crossed holds, so each reminder is
 * sent once, in turn; an overdue key is an error until it is rotated (a
 * key being replaced gets no more reminders) or its policy changes.
 */
export function rotationDueConditions(
  policies: PolicyFact[],
  context: ConditionContext,
): AlertCondition[] {
  return conditionsUnderRules(
    'key_rotation_due',
    policies,
    context,
    policy => ({ keyId: policy.keyId, accountId: policy.accountId }),
    (policy, rule) => {
      if (policy.replaced) return undefined;
      const dueAt = policy.createdAt + policy.maxAgeDays * DAY_MS;
      const msLeft = dueAt - context.now;
      const reached = reminderThreshold(
        msLeft,
        rule.params.days,
        rule.severity,
      );
      if (!reached) return undefined;
      return {
        severity: reached.severity,
        conditionKey: `key_rotation_due:${policy.keyId}:${dueAt}:${reached.days}`,
        ...aboutKey({ ...policy, id: policy.keyId }, context),
        params: {
          dueAt: new Date(dueAt).toISOString(),
          daysLeft: Math.max(0, Math.ceil(msLeft / DAY_MS)),
          maxAgeDays: policy.maxAgeDays,
          thresholdDays: reached.days,
        },
      };
    },
  );
}
