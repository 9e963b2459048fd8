import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import llmUsageModuleOpenRouter from '@llm-usage/backstage-plugin-llm-usage-backend-module-openrouter';
import type { Knex } from 'knex';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import {
  ADMIN,
  OTHER,
  OWNER,
  SECRET_MARK,
  TEAM_A,
  startProviderTestBackend,
} from '../__testUtils__/providerBackend';
import { createTestDatabases, makeCall } from '../__testUtils__/databases';
import { AlertRuleSet } from '../alerts/AlertRuleStore';
import { DatabaseCallStore } from '../database/DatabaseCallStore';
import { KeyRotationStore } from './KeyRotationStore';
import { rotationDueConditions } from './rotationDue';

/*
 * The rotation lifecycle on the real plugin with the real OpenRouter module
 * and OpenRouter behind msw: a policy, the reminder before it is due, a
 * guided rotate, the old key kept while a call still uses it after the
 * grace period, and deleted at the provider once no call has for the quiet
 * period — by the plugin's scheduled task.
 */

jest.setTimeout(120_000);

const OPENROUTER = 'https://openrouter.ai/api/v1';
const DAY = 86_400_000;

type Stored = { hash: string; name: string; limit: number | null };
let keys: Stored[] = [];
let providerRequests: string[] = [];

const openRouterKey = (key: Stored) => ({
  hash: key.hash,
  name: key.name,
  label: `sk-or-v1-${key.hash.slice(0, 3)}...${key.hash.slice(-4)}`,
  disabled: false,
  limit: key.limit,
  usage: 0,
  created_at: '2026-11-01T00:00:00Z',
  expires_at: null,
  workspace_id: null,
});

const server = setupServer(
  http.post(`${OPENROUTER}/keys`, async ({ request: sent }) => {
    const body = (await sent.json()) as { name: string; limit?: number };
    const key = {
      hash: `hash${keys.length + 1}`.padEnd(12, '0'),
      name: body.name,
      limit: body.limit ?? null,
    };
    keys.push(key);
    providerRequests.push(`create ${body.name}`);
    return HttpResponse.json(
      { data: openRouterKey(key), key: `sk-or-v1-${SECRET_MARK}-${key.hash}` },
      { status: 201 },
    );
  }),
  http.delete(`${OPENROUTER}/keys/:hash`, ({ params }) => {
    providerRequests.push(`delete ${params.hash}`);
    keys = keys.filter(key => key.hash !== params.hash);
    return HttpResponse.json({ data: { success: true } });
  }),
  // What a sync of the account reads.
  http.get(`${OPENROUTER}/keys`, ({ request: sent }) =>
    HttpResponse.json({
      data: new URL(sent.url).searchParams.get('offset')
        ? []
        : keys.map(openRouterKey),
    }),
  ),
  http.get(`${OPENROUTER}/credits`, () =>
    HttpResponse.json({ data: { total_credits: 10, total_usage: 1 } }),
  ),
  http.get(`${OPENROUTER}/activity`, () => HttpResponse.json({ data: [] })),
);
beforeAll(() =>
  server.listen({
    onUnhandledRequest(sent, print) {
      if (!['127.0.0.1', 'localhost'].includes(new URL(sent.url).hostname)) {
        print.error();
      }
    },
  }),
);
afterAll(() => server.close());
beforeEach(() => {
  keys = [];
  providerRequests = [];
});

const databases = createTestDatabases();
const later = {
  frequency: { hours: 24 },
  timeout: { minutes: 5 },
  initialDelay: { hours: 1 },
};

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 40_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

describe.each(databases.eachSupportedId())('key rotation on %p', id => {
  async function start(knex: Knex) {
    const backend = await startProviderTestBackend(
      knex,
      {
        // Old keys are looked at every second and go after one quiet second.
        rotation: {
          quietHours: 1 / 3600,
          schedule: {
            frequency: { seconds: 1 },
            timeout: { minutes: 1 },
            initialDelay: { seconds: 1 },
          },
        },
        sync: { schedule: later },
        rollup: { schedule: later },
        alerts: { enabled: false },
        digests: { enabled: false },
      },
      // The real scheduler, so the rotation task runs as in production.
      [llmUsageModuleOpenRouter, schedulerServiceFactory],
    );
    const api = (
      as: string,
      method: 'get' | 'post' | 'put',
      path: string,
      body?: object,
    ) => {
      const call = request(backend.server)
        [method](`/api/llm-usage${path}`)
        .set('Authorization', backend.as(as));
      return body ? call.send(body) : call;
    };
    const account = await api(ADMIN, 'post', '/accounts', {
      id: 'or',
      provider: 'openrouter',
      name: 'OpenRouter',
      ownerRef: TEAM_A,
      credentials: { managementKey: 'sk-or-v1-management' },
    });
    expect(account.status).toBe(201);
    return { api };
  }

  it('reminds before a key is due, rotates it, keeps the old key while it is used, then deletes it at the provider', async () => {
    const knex = await databases.init(id);
    const { api } = await start(knex);
    const created = await api(OWNER, 'post', '/keys/provider', {
      accountId: 'or',
      name: 'checkout',
      ownerRef: TEAM_A,
      limit: { amount: '20', currency: 'USD' },
    });
    expect(created.status).toBe(201);
    const oldKey = created.body.key;

    // The policy: only someone who may manage the key sets it; others do
    // not see the key at all.
    expect(
      (
        await api(OTHER, 'put', `/keys/${oldKey.id}/rotation`, {
          maxAgeDays: 30,
        })
      ).status,
    ).toBe(404);
    const bad = await api(OWNER, 'put', `/keys/${oldKey.id}/rotation`, {
      maxAgeDays: 0,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/maxAgeDays/);
    const policy = await api(OWNER, 'put', `/keys/${oldKey.id}/rotation`, {
      maxAgeDays: 30,
    });
    expect(policy.status).toBe(200);
    expect(policy.body).toMatchObject({
      maxAgeDays: 30,
      canRotate: true,
      rotations: [],
      dueAt: new Date(Date.parse(oldKey.createdAt) + 30 * DAY).toISOString(),
    });

    // The reminder: 14 days before, then 3, then overdue (an error).
    const store = new KeyRotationStore(knex);
    const remind = async (daysBefore: number) =>
      rotationDueConditions(await store.policies(), {
        now: Date.parse(policy.body.dueAt) - daysBefore * DAY,
        rules: new AlertRuleSet([]),
        accounts: new Map(),
      });
    expect(await remind(20)).toEqual([]);
    expect((await remind(10))[0]).toMatchObject({
      type: 'key_rotation_due',
      severity: 'info',
      target: { type: 'key', id: oldKey.id },
      ownerRef: TEAM_A,
      params: { thresholdDays: 14, daysLeft: 10, maxAgeDays: 30 },
    });
    expect((await remind(2))[0]).toMatchObject({
      severity: 'warning',
      params: { thresholdDays: 3 },
    });
    expect((await remind(-1))[0]).toMatchObject({
      severity: 'error',
      params: { thresholdDays: 0, daysLeft: 0 },
    });

    // The new key's expiry and secret storage are checked as on create.
    const badExpiry = await api(OWNER, 'post', `/keys/${oldKey.id}/rotate`, {
      expiresAt: 'next week',
    });
    expect(badExpiry.status).toBe(400);
    expect(badExpiry.body.error.message).toMatch(/expiresAt/);

    // A service calls with the key for a few more seconds, across the
    // rotation: the rotation task, which runs every second, keeps the old
    // key until they stop.
    await new DatabaseCallStore(knex).ingest([
      makeCall({
        id: 'late-caller',
        apiKeyId: oldKey.providerKeyId,
        occurredAt: Date.now() + 8_000,
      }),
    ]);
    // The guided rotate, with no grace: the old key waits only for calls.
    const rotated = await api(OWNER, 'post', `/keys/${oldKey.id}/rotate`, {
      graceDays: 0,
      name: 'checkout-2',
      expiresAt: '2099-06-30',
      storeSecret: true,
    });
    expect(rotated.status).toBe(201);
    const newKey = rotated.body.created.key;
    expect(rotated.body.created.secret).toContain(SECRET_MARK);
    expect(newKey).toMatchObject({
      name: 'checkout-2',
      ownerRef: TEAM_A,
      accountId: 'or',
      limit: { amount: '20', currency: 'USD' },
      expiresAt: '2099-06-30T00:00:00.000Z',
      hasSecret: true,
    });
    expect(rotated.body.rotation).toMatchObject({
      oldKeyId: oldKey.id,
      newKeyId: newKey.id,
      status: 'grace',
      startedBy: OWNER,
    });
    expect(providerRequests).toEqual(['create checkout', 'create checkout-2']);
    // The replacement keeps the policy; the old key gets no more reminders.
    expect(
      (await api(OWNER, 'get', `/keys/${newKey.id}/rotation`)).body.maxAgeDays,
    ).toBe(30);
    expect((await remind(-1)).map(condition => condition.target.id)).toEqual([
      newKey.id,
    ]);
    expect(
      (await api(OWNER, 'post', `/keys/${oldKey.id}/rotate`, {})).status,
    ).toBe(409);

    const inUse = await until(
      async () =>
        (
          await api(OWNER, 'get', `/keys/${oldKey.id}/rotation`)
        ).body.rotations[0],
      rotation => rotation.lastUsedAt !== null,
    );
    expect(inUse).toMatchObject({ status: 'grace' });
    expect(inUse.lastUsedAt).not.toBeNull();
    expect(providerRequests).not.toContain(`delete ${oldKey.providerKeyId}`);

    // Once nothing has used it for the quiet period it is deleted.
    const done = await until(
      async () =>
        (
          await api(ADMIN, 'get', `/keys/${newKey.id}/rotation`)
        ).body.rotations[0],
      rotation => rotation.status === 'deleted',
    );
    expect(done.status).toBe('deleted');
    expect(providerRequests).toContain(`delete ${oldKey.providerKeyId}`);
    expect((await api(ADMIN, 'get', `/keys/${oldKey.id}`)).status).toBe(404);

    // Every step is in the activity log, the deletion by the plugin itself.
    const actions = await knex('llm_usage_audit_events')
      .where('target_id', oldKey.id)
      .orderBy('occurred_at')
      .select('action', 'actor_ref');
    expect(actions.map(row => row.action)).toEqual(
      expect.arrayContaining([
        'key.rotationPolicy',
        'key.update',
        'key.rotate',
        'key.delete',
      ]),
    );
    const deletion = actions.find(row => row.action === 'key.delete')!;
    expect(deletion.actor_ref).not.toBe(OWNER);
  });
});
