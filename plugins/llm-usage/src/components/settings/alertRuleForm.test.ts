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
  it('edits the anomaly and rotation rules: decimals, whole numbers, switches and reminder days', () => {
    const anomaly: AlertRule = {
      ...highUsage,
      type: 'anomaly',
      params: {
        minScore: 5,
        minRatio: 2.5,
        minRequests: 20,
        baselineWeeks: 4,
        spikes: true,
        newModels: true,
        offHours: false,
        leakedKeys: true,
      },
    };
    const fields = fieldsOf(anomaly);
    expect(fields).toMatchObject({
      minScore: '5',
      minRatio: '2.5',
      offHours: false,
    });
    expect(
      invalidFields({ ...fields, minRatio: '2,5', baselineWeeks: '4.5' }),
    ).toEqual(['minRatio', 'baselineWeeks']);
    const base = {
      scope: 'key' as const,
      scopeId: 'k1',
      enabled: true,
      severity: 'info' as const,
    };
    expect(
      toRuleInput('anomaly', base, {
        ...fields,
        minScore: '7.5',
        spikes: false,
      }),
    ).toEqual({
      ...base,
      type: 'anomaly',
      params: { ...anomaly.params, minScore: 7.5, spikes: false },
    });
    const rotation: AlertRule = {
      ...highUsage,
      type: 'key_rotation_due',
      params: { days: [14, 3] },
    };
    expect(fieldsOf(rotation)).toEqual({ rotationDays: '14, 3' });
    expect(invalidFields({ rotationDays: '14, soon' })).toEqual([
      'rotationDays',
    ]);
    expect(
      toRuleInput('key_rotation_due', base, { rotationDays: '30, 7, 1' }),
    ).toEqual({
      ...base,
      type: 'key_rotation_due',
      params: { days: [30, 7, 1] },
    });
  });
});
