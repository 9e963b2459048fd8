import { mockCredentials } from '@backstage/backend-test-utils';
import type {
  CallInput,
  QuotaResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ADMIN,
  ALICE,
  BOB,
  startLlmUsageBackend,
} from '../__testUtils__/pluginHarness';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const DAY = 86_400_000;

const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY) * DAY;
const MONTH_START = Date.UTC(
  new Date(NOW).getUTCFullYear(),
  new Date(NOW).getUTCMonth(),
  1,
);

function call(overrides: Partial<CallInput>): CallInput {
  return {
    id: `c-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date(NOW - 60_000).toISOString(),
    userRef: ALICE,
    projectId: 'alpha',
    provider: 'openai',
    model: 'gpt-4o',
    status: 'success',
    cost: '1',
    currency: 'USD',
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())('budgets and quota on %p', id => {
  async function start() {
    const knex = await databases.init(id);
    const { server } = await startLlmUsageBackend(knex, {
      config: { llmUsage: { digests: { enabled: false } } },
    });
    const as = (ref: string) => mockCredentials.user.header(ref);
    const api = {
      get: (path: string, user: string) =>
        request(server)
          .get(`/api/llm-usage${path}`)
          .set('Authorization', as(user)),
      post: (path: string, user: string, body: object) =>
        request(server)
          .post(`/api/llm-usage${path}`)
          .set('Authorization', as(user))
          .send(body),
      patch: (path: string, user: string, body: object) =>
        request(server)
          .patch(`/api/llm-usage${path}`)
          .set('Authorization', as(user))
          .send(body),
      put: (path: string, user: string, body: object) =>
        request(server)
          .put(`/api/llm-usage${path}`)
          .set('Authorization', as(user))
          .send(body),
      delete: (path: string, user: string) =>
        request(server)
          .delete(`/api/llm-usage${path}`)
          .set('Authorization', as(user)),
      ingest: (calls: CallInput[]) =>
        request(server)
          .post('/api/llm-usage/calls')
          .set('Authorization', mockCredentials.service.header())
          .send(calls),
    };
    return { knex, api };
  }

  async function addAccount(
    knex: Awaited<ReturnType<typeof start>>['knex'],
    account: { id: string; provider: string; owner: string; status?: string },
  ) {
    await knex('llm_usage_accounts').insert({
      id: account.id,
      provider: account.provider,
      name: `${account.provider} main`,
      owner_ref: account.owner,
      source: 'api',
      settings: '{}',
      status: account.status ?? 'ok',
      last_sync_at: NOW - 3_600_000,
      last_error: account.status === 'error' ? 'unreachable' : null,
      created_at: NOW,
      updated_at: NOW,
    });
  }

  describe('budgets CRUD', () => {
    it('lets an owner manage their group budget, hides it from others and audits every change', async () => {
      const { api } = await start();
      const created = await api.post('/budgets', ALICE, {
        targetType: 'group',
        targetRef: 'group:default/Team-A',
        name: 'Team A',
        amount: '100.50',
        currency: 'usd',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        targetType: 'group',
        targetRef: 'group:default/team-a',
        amount: { currency: 'USD', amount: '100.5' },
        createdBy: ALICE,
        canManage: true,
      });
      const budgetId = created.body.id;

      expect((await api.get('/budgets', ALICE)).body.items).toHaveLength(1);
      expect((await api.get('/budgets', BOB)).body.items).toEqual([]);
      expect((await api.get(`/budgets/${budgetId}`, BOB)).status).toBe(404);
      const adminView = await api.get('/budgets', ADMIN);
      expect(adminView.body.items).toHaveLength(1);

      const updated = await api.patch(`/budgets/${budgetId}`, ALICE, {
        amount: '200',
      });
      expect(updated.status).toBe(200);
      expect(updated.body.amount).toEqual({ currency: 'USD', amount: '200' });
      expect(
        (await api.patch(`/budgets/${budgetId}`, BOB, { amount: '1' })).status,
      ).toBe(404);

      expect((await api.delete(`/budgets/${budgetId}`, ALICE)).status).toBe(
        204,
      );
      expect((await api.delete(`/budgets/${budgetId}`, ALICE)).status).toBe(
        404,
      );

      const audit = await api.get('/audit-events?targetType=budget', ADMIN);
      expect(audit.body.items.map((e: any) => e.action)).toEqual([
        'budget.delete',
        'budget.update',
        'budget.create',
      ]);
      const [deleted, update] = audit.body.items;
      expect(deleted).toMatchObject({
        actorRef: ALICE,
        targetId: budgetId,
        after: null,
      });
      expect(update.before.amount.amount).toBe('100.5');
      expect(update.after.amount.amount).toBe('200');
      expect(update.after).not.toHaveProperty('canManage');
    });

    it('refuses budgets on targets the caller does not own', async () => {
      const { api } = await start();
      const res = await api.post('/budgets', BOB, {
        targetType: 'project',
        targetRef: 'alpha',
        amount: '5',
        currency: 'USD',
      });
      expect(res.status).toBe(403);
      const admin = await api.post('/budgets', ADMIN, {
        targetType: 'project',
        targetRef: 'alpha',
        amount: '5',
        currency: 'USD',
      });
      expect(admin.status).toBe(201);
      // Alice's team owns alpha: she sees and may manage the admin's budget.
      const [budget] = (await api.get('/budgets', ALICE)).body.items;
      expect(budget).toMatchObject({ targetRef: 'alpha', canManage: true });
      const again = await api.post('/budgets', ALICE, {
        targetType: 'project',
        targetRef: 'alpha',
        amount: '7',
        currency: 'USD',
      });
      expect(again.status).toBe(409);
    });

    it.each([
      [
        { targetType: 'team', targetRef: 'x', amount: '1', currency: 'USD' },
        /targetType/,
      ],
      [
        {
          targetType: 'group',
          targetRef: 'user:default/alice',
          amount: '1',
          currency: 'USD',
        },
        /targetRef/,
      ],
      [
        { targetType: 'user', targetRef: ALICE, amount: '-3', currency: 'USD' },
        /amount/,
      ],
      [
        {
          targetType: 'user',
          targetRef: ALICE,
          amount: '1e3',
          currency: 'USD',
        },
        /amount/,
      ],
      [
        {
          targetType: 'user',
          targetRef: ALICE,
          amount: '10',
          currency: 'dollars',
        },
        /currency/,
      ],
      [
        {
          targetType: 'user',
          targetRef: ALICE,
          amount: '10',
          currency: 'USD',
          colour: 1,
        },
        /body|colour/,
      ],
    ])('rejects %j with a 400 naming the field', async (body, field) => {
      const { api } = await start();
      const res = await api.post('/budgets', ALICE, body);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(field);
    });

    it('adds demo budgets once when demo data is on', async () => {
      const knex = await databases.init(id);
      const demo = {
        llmUsage: { demoData: { enabled: true, days: 1, callsPerDay: 5 } },
      };
      const first = await startLlmUsageBackend(knex, { config: demo });
      const list = () =>
        request(first.server)
          .get('/api/llm-usage/budgets')
          .set('Authorization', mockCredentials.user.header(ADMIN));
      const names = (await list()).body.items.map((b: any) => b.name).sort();
      expect(names).toEqual([
        'Growth team (Doubao)',
        'ML team',
        'Platform team',
        'Support bot',
      ]);
      await first.stop();
      // A restart finds budgets and adds none.
      await startLlmUsageBackend(knex, { config: demo });
      const [{ n }] = await knex('llm_usage_budgets').count({ n: '*' });
      expect(Number(n)).toBe(4);
    });

    it('404s an account budget for an unknown account', async () => {
      const { api } = await start();
      const res = await api.post('/budgets', ADMIN, {
        targetType: 'account',
        targetRef: 'nope',
        amount: '10',
        currency: 'USD',
      });
      expect(res.status).toBe(404);
    });

    it("404s an account budget for another team's account, as for an unknown one", async () => {
      const { api, knex } = await start();
      await addAccount(knex, {
        id: 'acct-elsewhere',
        provider: 'openai',
        owner: 'group:default/team-b',
      });
      const body = {
        targetType: 'account',
        targetRef: 'acct-elsewhere',
        amount: '10',
        currency: 'USD',
      };
      const res = await api.post('/budgets', ALICE, body);
      expect(res.status).toBe(404);
      expect(res.body.error.message).not.toMatch(/owner|group:/);
      expect((await api.post('/budgets', BOB, body)).status).toBe(201);

      // Each lists the budgets of the accounts their teams own, no other.
      await addAccount(knex, {
        id: 'acct-team-a',
        provider: 'anthropic',
        owner: 'group:default/team-a',
      });
      const own = { ...body, targetRef: 'acct-team-a' };
      expect((await api.post('/budgets', ALICE, own)).status).toBe(201);
      const accountsListed = async (user: string) => {
        const [listed, quota] = await Promise.all([
          api.get('/budgets', user),
          api.get('/usage/quota', user),
        ]);
        return {
          budgets: listed.body.items.map((b: any) => b.targetRef),
          quota: quota.body.budgets.map((b: any) => b.budget.targetRef),
        };
      };
      expect(await accountsListed(ALICE)).toEqual({
        budgets: ['acct-team-a'],
        quota: ['acct-team-a'],
      });
      expect(await accountsListed(BOB)).toEqual({
        budgets: ['acct-elsewhere'],
        quota: ['acct-elsewhere'],
      });
    });
  });

  describe('GET /usage/quota', () => {
    it('reports used, remaining and runway per budget, one currency only', async () => {
      const { api } = await start();
      // Alice's project: 2 USD a day for the last 7 whole days, plus 3 USD
      // and 50 CNY today; bob's project spends too but is not in the budget.
      const calls: CallInput[] = [];
      for (let d = 1; d <= 7; d++) {
        calls.push(
          call({
            timestamp: new Date(TODAY - d * DAY + 3_600_000).toISOString(),
            cost: '2',
          }),
        );
      }
      calls.push(call({ cost: '3' }));
      calls.push(call({ cost: '50', currency: 'CNY' }));
      calls.push(call({ projectId: 'beta', userRef: BOB, cost: '40' }));
      expect((await api.ingest(calls)).status).toBe(200);

      await api.post('/budgets', ALICE, {
        targetType: 'project',
        targetRef: 'alpha',
        amount: '100',
        currency: 'USD',
      });

      const res = await api.get('/usage/quota', ALICE);
      expect(res.status).toBe(200);
      const quota: QuotaResponse = res.body;
      expect(quota.budgets).toHaveLength(1);
      const [alpha] = quota.budgets;
      const daysThisMonth = [1, 2, 3, 4, 5, 6, 7].filter(
        d => TODAY - d * DAY >= MONTH_START,
      ).length;
      const used = 3 + 2 * daysThisMonth;
      expect(alpha.used).toEqual({ currency: 'USD', amount: String(used) });
      expect(alpha.remaining).toEqual({
        currency: 'USD',
        amount: String(100 - used),
      });
      expect(alpha.progress).toBeCloseTo(used / 100, 4);
      expect(alpha.period.from).toBe(new Date(MONTH_START).toISOString());
      // A steady 2 a day: no spread.
      // Whole days, rounded down.
      const daysLeft = Math.floor((100 - used) / 2);
      expect(alpha.runway).toMatchObject({
        dailyBurn: { currency: 'USD', amount: '2' },
        daysLeft,
        daysLeftLow: daysLeft,
        daysLeftHigh: daysLeft,
        beyondCap: false,
        burnSource: 'calls',
        windowDays: 7,
      });

      // Bob neither sees alice's budget nor may ask for her team.
      expect((await api.get('/usage/quota', BOB)).body.budgets).toEqual([]);
      const denied = await api.get(
        '/usage/quota?entityRef=group:default/team-a',
        BOB,
      );
      expect(denied.status).toBe(403);
      const forComponent = await api.get(
        '/usage/quota?entityRef=component:default/alpha-service',
        ALICE,
      );
      expect(forComponent.body.budgets).toHaveLength(1);
      expect(forComponent.body.entityRef).toBe(
        'component:default/alpha-service',
      );
    });

    it('counts a user budget on their own calls and a group budget on its projects', async () => {
      const { api } = await start();
      await api.ingest([
        call({ userRef: ALICE, projectId: 'beta', cost: '4' }),
        call({ userRef: BOB, projectId: 'alpha', cost: '6' }),
      ]);
      await api.post('/budgets', ALICE, {
        targetType: 'user',
        targetRef: ALICE,
        amount: '10',
        currency: 'USD',
      });
      await api.post('/budgets', ALICE, {
        targetType: 'group',
        targetRef: 'group:default/team-a',
        amount: '10',
        currency: 'USD',
      });
      const { budgets } = (await api.get('/usage/quota', ALICE))
        .body as QuotaResponse;
      const used = Object.fromEntries(
        budgets.map(b => [b.budget.targetType, b.used.amount]),
      );
      expect(used).toEqual({ user: '4', group: '6' });
    });

    it('shows balances of owned accounts with runway from the balance history, and the last known one when sync fails', async () => {
      const { api, knex } = await start();
      await addAccount(knex, {
        id: 'or-1',
        provider: 'openrouter',
        owner: 'group:default/team-a',
        status: 'error',
      });
      await addAccount(knex, {
        id: 'oa-1',
        provider: 'openai',
        owner: 'group:default/team-b',
      });
      // 100 → 90 → 80 → top-up to 130 → 120: 10 spent on each of 4 days.
      const readings = [
        [5, '100'],
        [4, '90'],
        [3, '80'],
        [2, '130'],
        [1, '120'],
      ] as const;
      for (const [daysAgo, amount] of readings) {
        await knex('llm_usage_balances').insert({
          account_id: 'or-1',
          currency: 'USD',
          available_nanos: `${amount}000000000`,
          read_at: TODAY - daysAgo * DAY + 7_200_000,
        });
      }
      await knex('llm_usage_balances').insert({
        account_id: 'oa-1',
        currency: 'USD',
        available_nanos: '5000000000',
        read_at: NOW - 1000,
      });

      const { balances } = (await api.get('/usage/quota', ALICE))
        .body as QuotaResponse;
      expect(balances).toHaveLength(1);
      const [balance] = balances;
      expect(balance).toMatchObject({
        accountId: 'or-1',
        provider: 'openrouter',
        available: { currency: 'USD', amount: '120' },
        readAt: new Date(TODAY - DAY + 7_200_000).toISOString(),
        stale: true,
        billingUrl: 'https://openrouter.ai/settings/credits',
      });
      expect(balance.runway.burnSource).toBe('balance-history');
      // Falls of 10 on days -4, -3 and -1 of the 7-day window; -2 was a top-up.
      expect(balance.runway.dailyBurn.amount).toBe(
        // weights 4, 5, 7 of 28: (40 + 50 + 70) / 28 = 5.714285714
        '5.714285714',
      );
      expect(balance.runway.daysLeft).toBe(21);

      const admin = (await api.get('/usage/quota', ADMIN))
        .body as QuotaResponse;
      expect(admin.balances.map(b => b.accountId).sort()).toEqual([
        'oa-1',
        'or-1',
      ]);
      // Every provider account gets its provider's top-up page, without
      // config and without the provider's module installed.
      expect(admin.balances.find(b => b.accountId === 'oa-1')?.billingUrl).toBe(
        'https://platform.openai.com/settings/organization/billing/overview',
      );

      const history = await api.get('/accounts/or-1/balance-history', ALICE);
      expect(history.status).toBe(200);
      const [usd] = history.body.currencies;
      expect(usd.currency).toBe('USD');
      expect(
        usd.readings.map((r: any) => [r.kind, r.change?.amount ?? null]),
      ).toEqual([
        ['charge', '-10'],
        ['top-up', '50'],
        ['charge', '-10'],
        ['charge', '-10'],
        ['first', null],
      ]);
      expect(
        (await api.get('/accounts/or-1/balance-history', BOB)).status,
      ).toBe(404);
    });

    it('rejects unknown query parameters', async () => {
      const { api } = await start();
      const res = await api.get('/usage/quota?entity=x', ALICE);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/entity/);
      const bad = await api.get('/usage/quota?entityRef=group:', ALICE);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/entityRef/);
    });
  });

  describe('digest preferences', () => {
    it('are on by default, changed by an owner only, and audited', async () => {
      const { api } = await start();
      const initial = await api.get('/digests/preferences', ALICE);
      expect(initial.body.items).toEqual([
        { ownerRef: ALICE, weekly: true, monthly: true },
        { ownerRef: 'group:default/team-a', weekly: true, monthly: true },
      ]);
      const off = await api.put('/digests/preferences', ALICE, {
        ownerRef: 'group:default/team-a',
        weekly: false,
      });
      expect(off.body).toEqual({
        ownerRef: 'group:default/team-a',
        weekly: false,
        monthly: true,
      });
      const denied = await api.put('/digests/preferences', BOB, {
        ownerRef: 'group:default/team-a',
        weekly: true,
      });
      expect(denied.status).toBe(403);
      const bad = await api.put('/digests/preferences', ALICE, {
        ownerRef: 'group:default/team-a',
        weekly: 'no',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/weekly/);

      const audit = await api.get(
        '/audit-events?action=digest.preferences.update',
        ALICE,
      );
      expect(audit.body.items).toHaveLength(1);
      expect(audit.body.items[0]).toMatchObject({
        actorRef: ALICE,
        before: { weekly: true },
        after: { weekly: false },
      });
    });
  });

  describe('language preference', () => {
    it('is each user’s own, limited to the languages the plugin writes in', async () => {
      const { api } = await start();
      const initial = await api.get('/preferences/language', ALICE);
      expect(initial.body).toEqual({ language: null, defaultLanguage: 'en' });
      const set = await api.put('/preferences/language', ALICE, {
        language: 'pt-BR',
      });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ language: 'pt-BR', defaultLanguage: 'en' });
      expect(
        (await api.get('/preferences/language', ALICE)).body.language,
      ).toBe('pt-BR');
      // Bob's is his own.
      expect((await api.get('/preferences/language', BOB)).body.language).toBe(
        null,
      );
      const bad = await api.put('/preferences/language', ALICE, {
        language: 'klingon',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/language/);
    });
  });

  describe('audit events', () => {
    it('shows others only their own actions and owned targets, filters, pages and exports CSV', async () => {
      const { api } = await start();
      await api.post('/budgets', ALICE, {
        targetType: 'user',
        targetRef: ALICE,
        amount: '1',
        currency: 'USD',
      });
      await api.post('/budgets', BOB, {
        targetType: 'user',
        targetRef: BOB,
        amount: '2',
        currency: 'USD',
      });
      await api.post('/budgets', ADMIN, {
        targetType: 'group',
        targetRef: 'group:default/team-a',
        amount: '3',
        currency: 'USD',
      });

      const mine = await api.get('/audit-events', ALICE);
      // Her own action and the admin's change to her team's budget.
      expect(mine.body.items).toHaveLength(2);
      expect(
        mine.body.items.every(
          (e: any) =>
            e.actorRef === ALICE || e.after.targetRef.includes('team-a'),
        ),
      ).toBe(true);
      expect((await api.get('/audit-events', ADMIN)).body.items).toHaveLength(
        3,
      );
      expect(
        (await api.get(`/audit-events?actorRef=${BOB}`, ADMIN)).body.items,
      ).toHaveLength(1);

      const first = await api.get('/audit-events?limit=2', ADMIN);
      expect(first.body.items).toHaveLength(2);
      const second = await api.get(
        `/audit-events?limit=2&cursor=${first.body.nextCursor}`,
        ADMIN,
      );
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeUndefined();

      const csv = await api.get('/audit-events/export?format=csv', ALICE);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.text.trim().split(/\r?\n/);
      expect(lines[0]).toBe(
        'Time,Actor,Action,Target type,Target,Before (JSON),After (JSON),Event ID',
      );
      expect(lines).toHaveLength(3);
      const exported = await api.get(
        '/audit-events?action=audit.export',
        ADMIN,
      );
      expect(exported.body.items).toHaveLength(1);
      expect(exported.body.items[0]).toMatchObject({
        actorRef: ALICE,
        targetType: 'export',
        after: { format: 'csv' },
      });

      const bad = await api.get('/audit-events?from=yesterday', ADMIN);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/from/);
    });
  });
});
