import {
  type ConditionContext,
  DAY_MS,
  escalate,
  ownerOf,
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
  const conditions: AlertCondition[] = [];
  for (const policy of policies) {
    if (policy.replaced) continue;
    const rule = context.rules.ruleFor('key_rotation_due', {
      keyId: policy.keyId,
      accountId: policy.accountId,
    });
    if (!rule.enabled) continue;
    const dueAt = policy.createdAt + policy.maxAgeDays * DAY_MS;
    const msLeft = dueAt - context.now;
    const thresholds = [...rule.params.days].sort((a, b) => a - b);
    const threshold =
      msLeft <= 0 ? 0 : thresholds.find(days => msLeft <= days * DAY_MS);
    if (threshold === undefined) continue;
    conditions.push({
      type: 'key_rotation_due',
      severity:
        threshold === 0
          ? 'error'
          : escalate(
              rule.severity,
              thresholds.length - 1 - thresholds.indexOf(threshold),
            ),
      conditionKey: `key_rotation_due:${policy.keyId}:${dueAt}:${threshold}`,
      target: { type: 'key', id: policy.keyId, name: policy.name },
      accountId: policy.accountId,
      ownerRef: ownerOf(
        policy.ownerRef,
        context.accounts.get(policy.accountId)?.ownerRef,
      ),
      params: {
        dueAt: new Date(dueAt).toISOString(),
        daysLeft: Math.max(0, Math.ceil(msLeft / DAY_MS)),
        maxAgeDays: policy.maxAgeDays,
        thresholdDays: threshold,
      },
    });
  }
  return conditions;
}
