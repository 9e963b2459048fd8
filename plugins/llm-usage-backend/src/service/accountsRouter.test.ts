import { mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases, makeCall } from '../__testUtils__/databases';
import { DatabaseCallStore } from '../database/DatabaseCallStore';
import { DatabaseRollupStore } from '../rollup/DatabaseRollupStore';
import { CallRollup } from '../rollup/CallRollup';
import {
  ADMIN,
  NOBODY,
  OTHER,
  OWNER,
  SECRET_MARK,
  TEAM_A,
  startProviderTestBackend,
} from '../__testUtils__/providerBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const CONFIG_ACCOUNTS = [
  {
    id: 'cfg-fake',
    provider: 'fake',
    name: 'From config',
    owner: TEAM_A,
    credentials: { apiKey: `cfg-${SECRET_MARK}` },
  },
];

describe.each(databases.eachSupportedId())('accounts API on %p', databaseId => {
  async function start() {
    const knex = await databases.init(databaseId);
    const backend = await startProviderTestBackend(knex, {
      accounts: CONFIG_ACCOUNTS,
    });
    return { ...backend, knex };
  }

  it('creates accounts with write-only credentials, checking the owner', async () => {
    const { server, as, knex } = await start();
    const create = (user: string, body: object) =>
      request(server)
        .post('/api/llm-usage/accounts')
        .set('Authorization', as(user))
        .send(body);
    const body = {
      id: 'team-a-fake',
      provider: 'fake',
      name: 'Team A',
      ownerRef: TEAM_A,
      credentials: { apiKey: `sk-${SECRET_MARK}` },
    };

    expect((await create(NOBODY, body)).status).toBe(403);
    expect((await create(OTHER, body)).status).toBe(403);
    const created = await create(OWNER, body);
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(SECRET_MARK);
    expect(created.body).toMatchObject({
      id: 'team-a-fake',
      source: 'api',
      status: 'never_synced',
      credentialsSet: ['apiKey'],
      providerInstalled: true,
      // The fake module lists keys, so they need no registration by hand.
      manualKeyRegistration: false,
    });

    const missing = await create(ADMIN, { ...body, id: 'x', credentials: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/credentials\.apiKey/);
    const unknown = await create(ADMIN, { ...body, id: 'y', provider: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/provider/);

    // Balances and sync errors are the owners' business: a list shows the
    // accounts the caller may manage.
    const listedFor = async (user: string) => {
      const list = await request(server)
        .get('/api/llm-usage/accounts')
        .set('Authorization', as(user));
      expect(list.text).not.toContain(SECRET_MARK);
      return list.body.items.map((a: { id: string }) => a.id).sort();
    };
    expect(await listedFor(ADMIN)).toEqual(['cfg-fake', 'team-a-fake']);
    expect(await listedFor(OWNER)).toEqual(['cfg-fake', 'team-a-fake']);
    expect(await listedFor(OTHER)).toEqual([]);
    const hidden = await request(server)
      .get('/api/llm-usage/accounts/team-a-fake')
      .set('Authorization', as(OTHER));
    expect(hidden.status).toBe(404);
    const row = await knex('llm_usage_accounts')
      .where({ id: 'team-a-fake' })
      .first();
    expect(row.credentials_encrypted).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(SECRET_MARK);
  });

  it('updates and deletes API accounts, never config ones', async () => {
    const { server, as } = await start();
    await request(server)
      .post('/api/llm-usage/accounts')
      .set('Authorization', as(ADMIN))
      .send({
        id: 'acc',
        provider: 'fake',
        name: 'Acc',
        ownerRef: TEAM_A,
        credentials: { apiKey: 'sk-first-value' },
      })
      .expect(201);
    const patch = (user: string, id: string, body: object) =>
      request(server)
        .patch(`/api/llm-usage/accounts/${id}`)
        .set('Authorization', as(user))
        .send(body);
    // An account the caller may not manage is one they may not see.
    expect((await patch(OTHER, 'acc', { name: 'Mine' })).status).toBe(404);
    const renamed = await patch(OWNER, 'acc', {
      name: 'Renamed',
      credentials: { apiKey: `sk-${SECRET_MARK}-2` },
      schedule: { usageEveryMinutes: 30 },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'Renamed',
      schedule: { usageEveryMinutes: 30, keysEveryMinutes: 1440 },
    });
    expect(renamed.text).not.toContain(SECRET_MARK);
    expect((await patch(ADMIN, 'cfg-fake', { name: 'x' })).status).toBe(400);
    expect((await patch(ADMIN, 'nope', { name: 'x' })).status).toBe(404);
    expect(
      (await patch(ADMIN, 'acc', { schedule: { usageEveryMinutes: 1 } }))
        .status,
    ).toBe(400);

    const removed = await request(server)
      .delete('/api/llm-usage/accounts/acc')
      .set('Authorization', as(OWNER));
    expect(removed.status).toBe(204);
    const gone = await request(server)
      .get('/api/llm-usage/accounts/acc')
      .set('Authorization', as(ADMIN));
    expect(gone.status).toBe(404);
  });

  it('syncs now, records the run and lists it with filters', async () => {
    const { server, as, knex } = await start();
    const denied = await request(server)
      .post('/api/llm-usage/accounts/cfg-fake/sync')
      .set('Authorization', as(OTHER));
    expect(denied.status).toBe(404);

    const synced = await request(server)
      .post('/api/llm-usage/accounts/cfg-fake/sync')
      .set('Authorization', as(OWNER));
    expect(synced.status).toBe(200);
    expect(synced.body.runs).toEqual([
      expect.objectContaining({
        accountId: 'cfg-fake',
        trigger: 'manual',
        scope: 'all',
        status: 'succeeded',
        items: 2,
      }),
    ]);
    const account = await request(server)
      .get('/api/llm-usage/accounts/cfg-fake')
      .set('Authorization', as(OWNER));
    expect(account.body).toMatchObject({
      status: 'ok',
      keyCount: 1,
      balances: [
        expect.objectContaining({ currency: 'USD', available: '12.345' }),
      ],
      credentialsSet: ['apiKey'],
    });
    expect(account.text).not.toContain(SECRET_MARK);
    const keys = await request(server)
      .get('/api/llm-usage/keys?accountId=cfg-fake')
      .set('Authorization', as(ADMIN));
    expect(keys.body.items).toEqual([
      expect.objectContaining({
        providerKeyId: 'listed-1',
        providerUsage: { amount: '3.5', currency: 'USD' },
        source: 'provider',
      }),
    ]);

    const runs = await request(server)
      .get('/api/llm-usage/sync-runs?accountId=cfg-fake&status=succeeded')
      .set('Authorization', as(OWNER));
    expect(runs.body.items).toHaveLength(1);
    const none = await request(server)
      .get('/api/llm-usage/sync-runs?status=failed')
      .set('Authorization', as(OWNER));
    expect(none.body.items).toEqual([]);
    // Runs (with provider error text) are their account's: another team
    // sees none, and an account it may not see is not found.
    const othersRuns = await request(server)
      .get('/api/llm-usage/sync-runs')
      .set('Authorization', as(OTHER));
    expect(othersRuns.body.items).toEqual([]);
    const othersFilter = await request(server)
      .get('/api/llm-usage/sync-runs?accountId=cfg-fake')
      .set('Authorization', as(OTHER));
    expect(othersFilter.status).toBe(404);
    const bad = await request(server)
      .get('/api/llm-usage/sync-runs?status=broken')
      .set('Authorization', as(OTHER));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/status/);
    const audited = await knex('llm_usage_audit_events').where({
      action: 'account.sync',
      actor_ref: OWNER,
    });
    expect(audited).toHaveLength(1);
  });

  it('reconciles provider cost with recorded calls per day', async () => {
    const { server, as, knex } = await start();
    const day = Date.UTC(2026, 10, 18);
    await knex('llm_usage_keys').insert({
      id: 'key-1',
      account_id: 'cfg-fake',
      provider: 'fake',
      provider_key_id: 'pk-1',
      name: 'k',
      status: 'active',
      source: 'provider',
      created_at: 1,
      updated_at: 1,
    });
    await knex('llm_usage_provider_usage').insert({
      account_id: 'cfg-fake',
      day_start: day,
      provider_key_id: 'pk-1',
      model: 'm',
      provider_project_id: '',
      currency: 'USD',
      cost_nanos: '10500000000',
      synced_at: 1,
    });
    // Calls recorded against the key, by its provider id and by our id.
    await new DatabaseCallStore(knex).ingest([
      makeCall({
        id: 'c1',
        occurredAt: day + 1000,
        apiKeyId: 'pk-1',
        provider: 'fake',
        costNanos: 6_000_000_000n,
      }),
      makeCall({
        id: 'c2',
        occurredAt: day + 2000,
        apiKeyId: 'key-1',
        provider: 'fake',
        costNanos: 4_000_000_000n,
      }),
      makeCall({
        id: 'c3',
        occurredAt: day + 3000,
        apiKeyId: 'other',
        provider: 'fake',
        costNanos: 9_000_000_000n,
      }),
    ]);
    await new CallRollup(
      new DatabaseRollupStore(knex),
      mockServices.logger.mock(),
    ).run(day + 3 * 86_400_000);

    const response = await request(server)
      .get('/api/llm-usage/reconciliation?from=2026-11-18&to=2026-11-18')
      .set('Authorization', as(OWNER));
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      {
        accountId: 'cfg-fake',
        date: '2026-11-18',
        currency: 'USD',
        providerCost: '10.5',
        recordedCost: '10',
        difference: '0.5',
        differencePercent: 4.76,
        overTolerance: false,
      },
    ]);
    expect(response.body.tolerancePercent).toBe(5);
    const other = await request(server)
      .get('/api/llm-usage/reconciliation?from=2026-11-18&to=2026-11-18')
      .set('Authorization', as(OTHER));
    expect(other.body).toEqual({ tolerancePercent: 5, items: [], totals: [] });
    const named = await request(server)
      .get('/api/llm-usage/reconciliation?accountId=cfg-fake')
      .set('Authorization', as(OTHER));
    expect(named.status).toBe(404);
    const ownAccount = await request(server)
      .get(
        '/api/llm-usage/reconciliation?accountId=cfg-fake&from=2026-11-18&to=2026-11-18',
      )
      .set('Authorization', as(OWNER));
    expect(ownAccount.body.items).toHaveLength(1);

    // The day's keys: the one key, matched by both of its ids.
    const keys = await request(server)
      .get(
        '/api/llm-usage/reconciliation/keys?accountId=cfg-fake&date=2026-11-18',
      )
      .set('Authorization', as(OWNER));
    expect(keys.status).toBe(200);
    expect(keys.body.items).toEqual([
      {
        keyId: 'key-1',
        keyName: 'k',
        providerKeyId: 'pk-1',
        currency: 'USD',
        providerCost: '10.5',
        recordedCost: '10',
        difference: '0.5',
        differencePercent: 4.76,
        overTolerance: false,
      },
    ]);
    const othersKeys = await request(server)
      .get(
        '/api/llm-usage/reconciliation/keys?accountId=cfg-fake&date=2026-11-18',
      )
      .set('Authorization', as(OTHER));
    expect(othersKeys.status).toBe(404);
    const noDate = await request(server)
      .get('/api/llm-usage/reconciliation/keys?accountId=cfg-fake')
      .set('Authorization', as(OWNER));
    expect(noDate.status).toBe(400);
    expect(noDate.body.error.message).toMatch(/date/);

    // The export: the same day row, headed in the reader's language.
    const csv = await request(server)
      .get(
        '/api/llm-usage/reconciliation/export?from=2026-11-18&to=2026-11-18&format=csv',
      )
      .set('Authorization', as(OWNER));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    expect(lines).toHaveLength(2);
    expect(lines[1].split(',')).toEqual([
      'cfg-fake',
      expect.any(String),
      'fake',
      '2026-11-18',
      'USD',
      '10.5',
      '10',
      '0.5',
      '4.76',
      'false',
    ]);
    const othersExport = await request(server)
      .get('/api/llm-usage/reconciliation/export?accountId=cfg-fake')
      .set('Authorization', as(OTHER));
    expect(othersExport.status).toBe(404);
    const exported = await knex('llm_usage_audit_events').where({
      action: 'reconciliation.export',
      actor_ref: OWNER,
    });
    expect(exported).toHaveLength(1);
  });
});
