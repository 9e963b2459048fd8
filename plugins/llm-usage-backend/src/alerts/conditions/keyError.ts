import type { AccountFact, KeyFact } from '../facts';
import type { AlertCondition } from '../types';
import { type ConditionContext, ownerOf } from './context';

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
  const conditions: AlertCondition[] = [];
  for (const key of keys) {
    const rule = context.rules.ruleFor('key_error', {
      keyId: key.id,
      accountId: key.accountId,
    });
    if (!rule.enabled) continue;
    let reason: 'error' | 'disabled' | undefined;
    if (key.status === 'error' && rule.params.invalid) reason = 'error';
    if (
      key.status === 'disabled' &&
      !key.disabledHere &&
      rule.params.disabled
    ) {
      reason = 'disabled';
    }
    if (!reason) continue;
    conditions.push({
      type: 'key_error',
      severity: reason === 'disabled' ? 'warning' : rule.severity,
      conditionKey: `key_error:key:${key.id}:${reason}`,
      target: { type: 'key', id: key.id, name: key.name },
      accountId: key.accountId,
      ownerRef: ownerOf(
        key.ownerRef,
        context.accounts.get(key.accountId)?.ownerRef,
      ),
      params: { reason, error: gist(key.lastError) },
    });
  }
  for (const account of accounts) {
    const rule = context.rules.ruleFor('key_error', { accountId: account.id });
    if (!rule.enabled || !rule.params.syncFailed || !account.syncFailing) {
      continue;
    }
    conditions.push({
      type: 'key_error',
      severity: rule.severity,
      conditionKey: `key_error:account:${account.id}:sync_failed`,
      target: { type: 'account', id: account.id, name: account.name },
      accountId: account.id,
      ownerRef: ownerOf(account.ownerRef),
      params: { reason: 'sync_failed', error: gist(account.lastError) },
    });
  }
  return conditions;
}
