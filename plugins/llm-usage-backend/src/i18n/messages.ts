/**
 * The texts the backend writes for people (notifications, e-mails made from
 * them, webhook messages, spend digests), one catalog per language under
 * `locales/`. `{{name}}` marks a value; a plural is one text per CLDR plural
 * category of the language (`Intl.PluralRules`), `other` always present.
 */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & {
  other: string;
};

export interface BackendMessages {
  /** `LLM Usage: {{title}}` — the product name prefixed to every title. */
  titlePrefix: string;
  titles: {
    key_expiring: string;
    low_balance: string;
    high_usage: string;
    key_error: string;
    budget_runway: string;
    rollup_failed: string;
  };
  targets: {
    key: string;
    account: string;
    project: string;
    budget: string;
    system: string;
  };
  /** A target in a sentence, e.g. `Key "ci-bot"`. */
  namedTarget: string;
  units: { days: Plural; hours: Plural; calls: Plural };
  alerts: {
    keyExpired: string;
    keyExpiring: string;
    lowBalance: string;
    budgetPercent: string;
    tokensOver: string;
    spendOver: string;
    syncFailed: string;
    disabled: string;
    keyError: string;
    /** Appended to a failure: `: {{error}}`. */
    errorDetail: string;
    budgetRunway: string;
    rollupFailed: string;
    other: string;
  };
  webhook: {
    resolved: string;
    severities: { info: string; warning: string; error: string };
    open: string;
  };
  digest: {
    weeklyTitle: string;
    monthlyTitle: string;
    summary: string;
    /** An amount with its change, e.g. `$4.00 (+100% vs the week before)`. */
    spendChange: string;
    spend: string;
    noSpend: string;
    noCost: string;
    changeVsWeek: string;
    changeVsMonth: string;
    nothingWeekBefore: string;
    nothingMonthBefore: string;
    topProjects: string;
    topModels: string;
    expiringKeys: string;
    expiringKey: string;
    /** Joins items of a list, e.g. `; `. */
    separator: string;
  };
}
