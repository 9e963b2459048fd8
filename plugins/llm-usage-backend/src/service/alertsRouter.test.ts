import { mockCredentials } from '@backstage/backend-test-utils';
import { ALERT_TYPES } from '@llm-usage/backstage-plugin-llm-usage-common';
import request from 'supertest';
import { DatabaseAlertStore } from '../alerts/DatabaseAlertStore';
import type { AlertCondition } from '../alerts/types';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ADMIN,
  ALICE,
  ALINA,
  BOB,
  TEAM_A,
  TEAM_B,
  startLlmUsageBackend,
} from '../__testUtils__/pluginHarness';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function condition(
  key: string,
  ownerRef: string | null,
  severity: AlertCondition['severity'] = 'warning',
): AlertCondition {
  return {
    type: 'low_balance',
    severity,
    conditionKey: `low_balance:${key}:USD`,
    target: { type: 'account', id: key, name: `Account ${key}` },
    accountId: key,
    ownerRef,
    params: { currency: 'USD', available: '1', threshold: '10' },
  };
}

describe.each(databases.eachSupportedId())('alerts router on %p', id => {
  async function start() {
    const knex = await databases.init(id);
    const { server } = await startLlmUsageBackend(knex, {
      // Evaluation is driven by the tests, not by the hourly task.
      config: {
        llmUsage: {
          alerts: {
            schedule: {
              frequency: { hours: 24 },
              timeout: { minutes: 10 },
              initialDelay: { hours: 24 },
            },
          },
        },
      },
    });
    const store = new DatabaseAlertStore(knex);
    const { opened } = await store.reconcile(
      ['low_balance'],
      [
        condition('team-a-acc', TEAM_A.toLocaleLowerCase('en-US'), 'error'),
        condition('alice-acc', ALICE, 'info'),
        condition('team-b-acc', TEAM_B),
        condition('orphan-acc', null),
      ],
      Date.UTC(2026, 10, 20),
    );
    const idOf = (target: string) =>
      opened.find(alert => alert.target.id === target)!.id;
    const as = (user: string) => mockCredentials.user.header(user);
    return { knex, server, idOf, as };
  }

  it('lists only the alerts on what the caller owns; admins see all', async () => {
    const { server, as } = await start();
    const targets = async (user: string) =>
      (
        await request(server)
          .get('/api/llm-usage/alerts')
          .set('Authorization', as(user))
      ).body.items
        .map((a: any) => a.target.id)
        .sort();
    expect(await targets(ALICE)).toEqual(['alice-acc', 'team-a-acc']);
    expect(await targets(ALINA)).toEqual(['team-a-acc']);
    expect(await targets(BOB)).toEqual(['team-b-acc']);
    expect(await targets(ADMIN)).toEqual([
      'alice-acc',
      'orphan-acc',
      'team-a-acc',
      'team-b-acc',
    ]);

    const anonymous = await request(server).get('/api/llm-usage/alerts');
    expect(anonymous.status).toBe(401);
  });

  it('filters by severity, type and state and pages with a cursor', async () => {
    const { server, as } = await start();
    const errors = await request(server)
      .get('/api/llm-usage/alerts?severity=error&type=low_balance&state=open')
      .set('Authorization', as(ADMIN));
    expect(errors.body.items.map((a: any) => a.target.id)).toEqual([
      'team-a-acc',
    ]);
    const resolved = await request(server)
      .get('/api/llm-usage/alerts?state=resolved')
      .set('Authorization', as(ADMIN));
    expect(resolved.body.items).toEqual([]);

    const first = await request(server)
      .get('/api/llm-usage/alerts?limit=3')
      .set('Authorization', as(ADMIN));
    expect(first.body.items).toHaveLength(3);
    const second = await request(server)
      .get(`/api/llm-usage/alerts?limit=3&cursor=${first.body.nextCursor}`)
      .set('Authorization', as(ADMIN));
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.items, ...second.body.items].map(
      (a: any) => a.id,
    );
    expect(new Set(all).size).toBe(4);
  });

  it('keeps read state per user, and marking read is audited', async () => {
    const { knex, server, as, idOf } = await start();
    const unread = async (user: string) =>
      (
        await request(server)
          .get('/api/llm-usage/alerts/unread-count')
          .set('Authorization', as(user))
      ).body;
    expect(await unread(ALICE)).toEqual({
      unread: 2,
      bySeverity: { info: 1, warning: 0, error: 1 },
    });

    const marked = await request(server)
      .post('/api/llm-usage/alerts/read')
      .set('Authorization', as(ALICE))
      .send({ ids: [idOf('team-a-acc')] });
    expect(marked.status).toBe(200);
    expect(marked.body).toEqual({ marked: 1 });
    expect((await unread(ALICE)).unread).toBe(1);
    // Her teammate has not read it.
    expect((await unread(ALINA)).unread).toBe(1);

    const detail = await request(server)
      .get(`/api/llm-usage/alerts/${idOf('team-a-acc')}`)
      .set('Authorization', as(ALICE));
    expect(detail.body).toMatchObject({ read: true, severity: 'error' });

    // Someone else's alert is not found, and nothing is marked.
    const foreign = await request(server)
      .post('/api/llm-usage/alerts/read')
      .set('Authorization', as(ALICE))
      .send({ ids: [idOf('alice-acc'), idOf('team-b-acc')] });
    expect(foreign.status).toBe(404);
    expect((await unread(ALICE)).unread).toBe(1);
    const hidden = await request(server)
      .get(`/api/llm-usage/alerts/${idOf('team-b-acc')}`)
      .set('Authorization', as(ALICE));
    expect(hidden.status).toBe(404);

    const all = await request(server)
      .post('/api/llm-usage/alerts/read-all')
      .set('Authorization', as(ALICE));
    expect(all.body).toEqual({ marked: 1 });
    expect((await unread(ALICE)).unread).toBe(0);
    expect((await unread(BOB)).unread).toBe(1);

    const unreadOnly = await request(server)
      .get('/api/llm-usage/alerts?unread=true')
      .set('Authorization', as(ALICE));
    expect(unreadOnly.body.items).toEqual([]);

    const events = await knex('llm_usage_audit_events')
      .whereIn('action', ['alert.read', 'alert.read-all'])
      .orderBy('occurred_at');
    expect(events.map(e => [e.action, e.actor_ref])).toEqual([
      ['alert.read', ALICE],
      ['alert.read-all', ALICE],
    ]);
  });

  it('lets admins save and delete global rules, audited, and refuses others', async () => {
    const { knex, server, as } = await start();
    const defaults = await request(server)
      .get('/api/llm-usage/alert-rules')
      .set('Authorization', as(ALICE));
    expect(defaults.status).toBe(200);
    expect(defaults.body.items.map((r: any) => [r.type, r.id])).toEqual([
      ['key_expiring', null],
      ['low_balance', null],
      ['high_usage', null],
      ['key_error', null],
      ['budget_runway', null],
      ['rollup_failed', null],
      ...ALERT_TYPES.slice(6).map(type => [type, null]),
    ]);
    // The rollup alert's rule is global: the rollup is nobody's account.
    const scoped = await request(server)
      .put('/api/llm-usage/alert-rules')
      .set('Authorization', as(ADMIN))
      .send({
        type: 'rollup_failed',
        scope: 'account',
        scopeId: 'acc-1',
        enabled: false,
        severity: 'error',
        params: {},
      });
    expect(scoped.status).toBe(400);
    expect(scoped.body.error.message).toBe(
      "Invalid field 'scope': must be global for rollup_failed rules",
    );

    const rule = {
      type: 'key_expiring',
      scope: 'global',
      enabled: true,
      severity: 'warning',
      params: { days: [14, 7, 1] },
    };
    const refused = await request(server)
      .put('/api/llm-usage/alert-rules')
      .set('Authorization', as(ALICE))
      .send(rule);
    expect(refused.status).toBe(403);

    const saved = await request(server)
      .put('/api/llm-usage/alert-rules')
      .set('Authorization', as(ADMIN))
      .send(rule);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      ...rule,
      scopeId: null,
      updatedBy: ADMIN,
    });
    const listed = await request(server)
      .get('/api/llm-usage/alert-rules')
      .set('Authorization', as(ADMIN));
    expect(listed.body.items[0]).toMatchObject({
      id: saved.body.id,
      params: { days: [14, 7, 1] },
    });

    const deleted = await request(server)
      .delete(`/api/llm-usage/alert-rules/${saved.body.id}`)
      .set('Authorization', as(ADMIN));
    expect(deleted.status).toBe(204);
    const again = await request(server)
      .delete(`/api/llm-usage/alert-rules/${saved.body.id}`)
      .set('Authorization', as(ADMIN));
    expect(again.status).toBe(404);

    const events = await knex('llm_usage_audit_events')
      .where('target_type', 'alert-rule')
      .orderBy('occurred_at');
    expect(events.map(e => e.action)).toEqual([
      'alert-rule.create',
      'alert-rule.delete',
    ]);
    expect(JSON.parse(events[0].after)).toMatchObject({ params: rule.params });
  });

  it('lets the owners of an account tune its rules, and nobody else', async () => {
    const { knex, server, as } = await start();
    await knex('llm_usage_accounts').insert({
      id: 'acc-a',
      provider: 'openai',
      name: 'Team A OpenAI',
      owner_ref: TEAM_A,
      source: 'api',
      settings: '{}',
      status: 'ok',
      created_at: Date.now(),
      updated_at: Date.now(),
    });
    const rule = {
      type: 'low_balance',
      scope: 'account',
      scopeId: 'acc-a',
      enabled: true,
      severity: 'error',
      params: { thresholds: [{ currency: 'USD', amount: '50' }] },
    };
    const put = (user: string) =>
      request(server)
        .put('/api/llm-usage/alert-rules')
        .set('Authorization', as(user))
        .send(rule);
    // Bob may not see team A's account: it is not found for him.
    expect((await put(BOB)).status).toBe(404);
    const saved = await put(ALICE);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ scope: 'account', scopeId: 'acc-a' });
    // The rule (its target and thresholds) is listed to who sees the account.
    const listedTo = async (user: string) =>
      (
        await request(server)
          .get('/api/llm-usage/alert-rules')
          .set('Authorization', as(user))
      ).body.items
        .filter((r: { scope: string }) => r.scope !== 'global')
        .map((r: { scopeId: string }) => r.scopeId);
    expect(await listedTo(ALICE)).toEqual(['acc-a']);
    expect(await listedTo(ADMIN)).toEqual(['acc-a']);
    expect(await listedTo(BOB)).toEqual([]);
    const removed = await request(server)
      .delete(`/api/llm-usage/alert-rules/${saved.body.id}`)
      .set('Authorization', as(BOB));
    expect(removed.status).toBe(404);
  });

  it('refuses an account rule for an account that does not exist', async () => {
    const { server, as } = await start();
    const response = await request(server)
      .put('/api/llm-usage/alert-rules')
      .set('Authorization', as(ADMIN))
      .send({
        type: 'low_balance',
        scope: 'account',
        scopeId: 'no-such-account',
        enabled: true,
        severity: 'warning',
        params: { thresholds: [{ currency: 'USD', amount: '5' }] },
      });
    expect(response.status).toBe(404);
  });

  describe('bad input', () => {
    // Nothing below changes data: one backend serves every case.
    let shared: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      shared = await start();
    });

    it.each([
      ['/alerts?severity=fatal', 'severity'],
      ['/alerts?state=closed', 'state'],
      ['/alerts?limit=0', 'limit'],
      ['/alerts?limit=ten', 'limit'],
      ['/alerts?unread=yes', 'unread'],
      ['/alerts?cursor=not-a-cursor', 'cursor'],
      // The spec names the parameter it does not know.
      ['/alerts?colour=red', 'colour'],
      ['/alert-rules?scope=galaxy', 'scope'],
    ])('answers GET %s with a 400 naming %s', async (path, field) => {
      const { server, as } = shared;
      const response = await request(server)
        .get(`/api/llm-usage${path}`)
        .set('Authorization', as(ALICE));
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain(`'${field}`);
    });

    const validRule = {
      type: 'low_balance',
      scope: 'global',
      enabled: true,
      severity: 'warning',
      params: { thresholds: [{ currency: 'USD', amount: '5' }] },
    };
    it.each([
      ['/alerts/read', {}, 'ids'],
      ['/alerts/read', { ids: [] }, 'ids'],
      ['/alerts/read', { ids: 'abc' }, 'ids'],
      ['/alert-rules', { ...validRule, type: 'weather' }, 'type'],
      ['/alert-rules', { ...validRule, severity: 'panic' }, 'severity'],
      ['/alert-rules', { ...validRule, scopeId: 'acc-1' }, 'scopeId'],
      ['/alert-rules', { ...validRule, scope: 'account' }, 'scopeId'],
      [
        '/alert-rules',
        {
          ...validRule,
          params: { thresholds: [{ currency: 'USD', amount: 'lots' }] },
        },
        'params.thresholds.0.amount',
      ],
      [
        '/alert-rules',
        {
          ...validRule,
          params: { thresholds: [{ currency: 'usd', amount: '1' }] },
        },
        'params.thresholds.0.currency',
      ],
      [
        '/alert-rules',
        {
          ...validRule,
          type: 'key_expiring',
          params: { days: [7, 0] },
        },
        'params.days.1',
      ],
    ])(
      'answers a bad body for %s with a 400 naming the field',
      async (path, body, field) => {
        const { server, as } = shared;
        const method = path === '/alert-rules' ? 'put' : 'post';
        const response = await request(server)
          [method](`/api/llm-usage${path}`)
          .set('Authorization', as(ADMIN))
          .send(body);
        expect(response.status).toBe(400);
        expect(response.body.error.message).toContain(`'${field}'`);
      },
    );
  });
});
