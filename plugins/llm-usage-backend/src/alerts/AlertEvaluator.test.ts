import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { BudgetService } from '../budgets/BudgetService';
import { DatabaseBudgetStore } from '../budgets/DatabaseBudgetStore';
import { AlertDelivery } from '../notifications/AlertDelivery';
import { WebhookDispatcher } from '../notifications/WebhookDispatcher';
import { ProviderLedger } from '../quota/ProviderLedger';
import { QuotaService } from '../quota/QuotaService';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import { AlertEvaluator } from './AlertEvaluator';
import { DEFAULT_ALERT_RULES } from './AlertRuleStore';
import { DatabaseAlertRuleStore } from './DatabaseAlertRuleStore';
import { DatabaseAlertStore } from './DatabaseAlertStore';
import { DatabaseAccountStore } from '../accounts/DatabaseAccountStore';
import { KeyFacts, accountReader } from './facts';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 20, 12); // 20 November 2026, 12:00 UTC
const ALICE = 'user:default/alice';
const TEAM_A = 'group:default/team-a';
const ADMINS = 'group:default/platform';

async function addAccount(
  knex: Knex,
  id: string,
  overrides: Record<string, unknown> = {},
) {
  await knex('llm_usage_accounts').insert({
    id,
    provider: 'openai',
    name: `Account ${id}`,
    owner_ref: TEAM_A,
    source: 'config',
    settings: '{}',
    status: 'ok',
    created_at: START,
    updated_at: START,
    ...overrides,
  });
}

async function addKey(
  knex: Knex,
  id: string,
  overrides: Record<string, unknown> = {},
) {
  await knex('llm_usage_keys').insert({
    id,
    account_id: 'acc-1',
    provider: 'openai',
    provider_key_id: `pk-${id}`,
    name: `key ${id}`,
    status: 'active',
    owner_ref: ALICE,
    source: 'provider',
    created_at: START,
    updated_at: START,
    ...overrides,
  });
}

async function addBalance(knex: Knex, amountNanos: bigint, readAt: number) {
  await knex('llm_usage_balances').insert({
    account_id: 'acc-1',
    currency: 'USD',
    available_nanos: amountNanos.toString(),
    read_at: readAt,
  });
}

describe.each(databases.eachSupportedId())('AlertEvaluator on %p', id => {
  async function setup() {
    const knex = await databases.init(id);
    const { calls, queries } = await migratedStores(knex);
    let now = START;
    const send = jest.fn(async () => undefined);
    const alerts = new DatabaseAlertStore(knex);
    const rules = new DatabaseAlertRuleStore(knex);
    const ledger = new ProviderLedger(knex);
    const budgetStore = new DatabaseBudgetStore(knex);
    const projects = {
      async entityOf(projectId: string) {
        return projectId === 'alpha'
          ? {
              entityRef: 'component:default/alpha',
              title: 'Alpha',
              ownerRefs: [TEAM_A],
            }
          : undefined;
      },
      async projectIdsOwnedBy() {
        return ['alpha'];
      },
    };
    const audit = { record: async () => 'audit-id' };
    const quota = new QuotaService(
      queries,
      new BudgetService(budgetStore, ledger, audit),
      projects as any,
      ledger,
    );
    const logger = mockServices.logger.mock();
    const evaluator = new AlertEvaluator({
      alerts,
      rules,
      keys: new KeyFacts(knex),
      accounts: accountReader(new DatabaseAccountStore(knex), ledger),
      budgets: {
        standings: async at => quota.standings(await budgetStore.list(), at),
      },
      projectUsage: {
        async monthUsage(from, to) {
          const groups = await queries.aggregate({
            scope: { kind: 'all' },
            from,
            to,
            groupBy: ['project'],
          });
          return new Map(
            groups.map(group => [
              group.dimensions.project!,
              {
                tokens:
                  group.usage.counters.inputTokens +
                  group.usage.counters.outputTokens,
                costs: group.usage.costs,
              },
            ]),
          );
        },
      },
      projects,
      delivery: new AlertDelivery({
        alerts,
        webhooks: new WebhookDispatcher({
          targets: [],
          log: alerts,
          logger,
          appBaseUrl: 'http://backstage.test',
        }),
        logger,
        notifications: { send },
        fallbackRecipients: [ADMINS],
      }),
      logger,
      clock: () => now,
    });
    await addAccount(knex, 'acc-1');
    const openAlerts = async (type: string) =>
      (
        await alerts.list(
          { userRef: 'user:default/root', isAdmin: true, ownershipRefs: [] },
          { state: 'open', limit: 100, type: type as any },
        )
      ).items;
    const allAlerts = async (type: string) =>
      (
        await alerts.list(
          { userRef: 'user:default/root', isAdmin: true, ownershipRefs: [] },
          { state: 'all', limit: 100, type: type as any },
        )
      ).items;
    return {
      knex,
      calls,
      rules,
      budgetStore,
      evaluator,
      send,
      openAlerts,
      allAlerts,
      setNow: (value: number) => {
        now = value;
      },
    };
  }

  it('fires each key expiry threshold once, in turn, and resolves on renewal', async () => {
    const t = await setup();
    const expiresAt = START + 10 * DAY;
    await addKey(t.knex, 'k1', { expires_at: expiresAt });

    expect((await t.evaluator.evaluate()).opened).toEqual([]);

    t.setNow(expiresAt - 6.5 * DAY);
    const first = await t.evaluator.evaluate();
    expect(first.opened.map(a => [a.conditionKey, a.severity])).toEqual([
      [`key_expiring:k1:${expiresAt}:7`, 'info'],
    ]);
    expect(t.send).toHaveBeenCalledTimes(1);
    expect(t.send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: [ALICE] },
      payload: expect.objectContaining({
        title: 'LLM Usage: API key expiring',
        description: expect.stringContaining('Key "key k1" expires in 7 days'),
        severity: 'low',
        link: `/llm-usage/alerts?alert=${first.opened[0].id}`,
      }),
    });

    // The same crossing seen again: no new alert, no new notification.
    t.setNow(expiresAt - 6 * DAY);
    expect((await t.evaluator.evaluate()).opened).toEqual([]);
    expect(t.send).toHaveBeenCalledTimes(1);

    t.setNow(expiresAt - 2.5 * DAY);
    const second = await t.evaluator.evaluate();
    expect(
      second.opened.map(a => [a.params.thresholdDays, a.severity]),
    ).toEqual([[3, 'warning']]);
    expect(second.resolved.map(a => a.params.thresholdDays)).toEqual([7]);

    t.setNow(expiresAt - 0.5 * DAY);
    const third = await t.evaluator.evaluate();
    expect(third.opened.map(a => [a.params.thresholdDays, a.severity])).toEqual(
      [[1, 'error']],
    );
    expect(t.send).toHaveBeenCalledTimes(3);

    // Renewed: the old expiry's alert resolves and nothing new opens.
    await t
      .knex('llm_usage_keys')
      .where({ id: 'k1' })
      .update({ expires_at: expiresAt + 90 * DAY });
    const renewed = await t.evaluator.evaluate();
    expect(renewed.opened).toEqual([]);
    expect(renewed.resolved.map(a => a.params.thresholdDays)).toEqual([1]);
    expect(await t.openAlerts('key_expiring')).toEqual([]);
    expect(await t.allAlerts('key_expiring')).toHaveLength(3);
  });

  it('fires low balance once per crossing, resolves on top-up and fires again on the next drop', async () => {
    const t = await setup();
    await addBalance(t.knex, 5_000_000_000n, START - DAY);

    const first = await t.evaluator.evaluate();
    expect(first.opened).toHaveLength(1);
    expect(first.opened[0]).toMatchObject({
      type: 'low_balance',
      severity: 'warning',
      ownerRef: TEAM_A,
      params: { currency: 'USD', available: '5', threshold: '10' },
    });
    expect(t.send).toHaveBeenLastCalledWith(
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: [TEAM_A] },
      }),
    );
    expect((await t.evaluator.evaluate()).opened).toEqual([]);

    await addBalance(t.knex, 50_000_000_000n, START - 1000);
    const toppedUp = await t.evaluator.evaluate();
    expect(toppedUp.resolved).toHaveLength(1);
    expect(await t.openAlerts('low_balance')).toEqual([]);

    await addBalance(t.knex, 0n, START);
    const again = await t.evaluator.evaluate();
    expect(again.opened.map(a => a.severity)).toEqual(['error']);
    expect(await t.allAlerts('low_balance')).toHaveLength(2);
    expect(t.send).toHaveBeenCalledTimes(2);
  });

  it('fires high usage for keys and projects over this month and resolves with the new month', async () => {
    const t = await setup();
    await t.rules.save(
      {
        type: 'high_usage',
        scope: 'global',
        enabled: true,
        severity: 'warning',
        params: {
          ...DEFAULT_ALERT_RULES.high_usage.params,
          keySpend: [{ currency: 'USD', amount: '100' }],
          projectTokens: 1000,
        },
      },
      'user:default/root',
      START,
    );
    await addKey(t.knex, 'k1');
    await t.knex('llm_usage_provider_usage').insert({
      account_id: 'acc-1',
      day_start: Date.UTC(2026, 10, 19),
      provider_key_id: 'pk-k1',
      model: 'gpt-4o',
      currency: 'USD',
      input_tokens: 10,
      output_tokens: 10,
      cost_nanos: '150000000000',
      synced_at: START,
    });
    await t.calls.ingest([
      makeCall({
        id: 'big',
        projectId: 'alpha',
        occurredAt: START - DAY,
        inputTokens: 900,
        outputTokens: 300,
      }),
    ]);

    const first = await t.evaluator.evaluate();
    const byTarget = Object.fromEntries(
      first.opened.map(a => [a.target.type, a]),
    );
    expect(Object.keys(byTarget).sort()).toEqual(['key', 'project']);
    expect(byTarget.key.params).toMatchObject({
      metric: 'spend',
      value: '150',
      threshold: '100',
      currency: 'USD',
      month: '2026-11',
    });
    expect(byTarget.key.ownerRef).toBe(ALICE);
    expect(byTarget.project).toMatchObject({
      ownerRef: TEAM_A,
      target: { id: 'alpha', name: 'Alpha' },
      params: { metric: 'tokens', value: 1200, threshold: 1000 },
    });
    expect(t.send).toHaveBeenCalledTimes(2);
    expect((await t.evaluator.evaluate()).opened).toEqual([]);

    t.setNow(Date.UTC(2026, 11, 1, 1));
    const december = await t.evaluator.evaluate();
    expect(december.opened).toEqual([]);
    expect(december.resolved).toHaveLength(2);
  });

  it('fires budget percent and runway alerts to the budget owner and resolves them when the budget grows', async () => {
    const t = await setup();
    // 1 USD a day in project alpha for the last week: 7 USD of a 8 USD budget.
    await t.calls.ingest(
      Array.from({ length: 7 }, (_, i) =>
        makeCall({
          id: `day-${i}`,
          projectId: 'alpha',
          occurredAt: Date.UTC(2026, 10, 13 + i, 10),
          costNanos: 1_000_000_000n,
        }),
      ),
    );
    const budget = await t.budgetStore.create(
      {
        targetType: 'project',
        targetRef: 'alpha',
        name: 'Alpha monthly',
        amountNanos: 8_000_000_000n,
        currency: 'USD',
      },
      'user:default/root',
      START,
    );

    const first = await t.evaluator.evaluate();
    const byType = Object.fromEntries(first.opened.map(a => [a.type, a]));
    expect(Object.keys(byType).sort()).toEqual(['budget_runway', 'high_usage']);
    expect(byType.high_usage).toMatchObject({
      severity: 'warning',
      ownerRef: TEAM_A,
      params: { metric: 'budgetPercent', threshold: 80, value: 87 },
    });
    expect(byType.budget_runway).toMatchObject({
      ownerRef: TEAM_A,
      params: { thresholdDays: 7, currency: 'USD', remaining: '1' },
    });
    expect(Number(byType.budget_runway.params.daysLeft)).toBeLessThan(7);
    expect(t.send).toHaveBeenCalledTimes(2);
    expect((await t.evaluator.evaluate()).opened).toEqual([]);

    await t.budgetStore.update(budget.id, { amountNanos: 500_000_000_000n });
    const grown = await t.evaluator.evaluate();
    expect(grown.opened).toEqual([]);
    expect(grown.resolved.map(a => a.type).sort()).toEqual([
      'budget_runway',
      'high_usage',
    ]);
  });

  it('fires key errors for invalid keys, keys disabled at the provider and failed syncs, not for keys disabled here', async () => {
    const t = await setup();
    await addKey(t.knex, 'bad', { status: 'error', last_error: 'invalid key' });
    await addKey(t.knex, 'off', { status: 'disabled', owner_ref: null });
    await addKey(t.knex, 'mine', { status: 'disabled' });
    await t.knex('llm_usage_audit_events').insert({
      id: 'ev-1',
      occurred_at: START - DAY,
      actor_ref: ALICE,
      action: 'key.disable',
      target_type: 'key',
      target_id: 'mine',
    });
    await addAccount(t.knex, 'acc-2', {
      owner_ref: null,
      status: 'error',
      last_error: 'HTTP 401',
    });

    const first = await t.evaluator.evaluate();
    const found = first.opened
      .map(a => [a.target.id, a.params.reason, a.severity, a.ownerRef])
      .sort();
    expect(found).toEqual([
      ['acc-2', 'sync_failed', 'error', null],
      ['bad', 'error', 'error', ALICE],
      // No owner of its own: the account's owner hears about it.
      ['off', 'disabled', 'warning', TEAM_A],
    ]);
    // The account without an owner goes to the admins.
    expect(t.send).toHaveBeenCalledWith(
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: [ADMINS] },
      }),
    );
    expect((await t.evaluator.evaluate()).opened).toEqual([]);

    await t
      .knex('llm_usage_keys')
      .where({ id: 'bad' })
      .update({ status: 'active', last_error: null });
    await t
      .knex('llm_usage_accounts')
      .where({ id: 'acc-2' })
      .update({ status: 'ok', last_error: null });
    const healed = await t.evaluator.evaluate();
    expect(healed.resolved.map(a => a.target.id).sort()).toEqual([
      'acc-2',
      'bad',
    ]);
    expect((await t.openAlerts('key_error')).map(a => a.target.id)).toEqual([
      'off',
    ]);
  });

  it('applies an account rule over the global one and skips disabled rules', async () => {
    const t = await setup();
    await addBalance(t.knex, 5_000_000_000n, START);
    await t.rules.save(
      {
        type: 'low_balance',
        scope: 'account',
        scopeId: 'acc-1',
        enabled: true,
        severity: 'error',
        params: { thresholds: [{ currency: 'USD', amount: '1' }] },
      },
      'user:default/root',
      START,
    );
    expect((await t.evaluator.evaluate()).opened).toEqual([]);

    await t.rules.save(
      {
        type: 'low_balance',
        scope: 'account',
        scopeId: 'acc-1',
        enabled: true,
        severity: 'error',
        params: { thresholds: [{ currency: 'USD', amount: '20' }] },
      },
      'user:default/root',
      START,
    );
    const opened = (await t.evaluator.evaluate()).opened;
    expect(opened.map(a => [a.severity, a.params.threshold])).toEqual([
      ['error', '20'],
    ]);

    await t.rules.save(
      {
        type: 'low_balance',
        scope: 'account',
        scopeId: 'acc-1',
        enabled: false,
        severity: 'error',
        params: { thresholds: [{ currency: 'USD', amount: '20' }] },
      },
      'user:default/root',
      START,
    );
    expect((await t.evaluator.evaluate()).resolved).toHaveLength(1);
  });

  it('opens an alert once when two backend instances evaluate at the same time', async () => {
    const t = await setup();
    const other = await setup();
    // Same database, a second evaluator as another instance would run it.
    const second = new AlertEvaluator({
      ...(t.evaluator as any).options,
      delivery: (other.evaluator as any).options.delivery,
    });
    await addBalance(t.knex, 1n, START);
    const [a, b] = await Promise.all([
      t.evaluator.evaluate(),
      second.evaluate(),
    ]);
    expect(a.opened.length + b.opened.length).toBe(1);
    expect(t.send.mock.calls.length + other.send.mock.calls.length).toBe(1);
    expect(await t.allAlerts('low_balance')).toHaveLength(1);
  });

  it('opens an alert once when evaluations overlap', async () => {
    const t = await setup();
    await addBalance(t.knex, 1n, START);
    const results = await Promise.all([
      t.evaluator.evaluate(),
      t.evaluator.evaluate(),
      t.evaluator.evaluate(),
    ]);
    expect(results.flatMap(r => r.opened)).toHaveLength(1);
    expect(await t.allAlerts('low_balance')).toHaveLength(1);
    expect(t.send).toHaveBeenCalledTimes(1);
  });
});
