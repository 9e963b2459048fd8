import type { Knex } from 'knex';
import { createTestDatabases, makeCall } from '../__testUtils__/databases';
import { DatabaseCallStore } from '../database/DatabaseCallStore';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { CallRollup } from '../rollup/CallRollup';
import { DatabaseRollupStore } from '../rollup/DatabaseRollupStore';
import { Reconciliation, beyondTolerance } from './Reconciliation';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const D1 = Date.UTC(2026, 10, 10);
const D2 = Date.UTC(2026, 10, 11);
const HOUR = 3_600_000;
/** Decimal amount to nano-units, for readable fixtures. */
const nanos = (amount: string) =>
  BigInt(Math.round(Number(amount) * 1e6)) * 1000n;

/*
 * Fixtures, with the figures computed by hand below.
 *
 * Account acc-a (USD): keys k1 (provider id pk-1) and k2 (pk-2).
 *   D1 provider: pk-1 4.00 (model m1) + 1.00 (m2), pk-2 2.00, pk-3 (not in
 *      the inventory) 0.50, not split by key 0.25         → 7.75
 *      calls:   pk-1 2.00 + k1 2.90 (the same key), k2 2.00 → 6.90
 *   D2 provider: pk-1 3.00, pk-2 1.00                      → 4.00
 *      calls:   k1 3.00, k2 1.10                           → 4.10
 * Account acc-b (CNY): key kb registered by hand (no provider id).
 *   D1 provider: not split by key 10.00; calls kb 10.40
 *   D2 provider: nothing;                calls kb 1.00
 * A call with an unknown key (9.99) belongs to no account.
 */
async function seed(knex: Knex) {
  const stamp = { created_at: 1, updated_at: 1 };
  await knex('llm_usage_accounts').insert([
    {
      id: 'acc-a',
      provider: 'openai',
      name: 'OpenAI prod',
      source: 'api',
      ...stamp,
    },
    {
      id: 'acc-b',
      provider: 'volcengine',
      name: 'Ark',
      source: 'api',
      ...stamp,
    },
  ]);
  const key = (
    id: string,
    accountId: string,
    providerKeyId: string | null,
    provider: string,
  ) => ({
    id,
    account_id: accountId,
    provider,
    provider_key_id: providerKeyId,
    name: `${id} name`,
    status: 'active',
    source: providerKeyId ? 'provider' : 'manual',
    ...stamp,
  });
  await knex('llm_usage_keys').insert([
    key('k1', 'acc-a', 'pk-1', 'openai'),
    key('k2', 'acc-a', 'pk-2', 'openai'),
    key('kb', 'acc-b', null, 'volcengine'),
  ]);
  const usage = (
    accountId: string,
    day: number,
    providerKeyId: string,
    model: string,
    currency: string,
    amount: string,
  ) => ({
    account_id: accountId,
    day_start: day,
    provider_key_id: providerKeyId,
    model,
    provider_project_id: '',
    currency,
    cost_nanos: nanos(amount).toString(),
    synced_at: 1,
  });
  await knex('llm_usage_provider_usage').insert([
    usage('acc-a', D1, 'pk-1', 'm1', 'USD', '4.00'),
    usage('acc-a', D1, 'pk-1', 'm2', 'USD', '1.00'),
    usage('acc-a', D1, 'pk-2', 'm1', 'USD', '2.00'),
    usage('acc-a', D1, 'pk-3', 'm1', 'USD', '0.50'),
    usage('acc-a', D1, '', '', 'USD', '0.25'),
    usage('acc-a', D2, 'pk-1', 'm1', 'USD', '3.00'),
    usage('acc-a', D2, 'pk-2', 'm1', 'USD', '1.00'),
    usage('acc-b', D1, '', 'doubao', 'CNY', '10.00'),
  ]);
  let n = 0;
  const call = (
    apiKeyId: string,
    day: number,
    amount: string,
    currency = 'USD',
  ) =>
    makeCall({
      id: `c${++n}`,
      apiKeyId,
      occurredAt: day + (n % 20) * HOUR,
      costNanos: nanos(amount),
      currency,
    });
  await new DatabaseCallStore(knex).ingest([
    call('pk-1', D1, '2.00'),
    call('k1', D1, '2.90'),
    call('k2', D1, '2.00'),
    call('k1', D2, '3.00'),
    call('k2', D2, '1.10'),
    call('kb', D1, '10.40', 'CNY'),
    call('kb', D2, '1.00', 'CNY'),
    call('stranger', D1, '9.99'),
  ]);
  await new CallRollup(new DatabaseRollupStore(knex)).run(D2 + 3 * 86_400_000);
}

describe('beyondTolerance', () => {
  it('flags a difference strictly above the percentage of the provider cost', () => {
    const at = (provider: string, recorded: string, tolerance: number) =>
      beyondTolerance(
        { provider: nanos(provider), recorded: nanos(recorded) },
        tolerance,
      );
    expect(at('100', '95', 5)).toBe(false);
    expect(at('100', '94.99', 5)).toBe(true);
    expect(at('100', '105', 5)).toBe(false);
    expect(at('100', '105.01', 5)).toBe(true);
    expect(at('100', '102.5', 2.5)).toBe(false);
    expect(at('100', '102.51', 2.5)).toBe(true);
    // Nothing reported against something recorded is beyond any tolerance.
    expect(at('0', '0.01', 1000)).toBe(true);
    expect(at('0', '0', 0)).toBe(false);
  });
});

describe.each(databases.eachSupportedId())('Reconciliation on %p', id => {
  let knex: Knex;
  beforeAll(async () => {
    knex = await databases.init(id);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    await seed(knex);
  });

  it('compares per account and day, with totals per account', async () => {
    const report = await new Reconciliation(knex).report({
      fromDay: D1,
      toDay: D2,
    });
    expect(report.tolerancePercent).toBe(5);
    expect(report.items).toEqual([
      {
        accountId: 'acc-a',
        date: '2026-11-11',
        currency: 'USD',
        providerCost: '4',
        recordedCost: '4.1',
        difference: '-0.1',
        differencePercent: -2.5,
        overTolerance: false,
      },
      {
        accountId: 'acc-a',
        date: '2026-11-10',
        currency: 'USD',
        providerCost: '7.75',
        recordedCost: '6.9',
        difference: '0.85',
        // 0.85 / 7.75 = 10.967…%, two decimals kept without rounding up.
        differencePercent: 10.96,
        overTolerance: true,
      },
      {
        accountId: 'acc-b',
        date: '2026-11-11',
        currency: 'CNY',
        providerCost: '0',
        recordedCost: '1',
        difference: '-1',
        differencePercent: null,
        overTolerance: true,
      },
      {
        accountId: 'acc-b',
        date: '2026-11-10',
        currency: 'CNY',
        providerCost: '10',
        recordedCost: '10.4',
        difference: '-0.4',
        differencePercent: -4,
        overTolerance: false,
      },
    ]);
    expect(report.totals).toEqual([
      {
        accountId: 'acc-b',
        accountName: 'Ark',
        provider: 'volcengine',
        providerCost: { currency: 'CNY', amount: '10' },
        recordedCost: { currency: 'CNY', amount: '11.4' },
        difference: { currency: 'CNY', amount: '-1.4' },
        differencePercent: -14,
        overTolerance: true,
        daysOverTolerance: 1,
      },
      {
        accountId: 'acc-a',
        accountName: 'OpenAI prod',
        provider: 'openai',
        providerCost: { currency: 'USD', amount: '11.75' },
        recordedCost: { currency: 'USD', amount: '11' },
        difference: { currency: 'USD', amount: '0.75' },
        // 0.75 / 11.75 = 6.382…%
        differencePercent: 6.38,
        overTolerance: true,
        daysOverTolerance: 1,
      },
    ]);
  });

  it('flags against the configured tolerance and keeps to the accounts asked for', async () => {
    const report = await new Reconciliation(knex, {
      tolerancePercent: 12,
    }).report({ accountIds: ['acc-a'], fromDay: D1, toDay: D1 });
    expect(report.tolerancePercent).toBe(12);
    expect(report.items.map(i => [i.date, i.overTolerance])).toEqual([
      ['2026-11-10', false],
    ]);
    expect(report.totals.map(t => t.accountId)).toEqual(['acc-a']);
    const none = await new Reconciliation(knex).report({
      accountIds: [],
      fromDay: D1,
      toDay: D2,
    });
    expect(none).toEqual({ tolerancePercent: 5, items: [], totals: [] });
  });

  it('breaks a day down by key, the biggest gap first', async () => {
    const day = await new Reconciliation(knex).keys({
      accountId: 'acc-a',
      day: D1,
    });
    expect(day).toEqual({
      accountId: 'acc-a',
      date: '2026-11-10',
      tolerancePercent: 5,
      items: [
        {
          keyId: null,
          keyName: null,
          providerKeyId: 'pk-3',
          currency: 'USD',
          providerCost: '0.5',
          recordedCost: '0',
          difference: '0.5',
          differencePercent: 100,
          overTolerance: true,
        },
        {
          keyId: null,
          keyName: null,
          providerKeyId: null,
          currency: 'USD',
          providerCost: '0.25',
          recordedCost: '0',
          difference: '0.25',
          differencePercent: 100,
          overTolerance: true,
        },
        {
          keyId: 'k1',
          keyName: 'k1 name',
          providerKeyId: 'pk-1',
          currency: 'USD',
          providerCost: '5',
          recordedCost: '4.9',
          difference: '0.1',
          differencePercent: 2,
          overTolerance: false,
        },
        {
          keyId: 'k2',
          keyName: 'k2 name',
          providerKeyId: 'pk-2',
          currency: 'USD',
          providerCost: '2',
          recordedCost: '2',
          difference: '0',
          differencePercent: 0,
          overTolerance: false,
        },
      ],
    });
    // The keys of a day add up to that day of the account.
    const report = await new Reconciliation(knex).report({
      accountIds: ['acc-a'],
      fromDay: D1,
      toDay: D1,
    });
    const sum = day.items.reduce(
      (total, item) => total + nanos(item.difference),
      0n,
    );
    expect(sum).toBe(nanos(report.items[0].difference));
  });

  it('reads per account and day in nano-units for the alert', async () => {
    const days = await new Reconciliation(knex).dayAmounts({
      accountIds: ['acc-b'],
      fromDay: D1,
      toDay: D2,
    });
    expect(
      days
        .sort((a, b) => a.day - b.day)
        .map(d => [d.day, d.provider, d.recorded]),
    ).toEqual([
      [D1, 10_000_000_000n, 10_400_000_000n],
      [D2, 0n, 1_000_000_000n],
    ]);
  });
});
