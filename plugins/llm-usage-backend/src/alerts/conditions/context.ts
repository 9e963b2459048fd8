import type {
  AlertRule,
  AlertSeverity,
  AlertType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { normalizeRef } from '../../budgets/Caller';
import type { AlertRuleSet, RuleTarget } from '../AlertRuleStore';
import type { AccountFact, BudgetStandingFact } from '../facts';
import type { AlertCondition } from '../types';

export const DAY_MS = 86_400_000;

/** What every condition finder gets: the time, the rules and the accounts. */
export interface ConditionContext {
  now: number;
  rules: AlertRuleSet;
  accounts: Map<string, AccountFact>;
}

const SEVERITY_ORDER: AlertSeverity[] = ['info', 'warning', 'error'];

/** `steps` levels more severe than `base`, at most `error`. */
export function escalate(base: AlertSeverity, steps: number): AlertSeverity {
  const index = Math.min(
    SEVERITY_ORDER.length - 1,
    SEVERITY_ORDER.indexOf(base) + Math.max(0, steps),
  );
  return SEVERITY_ORDER[index];
}

/** The owner told about a key or account: its own, else its account's. */
export function ownerOf(
  ownerRef: string | null | undefined,
  fallback?: string | null,
): string | null {
  const ref = ownerRef || fallback;
  return ref ? normalizeRef(ref) : null;
}

/** `2026-11` for the UTC month of `now`. */
export function monthKey(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

/** The rule of one alert type. */
export type RuleOf<T extends AlertType> = Extract<AlertRule, { type: T }>;

/** A condition one subject meets; its type is the finder's. */
export type SubjectCondition = Omit<AlertCondition, 'type'>;

/** A key's rule: its own, else its account's (else the global one). */
export function keyRuleTarget(key: {
  id: string;
  accountId: string;
}): RuleTarget {
  return { keyId: key.id, accountId: key.accountId };
}

/**
 * The conditions of one alert type: each subject is judged under the rule
 * in force for it (`ruleTarget` says which), skipping subjects whose rule is
 * off; `judge` returns what holds for the subject, if anything.
 */
export function conditionsUnderRules<T extends AlertType, S>(
  type: T,
  subjects: Iterable<S>,
  context: ConditionContext,
  ruleTarget: (subject: S) => RuleTarget,
  judge: (
    subject: S,
    rule: RuleOf<T>,
  ) => SubjectCondition | SubjectCondition[] | undefined,
): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const subject of subjects) {
    const rule = context.rules.ruleFor(type, ruleTarget(subject));
    if (!rule.enabled) continue;
    for (const found of [judge(subject, rule) ?? []].flat()) {
      conditions.push({ type, ...found });
    }
  }
  return conditions;
}

/** Who an alert is about and who hears of it. */
export type AlertAbout = Pick<
  AlertCondition,
  'target' | 'accountId' | 'ownerRef'
>;

/** A key, told to its owner, else its account's. */
export function aboutKey(
  key: { id: string; name: string; accountId: string; ownerRef: string | null },
  context: ConditionContext,
): AlertAbout {
  return {
    target: { type: 'key', id: key.id, name: key.name },
    accountId: key.accountId,
    ownerRef: ownerOf(
      key.ownerRef,
      context.accounts.get(key.accountId)?.ownerRef,
    ),
  };
}

/** An account (possibly no longer known), told to its owner. */
export function aboutAccount(
  accountId: string,
  account: Pick<AccountFact, 'name' | 'ownerRef'> | undefined,
): AlertAbout {
  return {
    target: { type: 'account', id: accountId, name: account?.name ?? null },
    accountId,
    ownerRef: ownerOf(account?.ownerRef),
  };
}

/** What a budget rule finds for one budget; the rest is about the budget. */
export type BudgetJudge<T extends AlertType> = (
  standing: BudgetStandingFact,
  rule: RuleOf<T>,
  /** Now, and its month (see {@link monthKey}): a new month starts clean. */
  when: { now: number; month: string },
) => Omit<SubjectCondition, keyof AlertAbout> | undefined;

/**
 * The finder of one type's budget conditions: each budget is judged under
 * its own rule, and its alert is about the budget, told to the owner found
 * for it (see the evaluator's budget owners).
 */
export function budgetConditionFinder<T extends AlertType>(
  type: T,
  judge: BudgetJudge<T>,
) {
  return (
    standings: BudgetStandingFact[],
    owners: Map<string, string | null>,
    context: ConditionContext,
  ): AlertCondition[] => {
    const when = { now: context.now, month: monthKey(context.now) };
    return conditionsUnderRules(
      type,
      standings,
      context,
      ({ budget }) => ({ budgetId: budget.id }),
      (standing, rule) => {
        const found = judge(standing, rule, when);
        const { budget } = standing;
        return (
          found && {
            ...found,
            target: {
              type: 'budget',
              id: budget.id,
              name: budget.name || null,
            },
            accountId:
              budget.targetType === 'account' ? budget.targetRef : null,
            ownerRef: owners.get(budget.id) ?? null,
          }
        );
      },
    );
  };
}

/**
 * The tightest reminder threshold (in days) that `msLeft` is within: each
 * tighter threshold is one step more severe than the rule's severity, and
 * none left (threshold 0) is an error. Undefined before the first threshold.
 * So each threshold holds once, in turn, as the day nears.
 */
export function reminderThreshold(
  msLeft: number,
  days: readonly number[],
  severity: AlertSeverity,
): { days: number; severity: AlertSeverity } | undefined {
  if (msLeft <= 0) return { days: 0, severity: 'error' };
  const tightestFirst = [...days].sort((a, b) => a - b);
  const index = tightestFirst.findIndex(limit => msLeft <= limit * DAY_MS);
  if (index < 0) return undefined;
  return {
    days: tightestFirst[index],
    severity: escalate(severity, tightestFirst.length - 1 - index),
  };
}
