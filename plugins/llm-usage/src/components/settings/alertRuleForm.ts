import type {
  AlertRule,
  AlertRuleInput,
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

/** Field names of each type whose text is a money list or a number list. */
export const MONEY_FIELDS = [
  'thresholds',
  'keySpend',
  'accountSpend',
  'projectSpend',
];
export const NUMBER_LIST_FIELDS = ['days', 'budgetPercents', 'rotationDays'];
/** Single numbers: decimals, and whole numbers. */
export const DECIMAL_FIELDS = ['minScore', 'minRatio'];
export const WHOLE_FIELDS = [
  'runwayDays',
  'minRequests',
  'baselineWeeks',
  'gapDays',
];
export const TOKEN_FIELDS = ['keyTokens', 'accountTokens', 'projectTokens'];

/** Names of the fields that do not parse; empty when the form is valid. */
export function invalidFields(fields: AlertRuleFields): string[] {
  return Object.entries(fields)
    .filter(([name, value]) => {
      if (typeof value !== 'string') return false;
      if (MONEY_FIELDS.includes(name)) return !textToMoney(value);
      if (NUMBER_LIST_FIELDS.includes(name)) {
        return !textToNumbers(value)?.length;
      }
      if (TOKEN_FIELDS.includes(name)) return textToTokens(value) === undefined;
      if (name === 'gapDays') return !/^[1-9]\d*$/.test(value.trim());
      if (WHOLE_FIELDS.includes(name)) return !/^\d+$/.test(value.trim());
      if (name === 'gapTolerance') return textToPercent(value) === undefined;
      if (DECIMAL_FIELDS.includes(name)) {
        return !/^\d+(\.\d+)?$/.test(value.trim());
      }
      return false;
    })
    .map(([name]) => name);
}

/** The request body for saving the form; call only when it is valid. */
export function toRuleInput(
  type: AlertType,
  base: {
    scope: AlertRuleScope;
    scopeId: string | null;
    enabled: boolean;
    severity: AlertRule['severity'];
  },
  fields: AlertRuleFields,
): AlertRuleInput {
  const text = (name: string) => String(fields[name] ?? '');
  const common = {
    scope: base.scope,
    scopeId: base.scope === 'global' ? null : base.scopeId,
    enabled: base.enabled,
    severity: base.severity,
  };
  switch (type) {
    case 'key_expiring':
      return {
        ...common,
        type,
        params: { days: textToNumbers(text('days')) ?? [] },
      };
    case 'low_balance':
      return {
        ...common,
        type,
        params: { thresholds: textToMoney(text('thresholds')) ?? [] },
      };
    case 'high_usage':
      return {
        ...common,
        type,
        params: {
          keySpend: textToMoney(text('keySpend')) ?? [],
          keyTokens: textToTokens(text('keyTokens')) ?? null,
          accountSpend: textToMoney(text('accountSpend')) ?? [],
          accountTokens: textToTokens(text('accountTokens')) ?? null,
          projectSpend: textToMoney(text('projectSpend')) ?? [],
          projectTokens: textToTokens(text('projectTokens')) ?? null,
          budgetPercents: textToNumbers(text('budgetPercents')) ?? [],
        },
      };
    case 'key_error':
      return {
        ...common,
        type,
        params: {
          invalid: Boolean(fields.invalid),
          disabled: Boolean(fields.disabled),
          syncFailed: Boolean(fields.syncFailed),
        },
      };
    case 'rollup_failed':
      return { ...common, type, params: {} };
    case 'reconciliation_gap':
      return {
        ...common,
        type,
        params: {
          days: Number(text('gapDays')),
          tolerancePercent: textToPercent(text('gapTolerance')) ?? null,
        },
      };
    case 'slo_burn_rate':
      return {
        ...common,
        type,
        params: {
          fast: Boolean(fields.sloFast),
          slow: Boolean(fields.sloSlow),
        },
      };
    case 'anomaly':
      return {
        ...common,
        type,
        params: {
          minScore: Number(text('minScore')),
          minRatio: Number(text('minRatio')),
          minRequests: Number(text('minRequests')),
          baselineWeeks: Number(text('baselineWeeks')),
          spikes: Boolean(fields.spikes),
          newModels: Boolean(fields.newModels),
          offHours: Boolean(fields.offHours),
          leakedKeys: Boolean(fields.leakedKeys),
        },
      };
    case 'key_rotation_due':
      return {
        ...common,
        type,
        params: { days: textToNumbers(text('rotationDays')) ?? [] },
      };
    default:
      return {
        ...common,
        type: 'budget_runway',
        params: { days: Number(text('runwayDays')) },
      };
  }
}
