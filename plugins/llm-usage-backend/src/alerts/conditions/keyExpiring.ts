import type { AlertCondition } from '../types';
import type { KeyFact } from '../facts';
import {
  type ConditionContext,
  DAY_MS,
  aboutKey,
  conditionsUnderRules,
  keyRuleTarget,
  reminderThreshold,
} from './context';

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
  return conditionsUnderRules(
    'key_expiring',
    keys,
    context,
    keyRuleTarget,
    (key, rule) => {
      if (key.expiresAt === null) return undefined;
      const msLeft = key.expiresAt - context.now;
      const reached = reminderThreshold(
        key.status === 'expired' ? 0 : msLeft,
        rule.params.days,
        rule.severity,
      );
      if (!reached) return undefined;
      return {
        severity: reached.severity,
        conditionKey: `key_expiring:${key.id}:${key.expiresAt}:${reached.days}`,
        ...aboutKey(key, context),
        params: {
          thresholdDays: reached.days,
          expiresAt: new Date(key.expiresAt).toISOString(),
          daysLeft: Math.max(0, Math.ceil(msLeft / DAY_MS)),
        },
      };
    },
  );
}
