import type { AlertRule } from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  fieldsOf,
  invalidFields,
  textToMoney,
  textToNumbers,
  toRuleInput,
} from './alertRuleForm';

const highUsage: AlertRule = {
  id: null,
  type: 'high_usage',
  scope: 'global',
  scopeId: null,
  enabled: true,
  severity: 'warning',
  params: {
    keySpend: [{ currency: 'USD', amount: '100' }],
    keyTokens: null,
    accountSpend: [],
    accountTokens: 5000000,
    projectSpend: [],
    projectTokens: null,
    budgetPercents: [80, 100],
  },
  updatedAt: null,
  updatedBy: null,
};

describe('alert rule form', () => {
  it('parses money and number lists, and refuses what does not parse', () => {
    expect(textToMoney('usd 10, CNY 50.5')).toEqual([
      { currency: 'USD', amount: '10' },
      { currency: 'CNY', amount: '50.5' },
    ]);
    expect(textToMoney('')).toEqual([]);
    expect(textToMoney('10 USD')).toBeUndefined();
    expect(textToNumbers('7, 3,1')).toEqual([7, 3, 1]);
    expect(textToNumbers('7, three')).toBeUndefined();
  });

  it('round-trips a rule through its fields', () => {
    const fields = fieldsOf(highUsage);
    expect(fields).toMatchObject({
      keySpend: 'USD 100',
      keyTokens: '',
      accountTokens: '5000000',
      budgetPercents: '80, 100',
    });
    expect(invalidFields(fields)).toEqual([]);
    expect(
      toRuleInput(
        'high_usage',
        {
          scope: 'account',
          scopeId: 'acc-1',
          enabled: false,
          severity: 'error',
        },
        fields,
      ),
    ).toEqual({
      type: 'high_usage',
      scope: 'account',
      scopeId: 'acc-1',
      enabled: false,
      severity: 'error',
      params: highUsage.params,
    });
  });

  it('names the fields that do not parse', () => {
    expect(
      invalidFields({
        days: '7, soon',
        thresholds: 'lots',
        keyTokens: '1.5',
        runwayDays: '',
        invalid: true,
      }).sort(),
    ).toEqual(['days', 'keyTokens', 'runwayDays', 'thresholds']);
  });

  it('edits the reconciliation gap rule: days, and a tolerance or the configured one', () => {
    const rule: AlertRule = {
      id: null,
      type: 'reconciliation_gap',
      scope: 'account',
      scopeId: 'openai-main',
      enabled: true,
      severity: 'warning',
      params: { days: 3, tolerancePercent: null },
      updatedAt: null,
      updatedBy: null,
    };
    const fields = fieldsOf(rule);
    expect(fields).toEqual({ gapDays: '3', gapTolerance: '' });
    const base = {
      scope: rule.scope,
      scopeId: rule.scopeId,
      enabled: true,
      severity: rule.severity,
    };
    expect(toRuleInput('reconciliation_gap', base, fields).params).toEqual({
      days: 3,
      tolerancePercent: null,
    });
    expect(
      toRuleInput('reconciliation_gap', base, {
        gapDays: '5',
        gapTolerance: '2.5',
      }).params,
    ).toEqual({ days: 5, tolerancePercent: 2.5 });
    expect(
      invalidFields({ gapDays: '0', gapTolerance: 'five' }).sort(),
    ).toEqual(['gapDays', 'gapTolerance']);
  });
});
