import type { AlertRule } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { ReconciliationDay } from '../../reconciliation/Reconciliation';
import { AlertRuleSet } from '../AlertRuleStore';
import type { AccountFact } from '../facts';
import { type ConditionContext, DAY_MS } from './context';
import {
  reconciliationGapConditions,
  reconciliationWindow,
} from './reconciliationGap';

const TODAY = Date.UTC(2026, 11, 4);
const NOW = TODAY + 15 * 3_600_000;
const day = (back: number) => TODAY - back * DAY_MS;
const nanos = (amount: number) =>
  BigInt(Math.round(amount * 100)) * 10_000_000n;

const ACCOUNTS = new Map<string, AccountFact>([
  [
    'acc-a',
    {
      id: 'acc-a',
      name: 'OpenAI prod',
      ownerRef: 'group:default/Platform',
      syncFailing: false,
    },
  ],
  ['acc-b', { id: 'acc-b', name: 'Ark', ownerRef: null, syncFailing: false }],
]);

function rule(
  scope: 'global' | 'account',
  scopeId: string | null,
  params: { days: number; tolerancePercent: number | null },
  enabled = true,
): AlertRule {
  return {
    id: `r-${scope}-${scopeId}`,
    type: 'reconciliation_gap',
    scope,
    scopeId,
    enabled,
    severity: 'warning',
    params,
    updatedAt: null,
    updatedBy: null,
  };
}

function context(rules: AlertRule[] = []): ConditionContext {
  return { now: NOW, rules: new AlertRuleSet(rules), accounts: ACCOUNTS };
}

function entry(
  accountId: string,
  back: number,
  provider: number,
  recorded: number,
  currency = 'USD',
): ReconciliationDay {
  return {
    accountId,
    day: day(back),
    currency,
    provider: nanos(provider),
    recorded: nanos(recorded),
  };
}

describe('reconciliation gap alerts', () => {
  it('looks back as far as the longest enabled rule, up to yesterday', () => {
    const window = reconciliationWindow(
      context([
        rule('account', 'acc-b', { days: 5, tolerancePercent: null }),
        rule('account', 'acc-a', { days: 9, tolerancePercent: null }, false),
      ]),
    );
    expect(window).toEqual({
      accountIds: ['acc-b'],
      fromDay: day(5),
      toDay: day(1),
    });
    // The default rule: on, 3 days.
    expect(reconciliationWindow(context())).toEqual({
      accountIds: ['acc-a', 'acc-b'],
      fromDay: day(3),
      toDay: day(1),
    });
  });

  it('opens when each of the last N complete days is beyond the tolerance', () => {
    const amounts = [
      // acc-a: 3 days in a row 10 % over (6 %, 10 %, 20 % of the provider cost).
      entry('acc-a', 3, 100, 94),
      entry('acc-a', 2, 50, 45),
      entry('acc-a', 1, 10, 8),
      // Today's partial day is not looked at.
      entry('acc-a', 0, 10, 10),
      // acc-b: 2 of 3 days only.
      entry('acc-b', 3, 100, 100),
      entry('acc-b', 2, 100, 50),
      entry('acc-b', 1, 100, 50),
    ];
    const conditions = reconciliationGapConditions(amounts, 5, context());
    expect(conditions).toEqual([
      {
        type: 'reconciliation_gap',
        severity: 'warning',
        conditionKey: 'reconciliation_gap:acc-a:USD',
        target: { type: 'account', id: 'acc-a', name: 'OpenAI prod' },
        accountId: 'acc-a',
        ownerRef: 'group:default/platform',
        params: {
          currency: 'USD',
          days: 3,
          from: '2026-12-01',
          to: '2026-12-03',
          // 160 reported, 147 recorded: 13 = 8.125 % of 160.
          providerCost: '160',
          recordedCost: '147',
          difference: '13',
          differencePercent: 8.12,
          tolerancePercent: 5,
        },
      },
    ]);
  });

  it('needs every day: a missing day or one inside the tolerance breaks the run', () => {
    const missing = [entry('acc-a', 3, 100, 80), entry('acc-a', 1, 100, 80)];
    expect(reconciliationGapConditions(missing, 5, context())).toEqual([]);
    const inside = [
      entry('acc-a', 3, 100, 80),
      entry('acc-a', 2, 100, 95),
      entry('acc-a', 1, 100, 80),
    ];
    expect(reconciliationGapConditions(inside, 5, context())).toEqual([]);
  });

  it('takes the account rule: its own days, tolerance and on/off', () => {
    const amounts = [
      entry('acc-a', 2, 100, 85),
      entry('acc-a', 1, 0, 3),
      entry('acc-b', 1, 100, 85, 'CNY'),
      entry('acc-b', 2, 100, 85, 'CNY'),
      entry('acc-b', 3, 100, 85, 'CNY'),
    ];
    const conditions = reconciliationGapConditions(
      amounts,
      5,
      context([
        rule('account', 'acc-a', { days: 2, tolerancePercent: 10 }),
        rule('account', 'acc-b', { days: 3, tolerancePercent: 20 }),
      ]),
    );
    expect(
      conditions.map(c => [
        c.conditionKey,
        c.params.difference,
        c.params.differencePercent,
      ]),
    ).toEqual([
      // 15 % and "nothing reported" are both beyond 10 %; 100 vs 88.
      ['reconciliation_gap:acc-a:USD', '12', 12],
    ]);
    const off = reconciliationGapConditions(
      amounts,
      5,
      context([
        rule('global', null, { days: 1, tolerancePercent: null }, false),
      ]),
    );
    expect(off).toEqual([]);
  });
});
