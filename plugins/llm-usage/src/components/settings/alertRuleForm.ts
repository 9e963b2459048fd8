import type {
  AlertRule,
  AlertRuleInput,
  AlertRuleParamsByType,
  AlertRuleScope,
  AlertType,
  MoneyThreshold,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/** A rule's params as the text fields show them. */
export type AlertRuleFields = Record<string, string | boolean>;

/** `USD 10, CNY 50` for a list of money thresholds. */
export function moneyToText(items: MoneyThreshold[]): string {
  return items.map(item => `${item.currency} ${item.amount}`).join(', ');
}

/** Parses `USD 10, CNY 50`; undefined when any part is not `CODE amount`. */
export function textToMoney(text: string): MoneyThreshold[] | undefined {
  const parts = text
    .split(',')
    .map(part => part.trim())
    .filter(Boolean);
  const items: MoneyThreshold[] = [];
  for (const part of parts) {
    const match = /^([A-Za-z]{3})\s+(\d+(?:\.\d+)?)$/.exec(part);
    if (!match) return undefined;
    items.push({ currency: match[1].toUpperCase(), amount: match[2] });
  }
  return items;
}

/** Parses `7, 3, 1`; undefined unless every part is a whole number. */
export function textToNumbers(text: string): number[] | undefined {
  const parts = text
    .split(',')
    .map(part => part.trim())
    .filter(Boolean);
  if (!parts.every(part => /^\d+$/.test(part))) return undefined;
  return parts.map(Number);
}

/** A token limit field: empty for none. */
function textToTokens(text: string): number | null | undefined {
  if (text.trim() === '') return null;
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** A tolerance field: empty for the configured one, else a percentage. */
function textToPercent(text: string): number | null | undefined {
  if (text.trim() === '') return null;
  return /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

const tokensToText = (value: number | null) =>
  value === null ? '' : String(value);

/** The text fields of a rule's params. */
export function fieldsOf(rule: AlertRule): AlertRuleFields {
  switch (rule.type) {
    case 'key_expiring':
      return { days: rule.params.days.join(', ') };
    case 'low_balance':
      return { thresholds: moneyToText(rule.params.thresholds) };
    case 'high_usage':
      return {
        keySpend: moneyToText(rule.params.keySpend),
        keyTokens: tokensToText(rule.params.keyTokens),
        accountSpend: moneyToText(rule.params.accountSpend),
        accountTokens: tokensToText(rule.params.accountTokens),
        projectSpend: moneyToText(rule.params.projectSpend),
        projectTokens: tokensToText(rule.params.projectTokens),
        budgetPercents: rule.params.budgetPercents.join(', '),
      };
    case 'key_error':
      return { ...rule.params };
    case 'budget_runway':
      return { runwayDays: String(rule.params.days) };
    case 'reconciliation_gap':
      return {
        gapDays: String(rule.params.days),
        gapTolerance:
          rule.params.tolerancePercent === null
            ? ''
            : String(rule.params.tolerancePercent),
      };
    case 'anomaly':
      return {
        minScore: String(rule.params.minScore),
        minRatio: String(rule.params.minRatio),
        minRequests: String(rule.params.minRequests),
        baselineWeeks: String(rule.params.baselineWeeks),
        spikes: rule.params.spikes,
        newModels: rule.params.newModels,
        offHours: rule.params.offHours,
        leakedKeys: rule.params.leakedKeys,
      };
    case 'key_rotation_due':
      return { rotationDays: rule.params.days.join(', ') };
    case 'slo_burn_rate':
      return { sloFast: rule.params.fast, sloSlow: rule.params.slow };
    default:
      return {};
  }
}

/** What a rule's text field holds, which decides how its text parses. */
export type TextFieldKind =
  | 'money'
  | 'numberList'
  | 'tokens'
  | 'decimal'
  | 'whole';

/** The text fields of each kind; the gap tolerance is a kind of its own. */
const FIELDS_OF_KIND: Record<TextFieldKind, readonly string[]> = {
  money: ['thresholds', 'keySpend', 'accountSpend', 'projectSpend'],
  numberList: ['days', 'budgetPercents', 'rotationDays'],
  tokens: ['keyTokens', 'accountTokens', 'projectTokens'],
  decimal: ['minScore', 'minRatio'],
  whole: ['runwayDays', 'minRequests', 'baselineWeeks', 'gapDays'],
};

/** The kind of a rule's text field, by its name. */
export function fieldKind(name: string): TextFieldKind | undefined {
  return (Object.keys(FIELDS_OF_KIND) as TextFieldKind[]).find(kind =>
    FIELDS_OF_KIND[kind].includes(name),
  );
}

/** Names of the fields that do not parse; empty when the form is valid. */
export function invalidFields(fields: AlertRuleFields): string[] {
  return Object.entries(fields)
    .filter(([name, value]) => {
      if (typeof value !== 'string') return false;
      // A gap needs at least a day.
      if (name === 'gapDays') return !/^[1-9]\d*$/.test(value.trim());
      if (name === 'gapTolerance') return textToPercent(value) === undefined;
      switch (fieldKind(name)) {
        case 'money':
          return !textToMoney(value);
        case 'numberList':
          return !textToNumbers(value)?.length;
        case 'tokens':
          return textToTokens(value) === undefined;
        case 'whole':
          return !/^\d+$/.test(value.trim());
        case 'decimal':
          return !/^\d+(\.\d+)?$/.test(value.trim());
        default:
          return false;
      }
    })
    .map(([name]) => name);
}

/** A rule type's params read from the form: `text` is a field's text. */
type ParamsFromFields<T extends AlertType> = (
  text: (name: string) => string,
  fields: AlertRuleFields,
) => AlertRuleParamsByType[T];

/** How each rule type's params are read from the form's fields. */
const PARAMS_FROM_FIELDS: { [T in AlertType]: ParamsFromFields<T> } = {
  key_expiring: text => ({ days: textToNumbers(text('days')) ?? [] }),
  low_balance: text => ({ thresholds: textToMoney(text('thresholds')) ?? [] }),
  high_usage: text => ({
    keySpend: textToMoney(text('keySpend')) ?? [],
    keyTokens: textToTokens(text('keyTokens')) ?? null,
    accountSpend: textToMoney(text('accountSpend')) ?? [],
    accountTokens: textToTokens(text('accountTokens')) ?? null,
    projectSpend: textToMoney(text('projectSpend')) ?? [],
    projectTokens: textToTokens(text('projectTokens')) ?? null,
    budgetPercents: textToNumbers(text('budgetPercents')) ?? [],
  }),
  key_error: (_text, fields) => ({
    invalid: Boolean(fields.invalid),
    disabled: Boolean(fields.disabled),
    syncFailed: Boolean(fields.syncFailed),
  }),
  budget_runway: text => ({ days: Number(text('runwayDays')) }),
  rollup_failed: () => ({}),
  reconciliation_gap: text => ({
    days: Number(text('gapDays')),
    tolerancePercent: textToPercent(text('gapTolerance')) ?? null,
  }),
  anomaly: (text, fields) => ({
    minScore: Number(text('minScore')),
    minRatio: Number(text('minRatio')),
    minRequests: Number(text('minRequests')),
    baselineWeeks: Number(text('baselineWeeks')),
    spikes: Boolean(fields.spikes),
    newModels: Boolean(fields.newModels),
    offHours: Boolean(fields.offHours),
    leakedKeys: Boolean(fields.leakedKeys),
  }),
  key_rotation_due: text => ({
    days: textToNumbers(text('rotationDays')) ?? [],
  }),
  slo_burn_rate: (_text, fields) => ({
    fast: Boolean(fields.sloFast),
    slow: Boolean(fields.sloSlow),
  }),
};

/** The saving of a rule of type `T`: {@link AlertRuleInput} for that type. */
type RuleInputOf<T extends AlertType> = {
  [K in T]: Omit<AlertRuleInput, 'type' | 'params'> & {
    type: K;
    params: AlertRuleParamsByType[K];
  };
}[T];

/** The request body for saving the form; call only when it is valid. */
export function toRuleInput<T extends AlertType>(
  type: T,
  base: {
    scope: AlertRuleScope;
    scopeId: string | null;
    enabled: boolean;
    severity: AlertRule['severity'];
  },
  fields: AlertRuleFields,
): RuleInputOf<T> {
  const text = (name: string) => String(fields[name] ?? '');
  return {
    type,
    scope: base.scope,
    scopeId: base.scope === 'global' ? null : base.scopeId,
    enabled: base.enabled,
    severity: base.severity,
    params: PARAMS_FROM_FIELDS[type](text, fields),
  };
}
