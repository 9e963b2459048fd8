import { mockCredentials } from '@backstage/backend-test-utils';
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import request from 'supertest';
import { AUDIT_EVENTS_TABLE } from '../audit/AuditLog';
import { DatabaseAlertStore } from '../alerts/DatabaseAlertStore';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ADMIN,
  TEAM_A,
  TEAM_B,
  discoverRoutes,
  startLlmUsageBackend,
  type PluginRoute,
} from '../__testUtils__/pluginHarness';
import { fakeProviderModule } from '../__testUtils__/providerBackend';

/*
 * Issue 6: every mutating route writes an audit event. The routes come from
 * the running plugin, so a new POST/PUT/PATCH/DELETE (or GET …/export) route
 * fails here until it has an example below and records an audit event.
 */

// A backend and some 35 requests: longer than Jest's 5 s on a loaded machine.
jest.setTimeout(120_000);

const BASE = '/api/llm-usage';
const databases = createTestDatabases();

const INGESTION =
  'ingestion of calls: data, not an administrative action; emits through coreServices.auditor only';
const FRAMEWORK =
  "Backstage's own route, mounted by the framework, not by this plugin's routers";

/** Routes that write no row, and why. */
const EXEMPT: Record<string, string> = {
  'POST /calls': INGESTION,
  'POST /ingest/litellm': INGESTION,
  'POST /ingest/otlp/v1/traces': INGESTION,
  'DELETE /.backstage/auth/v1/cookie': FRAMEWORK,
  'POST /.well-known/backstage/permissions/apply-conditions': FRAMEWORK,
  'POST /.backstage/actions/v1/actions/:actionId/invoke': FRAMEWORK,
  'POST /.backstage/actions/v2/actions/:actionId/invoke': FRAMEWORK,
};

/** What the examples act on, created before they run. */
interface Seed {
  accountId: string;
  spareAccountId: string;
  keyId: string;
  spareKeyId: string;
  tagId: string;
  spareTagId: string;
  budgetId: string;
  spareBudgetId: string;
  alertId: string;
  spareRuleId: string;
  priceId: string;
  sparePriceId: string;
}

type Api = ReturnType<typeof apiOf>;

interface Example {
  send: (api: Api, seed: Seed) => request.Test;
  action: string;
  /** The expected target id, from the seed or from the response. */
  target: (seed: Seed, body: any) => string | RegExp;
}

function apiOf(server: Server) {
  const auth = mockCredentials.user.header(ADMIN);
  return {
    post: (path: string, body: object = {}) =>
      request(server)
        .post(`${BASE}${path}`)
        .set('Authorization', auth)
        .send(body),
    patch: (path: string, body: object) =>
      request(server)
        .patch(`${BASE}${path}`)
        .set('Authorization', auth)
        .send(body),
    put: (path: string, body: object) =>
      request(server)
        .put(`${BASE}${path}`)
        .set('Authorization', auth)
        .send(body),
    delete: (path: string) =>
      request(server).delete(`${BASE}${path}`).set('Authorization', auth),
    get: (path: string) =>
      request(server).get(`${BASE}${path}`).set('Authorization', auth),
  };
}

const account = (id: string) => ({
  id,
  provider: 'fake',
  name: `Account ${id}`,
  ownerRef: TEAM_A,
  credentials: { apiKey: `sk-${id}-value` },
});

const registeredKey = (name: string) => ({
  accountId: 'seed-acc',
  name,
  providerKeyId: `p-${name}`,
  ownerRef: TEAM_A,
});

// One budget per target and currency.
const budget = (name: string, targetRef: string, currency: string) => ({
  targetType: 'group',
  targetRef,
  name,
  amount: '100',
  currency,
});

/** One valid request per mutating route, as an admin. */
const EXAMPLES: Record<string, Example> = {
  'POST /accounts': {
    send: api => api.post('/accounts', account('new-acc')),
    action: 'account.create',
    target: () => 'new-acc',
  },
  'PATCH /accounts/:id': {
    send: (api, seed) =>
      api.patch(`/accounts/${seed.accountId}`, { name: 'Renamed' }),
    action: 'account.update',
    target: seed => seed.accountId,
  },
  'DELETE /accounts/:id': {
    send: (api, seed) => api.delete(`/accounts/${seed.spareAccountId}`),
    action: 'account.delete',
    target: seed => seed.spareAccountId,
  },
  'POST /accounts/:id/test': {
    send: (api, seed) => api.post(`/accounts/${seed.accountId}/test`),
    action: 'account.test',
    target: seed => seed.accountId,
  },
  'POST /accounts/:id/sync': {
    send: (api, seed) => api.post(`/accounts/${seed.accountId}/sync`),
    action: 'account.sync',
    target: seed => seed.accountId,
  },
  'POST /keys': {
    send: api => api.post('/keys', registeredKey('registered')),
    action: 'key.register',
    target: (_seed, body) => body.id,
  },
  'POST /keys/provider': {
    send: api =>
      api.post('/keys/provider', {
        accountId: 'seed-acc',
        name: 'created-at-provider',
        ownerRef: TEAM_A,
      }),
    action: 'key.create',
    target: (_seed, body) => body.key?.id ?? body.id,
  },
  'POST /keys/batch': {
    send: (api, seed) =>
      api.post('/keys/batch', { action: 'disable', keyIds: [seed.keyId] }),
    action: 'key.disable',
    target: seed => seed.keyId,
  },
  'POST /keys/import': {
    send: api =>
      api.post('/keys/import', {
        format: 'csv',
        content: [
          'accountId,name,providerKeyId,ownerRef,expiresAt,tags',
          `seed-acc,imported,p-imported,${TEAM_A},,`,
        ].join('\n'),
      }),
    action: 'key.register',
    target: (_seed, body) => body.rows[0].keyId,
  },
  'PATCH /keys/:id': {
    send: (api, seed) => api.patch(`/keys/${seed.keyId}`, { notes: 'rotated' }),
    action: 'key.update',
    target: seed => seed.keyId,
  },
  'POST /keys/:id/enable': {
    send: (api, seed) => api.post(`/keys/${seed.keyId}/enable`),
    action: 'key.enable',
    target: seed => seed.keyId,
  },
  'POST /keys/:id/disable': {
    send: (api, seed) => api.post(`/keys/${seed.keyId}/disable`),
    action: 'key.disable',
    target: seed => seed.keyId,
  },
  'PUT /keys/:id/rotation': {
    send: (api, seed) =>
      api.put(`/keys/${seed.keyId}/rotation`, { maxAgeDays: 90 }),
    action: 'key.rotationPolicy',
    target: seed => seed.keyId,
  },
  'POST /keys/:id/rotate': {
    send: (api, seed) => api.post(`/keys/${seed.keyId}/rotate`, {}),
    action: 'key.rotate',
    target: seed => seed.keyId,
  },
  'DELETE /keys/:id': {
    send: (api, seed) => api.delete(`/keys/${seed.spareKeyId}`),
    action: 'key.delete',
    target: seed => seed.spareKeyId,
  },
  'GET /keys/export': {
    send: api => api.get('/keys/export?format=csv&status=active'),
    action: 'keys.export',
    target: () => 'keys',
  },
  'POST /tags': {
    send: api => api.post('/tags', { name: 'new-tag' }),
    action: 'tag.create',
    target: (_seed, body) => body.id,
  },
  'PATCH /tags/:id': {
    send: (api, seed) => api.patch(`/tags/${seed.tagId}`, { name: 'renamed' }),
    action: 'tag.update',
    target: seed => seed.tagId,
  },
  'DELETE /tags/:id': {
    send: (api, seed) => api.delete(`/tags/${seed.spareTagId}`),
    action: 'tag.delete',
    target: seed => seed.spareTagId,
  },
  'POST /prices': {
    send: api => api.post('/prices', price('2026-03-01')),
    action: 'price.create',
    target: (_seed, body) => body.id,
  },
  'PATCH /prices/:id': {
    send: (api, seed) =>
      api.patch(`/prices/${seed.priceId}`, { outputPerMillion: '12' }),
    action: 'price.update',
    target: seed => seed.priceId,
  },
  'DELETE /prices/:id': {
    send: (api, seed) => api.delete(`/prices/${seed.sparePriceId}`),
    action: 'price.delete',
    target: seed => seed.sparePriceId,
  },
  'POST /prices/reprice': {
    send: api =>
      api.post('/prices/reprice', {
        from: '2026-01-01T00:00:00Z',
        to: '2026-02-01T00:00:00Z',
      }),
    action: 'calls.reprice',
    target: () => '2026-01-01T00:00:00.000Z/2026-02-01T00:00:00.000Z',
  },
  'POST /budgets': {
    send: api => api.post('/budgets', budget('New budget', TEAM_B, 'USD')),
    action: 'budget.create',
    target: (_seed, body) => body.id,
  },
  'PATCH /budgets/:id': {
    send: (api, seed) =>
      api.patch(`/budgets/${seed.budgetId}`, { amount: '250' }),
    action: 'budget.update',
    target: seed => seed.budgetId,
  },
  'DELETE /budgets/:id': {
    send: (api, seed) => api.delete(`/budgets/${seed.spareBudgetId}`),
    action: 'budget.delete',
    target: seed => seed.spareBudgetId,
  },
  'POST /alerts/read': {
    send: (api, seed) => api.post('/alerts/read', { ids: [seed.alertId] }),
    action: 'alert.read',
    target: seed => seed.alertId,
  },
  'POST /alerts/read-all': {
    send: api => api.post('/alerts/read-all'),
    action: 'alert.read-all',
    target: () => /^\d+ alerts$/,
  },
  'POST /alerts/evaluate': {
    send: api => api.post('/alerts/evaluate'),
    action: 'alert.evaluate',
    target: () => 'all',
  },
  'PUT /alert-rules': {
    send: api =>
      api.put('/alert-rules', {
        type: 'key_expiring',
        scope: 'global',
        enabled: true,
        severity: 'warning',
        params: { days: [14, 7, 1] },
      }),
    action: 'alert-rule.create',
    target: (_seed, body) => body.id,
  },
  'DELETE /alert-rules/:id': {
    send: (api, seed) => api.delete(`/alert-rules/${seed.spareRuleId}`),
    action: 'alert-rule.delete',
    target: seed => seed.spareRuleId,
  },
  'PUT /digests/preferences': {
    send: api =>
      api.put('/digests/preferences', { ownerRef: TEAM_A, weekly: false }),
    action: 'digest.preferences.update',
    target: () => TEAM_A,
  },
  'PUT /preferences/language': {
    send: api => api.put('/preferences/language', { language: 'de' }),
    action: 'language.preference.update',
    target: () => ADMIN,
  },
  'PUT /slo/projects/:projectId/settings': {
    send: api =>
      api.put('/slo/projects/alpha/settings', {
        objectives: [
          {
            metric: 'errorRate',
            threshold: 0.02,
            target: 0.99,
            windowDays: 28,
          },
        ],
      }),
    action: 'slo.update',
    target: () => 'alpha',
  },
  // Runs after the PUT above, which saved the settings it removes.
  'DELETE /slo/projects/:projectId/settings': {
    send: api => api.delete('/slo/projects/alpha/settings'),
    action: 'slo.delete',
    target: () => 'alpha',
  },
  'GET /usage/projects/export': {
    send: api => api.get('/usage/projects/export?format=csv'),
    action: 'usage.export',
    target: () => 'usage-projects',
  },
  'GET /usage/projects/:projectId/calls/export': {
    send: api => api.get('/usage/projects/alpha/calls/export?format=xlsx'),
    action: 'usage.export',
    target: () => 'alpha',
  },
  'GET /reconciliation/export': {
    send: api => api.get('/reconciliation/export?format=xlsx'),
    action: 'reconciliation.export',
    target: () => 'reconciliation',
  },
  'GET /audit-events/export': {
    send: api => api.get('/audit-events/export?format=csv'),
    action: 'audit.export',
    target: () => 'audit-events',
  },
};

/** An admin price of a made-up model, from `effectiveFrom`. */
function price(effectiveFrom: string) {
  return {
    provider: 'openai',
    model: 'audit-model',
    currency: 'USD',
    inputPerMillion: '1',
    outputPerMillion: '2',
    effectiveFrom,
  };
}

const routeId = (route: PluginRoute) => `${route.method} ${route.path}`;

function isMutating(route: PluginRoute): boolean {
  return (
    ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method) ||
    (route.method === 'GET' && route.path.endsWith('/export'))
  );
}

async function seedTargets(api: Api, knex: Knex): Promise<Seed> {
  const created = async (response: request.Test) => {
    const res = await response;
    expect([res.status, res.body.error?.message]).toEqual([201, undefined]);
    return res.body.id as string;
  };
  await created(api.post('/accounts', account('seed-acc')));
  await created(api.post('/accounts', account('spare-acc')));
  const rule = await api.put('/alert-rules', {
    type: 'key_expiring',
    scope: 'account',
    scopeId: 'seed-acc',
    enabled: true,
    severity: 'info',
    params: { days: [3] },
  });
  expect(rule.status).toBe(200);
  const { opened } = await new DatabaseAlertStore(knex).reconcile(
    ['low_balance'],
    [
      {
        type: 'low_balance',
        severity: 'warning',
        conditionKey: 'low_balance:seed-acc:USD',
        target: { type: 'account', id: 'seed-acc', name: 'Seed account' },
        accountId: 'seed-acc',
        ownerRef: TEAM_A,
        params: { currency: 'USD', available: '1', threshold: '10' },
      },
    ],
    Date.now(),
  );
  return {
    accountId: 'seed-acc',
    spareAccountId: 'spare-acc',
    keyId: await created(api.post('/keys', registeredKey('seed-key'))),
    spareKeyId: await created(api.post('/keys', registeredKey('spare-key'))),
    tagId: await created(api.post('/tags', { name: 'seed-tag' })),
    spareTagId: await created(api.post('/tags', { name: 'spare-tag' })),
    budgetId: await created(
      api.post('/budgets', budget('Seed budget', TEAM_A, 'USD')),
    ),
    spareBudgetId: await created(
      api.post('/budgets', budget('Spare budget', TEAM_A, 'CNY')),
    ),
    alertId: opened[0].id,
    spareRuleId: rule.body.id,
    priceId: await created(api.post('/prices', price('2026-01-01'))),
    sparePriceId: await created(api.post('/prices', price('2026-02-01'))),
  };
}

describe.each(databases.eachSupportedId())('audit coverage on %p', id => {
  it('records an audit event for every mutating route of the plugin', async () => {
    const knex = await databases.init(id);
    const { server } = await startLlmUsageBackend(knex, {
      config: {
        llmUsage: {
          secrets: { encryptionKey: 'k'.repeat(64) },
          alerts: {
            schedule: {
              frequency: { hours: 24 },
              timeout: { minutes: 10 },
              initialDelay: { hours: 24 },
            },
          },
        },
      },
      features: [fakeProviderModule],
    });
    const routes = discoverRoutes(server);
    const discovered = new Set(routes.map(routeId));
    expect(Object.keys(EXEMPT).filter(r => !discovered.has(r))).toEqual([]);

    const mutating = routes.filter(r => isMutating(r) && !EXEMPT[routeId(r)]);
    // A new mutating route needs an example here (and an audit record).
    expect(mutating.map(routeId).filter(r => !EXAMPLES[r])).toEqual([]);
    expect(mutating.length).toBeGreaterThanOrEqual(28);

    const api = apiOf(server);
    const seeded = await seedTargets(api, knex);
    const failures: string[] = [];
    for (const route of mutating) {
      const example = EXAMPLES[routeId(route)];
      const earlier = new Set(
        (await knex(AUDIT_EVENTS_TABLE).select('id')).map(row => row.id),
      );
      const response = await example.send(api, seeded);
      const target = example.target(seeded, response.body);
      const isExpected = (event: any) =>
        event.action === example.action &&
        event.actor_ref === ADMIN &&
        (typeof target === 'string'
          ? event.target_id === target
          : target.test(event.target_id));
      // Exports record after the last byte is sent, so the row may land just
      // after the response.
      let events: any[] = [];
      for (let attempt = 0; attempt < 40; attempt++) {
        events = (await knex(AUDIT_EVENTS_TABLE).select()).filter(
          event => !earlier.has(event.id),
        );
        if (events.some(isExpected)) break;
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      const matching = events.filter(isExpected);
      if (response.status < 200 || response.status >= 300) {
        failures.push(
          `${routeId(route)}: status ${response.status} ${JSON.stringify(
            response.body,
          )}`,
        );
      } else if (matching.length === 0) {
        failures.push(
          `${routeId(route)}: no ${
            example.action
          } event for ${target}; got ${JSON.stringify(
            events.map(e => [e.action, e.target_id]),
          )}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });
});
