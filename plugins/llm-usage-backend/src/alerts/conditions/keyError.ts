import type { AccountFact, KeyFact } from '../facts';
import type { AlertCondition } from '../types';
import {
  type ConditionContext,
  aboutAccount,
  aboutKey,
  conditionsUnderRules,
  keyRuleTarget,
} from './context';

/** Provider errors are long and may repeat request details: keep the gist. */
function gist(error: string | null | undefined): string | null {
  return error ? error.slice(0, 300) : null;
}

/**
 * Keys the provider reports invalid or in error, keys disabled at the
 * provider (not through this plugin), and accounts whose last sync failed.
 * Each resolves once the key or account is healthy again.
 */
export function keyErrorConditions(
  keys: KeyFact[],
  accounts: AccountFact[],
  context: ConditionContext,
): AlertCondition[] {
  const keyConditions = conditionsUnderRules(
    'key_error',
    keys,
    context,
    keyRuleTarget,
    (key, rule) => {
      let reason: 'error' | 'disabled' | undefined;
      if (key.status === 'error' && rule.params.invalid) reason = 'error';
      if (
        key.status === 'disabled' &&
        !key.disabledHere &&
        rule.params.disabled
      ) {
        reason = 'disabled';
      }
      if (!reason) return undefined;
      return {
        severity: reason === 'disabled' ? 'warning' : rule.severity,
        conditionKey: `key_error:key:${key.id}:${reason}`,
        ...aboutKey(key, context),
        params: { reason, error: gist(key.lastError) },
      };
    },
  );
  const accountConditions = conditionsUnderRules(
    'key_error',
    accounts,
    context,
    account => ({ accountId: account.id }),
    (account, rule) => {
      if (!rule.params.syncFailed || !account.syncFailing) return undefined;
      return {
        severity: rule.severity,
        conditionKey: `key_error:account:${account.id}:sync_failed`,
        ...aboutAccount(account.id, account),
        params: { reason: 'sync_failed', error: gist(account.lastError) },
      };
    },
  );
  return [...keyConditions, ...accountConditions];
}
