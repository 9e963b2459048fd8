import type { AlertCondition } from '../types';
import type { KeyFact } from '../facts';
import { type ConditionContext, DAY_MS, escalate, ownerOf } from './context';

/**
 * A key within a threshold of its expiry: only the tightest threshold
 * crossed holds, so each threshold fires once, in turn, as the day nears.
 * A renewed key (a new expiry) is a new condition. An expired key is an
 * error until it is renewed, archived or deleted.
 */
export function keyExpiringConditions(
  keys: KeyFact[],
  context: ConditionContext,
): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const key of keys) {
    if (key.expiresAt === null) continue;
    const rule = context.rules.ruleFor('key_expiring', {
      keyId: key.id,
      accountId: key.accountId,
    });
    if (!rule.enabled) continue;
    const thresholds = [...rule.params.days].sort((a, b) => b - a);
    const msLeft = key.expiresAt - context.now;
    let threshold: number | undefined;
    if (msLeft <= 0 || key.status === 'expired') {
      threshold = 0;
    } else {
      threshold = [...thresholds]
        .reverse()
        .find(days => msLeft <= days * DAY_MS);
    }
    if (threshold === undefined) continue;
    const severity =
      threshold === 0
        ? 'error'
        : escalate(rule.severity, thresholds.indexOf(threshold));
    conditions.push({
      type: 'key_expiring',
      severity,
      conditionKey: `key_expiring:${key.id}:${key.expiresAt}:${threshold}`,
      target: { type: 'key', id: key.id, name: key.name },
      accountId: key.accountId,
      ownerRef: ownerOf(
        key.ownerRef,
        context.accounts.get(key.accountId)?.ownerRef,
      ),
      params: {
        thresholdDays: threshold,
        expiresAt: new Date(key.expiresAt).toISOString(),
        daysLeft: Math.max(0, Math.ceil(msLeft / DAY_MS)),
      },
    });
  }
  return conditions;
}
