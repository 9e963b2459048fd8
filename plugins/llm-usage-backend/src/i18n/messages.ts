/**
 * The texts the backend writes for people (notifications, e-mails made from
 * them, webhook messages, spend digests), one catalog per language under
 * `locales/`: English as a `BackendMessages`, every other language as its
 * `LocaleMessages`. `{{name}}` marks a value; a plural is one text per CLDR
 * plural category of the language (`Intl.PluralRules`), `other` always
 * present.
 */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & {
  other: string;
};

/**
 * The columns of the CSV/XLSX exports, by stable id. The header row is
 * written in the requester's language from `exports.columns`; the cells stay
 * machine-readable (ISO times, exact decimals, enum values).
 */
export const EXPORT_COLUMN_IDS = [
  'projectId',
  'entityRef',
  'entityTitle',
  'owners',
  'calls',
  'successCalls',
  'failedCalls',
  'processingCalls',
  'successRate',
  'inputTokens',
  'outputTokens',
  'cachedTokens',
  'totalTokens',
  'avgLatencyMs',
  'p95LatencyMs',
  'lastCallAt',
  'time',
  'callId',
  'status',
  'provider',
  'model',
  'callType',
  'userRef',
  'apiKeyId',
  'durationMs',
  'ttftMs',
  'cost',
  'currency',
  'errorReason',
  'metadata',
  'keyId',
  'accountId',
  'accountName',
  'keyName',
  'maskedHint',
  'keySource',
  'ownerRef',
  'componentRef',
  'tags',
  'createdAt',
  'expiresAt',
  'expiryState',
  'lastUsedAt',
  'monthInputTokens',
  'monthOutputTokens',
  'monthRequests',
  'monthCost',
  'monthCostByCurrency',
  'spendLimit',
  'providerUsage',
  'notes',
  'lastError',
  'actorRef',
  'action',
  'targetType',
  'targetId',
  'before',
  'after',
  'eventId',
  'date',
  'providerCost',
  'recordedCost',
  'difference',
  'differencePercent',
  'overTolerance',
] as const;

export type ExportColumnId = (typeof EXPORT_COLUMN_IDS)[number];

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
    reconciliation_gap: string;
    anomaly: string;
    key_rotation_due: string;
    slo_burn_rate: string;
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
    reconciliationGap: string;
    anomalyRequestSpike: string;
    anomalyTokenSpike: string;
    anomalySpendSpike: string;
    anomalyNewModel: string;
    anomalyOffHours: string;
    anomalyLeakedKey: string;
    rotationDue: string;
    rotationOverdue: string;
    sloBurnRate: string;
    other: string;
  };
  /** The SLO metrics, as a sentence names them. */
  sloMetrics: Record<'latencyP95' | 'errorRate' | 'ttft', string>;
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
  /** Header rows of the CSV/XLSX exports. */
  exports: {
    /** The cost column of one currency, e.g. `Cost (USD)`. */
    costIn: string;
    columns: Record<ExportColumnId, string>;
  };
}

/** A group of texts whose keys are all plural categories: a `Plural`. */
type IsPlural<T> = [keyof T] extends [Intl.LDMLPluralRule] ? true : false;

/** The dotted paths of the texts every language must give. */
type RequiredPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? `${Prefix}${K}`
    : IsPlural<T[K]> extends true
    ? `${Prefix}${K}.other`
    : RequiredPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** The dotted paths of the plural forms only some languages need. */
type PluralFormPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? never
    : IsPlural<T[K]> extends true
    ? `${Prefix}${K}.${Exclude<Intl.LDMLPluralRule, 'other'>}`
    : PluralFormPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/**
 * A translation of `BackendMessages`: each text by its dotted path, e.g.
 * `'exports.columns.cost'`, and each plural form by its category, e.g.
 * `'units.days.one'`. The compiler rejects a missing text and an unknown
 * path; `localeCatalog` builds the catalog the code reads.
 */
export type LocaleMessages = Record<RequiredPaths<BackendMessages>, string> &
  Partial<Record<PluralFormPaths<BackendMessages>, string>>;

/** The nested catalog of a translation's texts. */
export function localeCatalog(texts: LocaleMessages): BackendMessages {
  const catalog: Record<string, unknown> = {};
  for (const [path, text] of Object.entries(texts)) {
    const keys = path.split('.');
    const leaf = keys.pop()!;
    let group = catalog;
    for (const key of keys) {
      group = (group[key] ??= {}) as Record<string, unknown>;
    }
    group[leaf] = text;
  }
  // Complete: LocaleMessages requires every path of BackendMessages.
  return catalog as unknown as BackendMessages;
}
