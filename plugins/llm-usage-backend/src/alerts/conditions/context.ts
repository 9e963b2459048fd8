import type { AlertSeverity } from '@llm-usage/backstage-plugin-llm-usage-common';
import { normalizeRef } from '../../budgets/Caller';
import type { AlertRuleSet } from '../AlertRuleStore';
import type { AccountFact } from '../facts';

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

export function monthStartOf(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}
