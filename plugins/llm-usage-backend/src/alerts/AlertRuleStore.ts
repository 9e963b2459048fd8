import {
  type AlertRule,
  type AlertRuleInput,
  type AlertRuleParamsByType,
  type AlertRuleScope,
  type AlertSeverity,
  type AlertType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DEFAULT_SENSITIVITY } from '../anomalies/detect';

/**
 * The rules that apply when nobody configured any: every alert type on,
 * with thresholds a platform team would pick first.
 */
export const DEFAULT_ALERT_RULES: {
  [T in AlertType]: {
    severity: AlertSeverity;
    params: AlertRuleParamsByType[T];
  };
} = {
  key_expiring: { severity: 'info', params: { days: [7, 3, 1] } },
  low_balance: {
    severity: 'warning',
    params: {
      thresholds: [
        { currency: 'USD', amount: '10' },
        { currency: 'CNY', amount: '50' },
      ],
    },
  },
  high_usage: {
    severity: 'warning',
    params: {
      keySpend: [],
      keyTokens: null,
      accountSpend: [],
      accountTokens: null,
      projectSpend: [],
      projectTokens: null,
      budgetPercents: [80, 100],
    },
  },
  key_error: {
    severity: 'error',
    params: { invalid: true, disabled: true, syncFailed: true },
  },
  budget_runway: { severity: 'warning', params: { days: 7 } },
  rollup_failed: { severity: 'error', params: {} },
  anomaly: {
    severity: 'warning',
    params: {
      minScore: DEFAULT_SENSITIVITY.threshold,
      minRatio: DEFAULT_SENSITIVITY.minRatio,
      minRequests: DEFAULT_SENSITIVITY.minRequests,
      baselineWeeks: DEFAULT_SENSITIVITY.weeks,
      spikes: true,
      newModels: true,
      offHours: true,
      leakedKeys: true,
    },
  },
  key_rotation_due: { severity: 'info', params: { days: [14, 3] } },
  slo_burn_rate: { severity: 'warning', params: { fast: true, slow: true } },
  reconciliation_gap: {
    severity: 'warning',
    params: { days: 3, tolerancePercent: null },
  },
};

/** The rule in force for a type when none is saved. */
export function defaultRule(type: AlertType): AlertRule {
  const { severity, params } = DEFAULT_ALERT_RULES[type];
  return {
    id: null,
    type,
    scope: 'global',
    scopeId: null,
    enabled: true,
    severity,
    params,
    updatedAt: null,
    updatedBy: null,
  } as AlertRule;
}

/** Where a condition was found, for picking the most specific rule. */
export interface RuleTarget {
  keyId?: string;
  accountId?: string | null;
  projectId?: string;
  budgetId?: string;
}

/**
 * The rules in force: the most specific saved rule for a target (key, then
 * account; project; budget), else the saved global rule, else the default.
 */
export class AlertRuleSet {
  private readonly byScope = new Map<string, AlertRule>();

  constructor(rules: AlertRule[]) {
    for (const rule of rules) {
      this.byScope.set(
        `${rule.type}|${rule.scope}|${rule.scopeId ?? ''}`,
        rule,
      );
    }
  }

  ruleFor<T extends AlertType>(
    type: T,
    target: RuleTarget = {},
  ): Extract<AlertRule, { type: T }> {
    const candidates: Array<[AlertRuleScope, string | null | undefined]> = [
      ['key', target.keyId],
      ['account', target.accountId],
      ['project', target.projectId],
      ['budget', target.budgetId],
    ];
    for (const [scope, id] of candidates) {
      const rule = id ? this.byScope.get(`${type}|${scope}|${id}`) : undefined;
      if (rule) return rule as Extract<AlertRule, { type: T }>;
    }
    return (this.byScope.get(`${type}|global|`) ??
      defaultRule(type)) as Extract<AlertRule, { type: T }>;
  }

  /** Every rule enabled for the type somewhere: a disabled global rule may still have overrides. */
  anyEnabled(type: AlertType): boolean {
    for (const rule of this.byScope.values()) {
      if (rule.type === type && rule.enabled) return true;
    }
    return this.ruleFor(type).enabled;
  }
}

/** Saved alert rules; unsaved types fall back to {@link DEFAULT_ALERT_RULES}. */
export interface AlertRuleStore {
  /** Saved rules, optionally of one scope. */
  listSaved(filter?: {
    scope?: AlertRuleScope;
    scopeId?: string;
  }): Promise<AlertRule[]>;
  /** Every global rule (saved or default) followed by every saved override. */
  listEffective(): Promise<AlertRule[]>;
  ruleSet(): Promise<AlertRuleSet>;
  get(id: string): Promise<AlertRule>;
  /** The saved rule of that type and scope, if any. */
  find(
    type: AlertType,
    scope: AlertRuleScope,
    scopeId: string | null,
  ): Promise<AlertRule | undefined>;
  /** Creates or replaces the rule of the input's type and scope. */
  save(
    input: AlertRuleInput,
    actorRef: string,
    now: number,
  ): Promise<AlertRule>;
  /** Removes a saved rule, so the next broader one (or the default) applies. */
  delete(id: string): Promise<AlertRule>;
}
