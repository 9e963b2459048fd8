import { formatNanos } from '../../lib/money';
import {
  type ReconciliationDay,
  beyondTolerance,
  percent,
} from '../../reconciliation/Reconciliation';
import type { AlertCondition } from '../types';
import { type ConditionContext, DAY_MS, ownerOf } from './context';

/** Reads provider-reported against recorded cost per account and day. */
export interface ReconciliationReader {
  /** The configured tolerance, for rules that name none. */
  readonly tolerancePercent: number;
  dayAmounts(params: {
    accountIds: string[];
    fromDay: number;
    toDay: number;
  }): Promise<ReconciliationDay[]>;
}

/** The last complete UTC day before `now`. */
export function lastCompleteDay(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - DAY_MS;
}

/**
 * The accounts whose rule is on, and how many days back each looks: the
 * days to read before {@link reconciliationGapConditions} can decide.
 */
export function reconciliationWindow(context: ConditionContext): {
  accountIds: string[];
  fromDay: number;
  toDay: number;
} {
  const toDay = lastCompleteDay(context.now);
  let days = 0;
  const accountIds: string[] = [];
  for (const accountId of context.accounts.keys()) {
    const rule = context.rules.ruleFor('reconciliation_gap', { accountId });
    if (!rule.enabled) continue;
    accountIds.push(accountId);
    days = Math.max(days, rule.params.days);
  }
  return { accountIds, fromDay: toDay - (days - 1) * DAY_MS, toDay };
}

/**
 * An account whose provider-reported and recorded cost in a currency differ
 * beyond the rule's tolerance on each of its last `days` complete UTC days:
 * an unreported service, calls sent with a leaked key, or a provider
 * billing what nobody recorded. Today is left out while the provider may
 * still report it. One alert per account and currency; a day back inside
 * the tolerance resolves it.
 */
export function reconciliationGapConditions(
  amounts: ReconciliationDay[],
  defaultTolerancePercent: number,
  context: ConditionContext,
): AlertCondition[] {
  const byAccountAndCurrency = new Map<
    string,
    Map<number, ReconciliationDay>
  >();
  for (const entry of amounts) {
    const key = `${entry.accountId}\u0000${entry.currency}`;
    const days = byAccountAndCurrency.get(key) ?? new Map();
    days.set(entry.day, entry);
    byAccountAndCurrency.set(key, days);
  }
  const toDay = lastCompleteDay(context.now);
  const conditions: AlertCondition[] = [];
  for (const [key, days] of byAccountAndCurrency) {
    const [accountId, currency] = key.split('\u0000');
    const rule = context.rules.ruleFor('reconciliation_gap', { accountId });
    if (!rule.enabled) continue;
    const tolerancePercent =
      rule.params.tolerancePercent ?? defaultTolerancePercent;
    const fromDay = toDay - (rule.params.days - 1) * DAY_MS;
    let provider = 0n;
    let recorded = 0n;
    let everyDay = true;
    for (let day = fromDay; day <= toDay; day += DAY_MS) {
      const entry = days.get(day);
      if (!entry || !beyondTolerance(entry, tolerancePercent)) {
        everyDay = false;
        break;
      }
      provider += entry.provider;
      recorded += entry.recorded;
    }
    if (!everyDay) continue;
    const account = context.accounts.get(accountId);
    const difference = provider - recorded;
    conditions.push({
      type: 'reconciliation_gap',
      severity: rule.severity,
      conditionKey: `reconciliation_gap:${accountId}:${currency}`,
      target: { type: 'account', id: accountId, name: account?.name ?? null },
      accountId,
      ownerRef: ownerOf(account?.ownerRef),
      params: {
        currency,
        days: rule.params.days,
        from: new Date(fromDay).toISOString().slice(0, 10),
        to: new Date(toDay).toISOString().slice(0, 10),
        providerCost: formatNanos(provider),
        recordedCost: formatNanos(recorded),
        difference: formatNanos(difference),
        differencePercent: percent(difference, provider),
        tolerancePercent,
      },
    });
  }
  return conditions;
}
