import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ADMIN,
  AUDITOR,
  NOBODY,
  OTHER,
  OWNER,
  SECRET_MARK,
  TEAM_A,
  providerCalls,
  startProviderTestBackend,
} from '../__testUtils__/providerBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('keys API on %p', databaseId => {
  async function start() {
    const knex = await databases.init(databaseId);
    const { server, as } = await startProviderTestBackend(knex);
    await request(server)
      .post('/api/llm-usage/accounts')
      .set('Authorization', as(ADMIN))
      .send({
        id: 'fake-main',
        provider: 'fake',
        name: 'Fake main',
        // Team A may use the account's credentials.
        ownerRef: TEAM_A,
        credentials: { apiKey: `fake-${SECRET_MARK}-account` },
      })
      .expect(201);
    /** A key owned by team-a, known at the provider. */
    // Provider ids carry a counter, not random text, so a search for one
    // key's name can never match another key's id by chance.
    let keySerial = 0;
    const newKey = async (name = 'k') => {
      const response = await request(server)
        .post('/api/llm-usage/keys')
        .set('Authorization', as(ADMIN))
        .send({
          accountId: 'fake-main',
          name,
          providerKeyId: `p-${name}-${++keySerial}`,
          ownerRef: TEAM_A,
          secret: `sk-${SECRET_MARK}-${name}-value`,
        });
      expect(response.status).toBe(201);
      return response.body.id as string;
    };
    return { server, as, newKey, knex };
  }

  it('never returns a secret, and says which credentials are set', async () => {
    const { server, as, newKey, knex } = await start();
    const id = await newKey('secretive');
    const texts = [
      (
        await request(server)
          .get(`/api/llm-usage/keys/${id}`)
          .set('Authorization', as(ADMIN))
      ).text,
      (
        await request(server)
          .get('/api/llm-usage/keys')
          .set('Authorization', as(ADMIN))
      ).text,
      (
        await request(server)
          .get('/api/llm-usage/accounts')
          .set('Authorization', as(ADMIN))
      ).text,
    ];
    for (const text of texts) {
      expect(text).not.toContain(SECRET_MARK);
    }
    const key = JSON.parse(texts[0]);
    expect(key).toMatchObject({ hasSecret: true, maskedHint: 'sk-…alue' });
    expect(JSON.parse(texts[2]).items[0].credentialsSet).toEqual(['apiKey']);
    const audit = await knex('llm_usage_audit_events').select(
      'before',
      'after',
    );
    expect(JSON.stringify(audit)).not.toContain(SECRET_MARK);
    // Stored encrypted, not in the clear.
    const row = await knex('llm_usage_keys').where({ id }).first();
    expect(row.secret_encrypted).toMatch(/^v1:/);
    expect(row.secret_encrypted).not.toContain(SECRET_MARK);
  });

  it('lists only the keys the caller may read', async () => {
    const { server, as, newKey } = await start();
    await newKey('a1');
    await newKey('a2');
    const list = async (ref: string) =>
      (
        await request(server)
          .get('/api/llm-usage/keys')
          .set('Authorization', as(ref))
      ).body;
    expect((await list(ADMIN)).total).toBe(2);
    expect((await list(OWNER)).total).toBe(2);
    expect(await list(OTHER)).toMatchObject({ total: 0, items: [] });
    expect((await list(NOBODY)).total).toBe(0);
    const other = await request(server)
      .get('/api/llm-usage/keys?q=a1&sort=createdAt&order=desc')
      .set('Authorization', as(ADMIN));
    expect(other.body.items.map((k: { name: string }) => k.name)).toEqual([
      'a1',
    ]);
  });

  // Each mutating route × owner / other team / admin / no permission.
  const routes: Array<{
    name: string;
    call: (
      server: any,
      auth: string,
      keyId: string,
    ) => Promise<request.Response>;
    ok: number;
    providerCall?: string;
  }> = [
    {
      name: 'PATCH /keys/:id',
      call: (server, auth, keyId) =>
        request(server)
          .patch(`/api/llm-usage/keys/${keyId}`)
          .set('Authorization', auth)
          .send({ notes: 'rotated', expiresAt: '2027-01-01' }),
      ok: 200,
    },
    {
      name: 'POST /keys/:id/disable',
      call: (server, auth, keyId) =>
        request(server)
          .post(`/api/llm-usage/keys/${keyId}/disable`)
          .set('Authorization', auth),
      ok: 200,
      providerCall: 'disable',
    },
    {
      name: 'POST /keys/:id/enable',
      call: (server, auth, keyId) =>
        request(server)
          .post(`/api/llm-usage/keys/${keyId}/enable`)
          .set('Authorization', auth),
      ok: 200,
      providerCall: 'enable',
    },
    {
      name: 'PATCH /keys/:id with a limit',
      call: (server, auth, keyId) =>
        request(server)
          .patch(`/api/llm-usage/keys/${keyId}`)
          .set('Authorization', auth)
          .send({ limit: { amount: '42.5', currency: 'USD' } }),
      ok: 200,
      providerCall: 'limit',
    },
    {
      name: 'DELETE /keys/:id',
      call: (server, auth, keyId) =>
        request(server)
          .delete(`/api/llm-usage/keys/${keyId}`)
          .set('Authorization', auth),
      ok: 200,
      providerCall: 'delete',
    },
  ];

  it.each(routes)('enforces the owner rule on $name', async route => {
    const { server, as, newKey, knex } = await start();
    const expected: Array<[string, number]> = [
      [OWNER, route.ok],
      // A key the caller may not read is not found (its owner not named).
      [OTHER, 404],
      [ADMIN, route.ok],
      [NOBODY, 404],
    ];
    for (const [user, status] of expected) {
      const keyId = await newKey(`k-${user.split('/')[1]}`);
      providerCalls.length = 0;
      const response = await route.call(server, as(user), keyId);
      expect({ user, status: response.status }).toEqual({ user, status });
      const events = await knex('llm_usage_audit_events')
        .where({ target_id: keyId, actor_ref: user })
        .whereNot('action', 'key.register');
      expect({ user, audited: events.length }).toEqual({
        user,
        audited: status < 300 ? 1 : 0,
      });
      // Provider calls only for routes that reach the provider, only when allowed.
      const calledAtProvider = providerCalls.map(call => call.split(' ')[0]);
      const expectedCalls =
        route.providerCall && status < 300 ? [route.providerCall] : [];
      expect({ user, calledAtProvider }).toEqual({
        user,
        calledAtProvider: expectedCalls,
      });
    }
  });

  it('refuses every route that reaches the provider with an account the caller may not use', async () => {
    const { server, as, knex } = await start();
    const send = (
      method: 'get' | 'post' | 'patch' | 'delete',
      path: string,
      user: string,
      body?: object,
    ) => {
      const req = request(server)
        [method](`/api/llm-usage${path}`)
        .set('Authorization', as(user));
      return body ? req.send(body) : req;
    };
    // Team B's account; team A owns a key on it (registered by an admin).
    await send('post', '/accounts', ADMIN, {
      id: 'fake-b',
      provider: 'fake',
      name: 'Team B',
      ownerRef: 'group:default/team-b',
      credentials: { apiKey: 'sk-team-b' },
    }).expect(201);
    const registered = await send('post', '/keys', ADMIN, {
      accountId: 'fake-b',
      name: 'lent',
      providerKeyId: 'p-lent',
      ownerRef: TEAM_A,
    });
    expect(registered.status).toBe(201);
    const keyId = registered.body.id as string;
    providerCalls.length = 0;

    // The key's owner still reads and edits it here...
    expect((await send('get', `/keys/${keyId}`, OWNER)).status).toBe(200);
    expect(
      (await send('patch', `/keys/${keyId}`, OWNER, { notes: 'ok' })).status,
    ).toBe(200);
    // ...but reaches the provider with team B's credentials nowhere.
    const refused: Record<string, number> = {
      disable: (await send('post', `/keys/${keyId}/disable`, OWNER)).status,
      enable: (await send('post', `/keys/${keyId}/enable`, OWNER)).status,
      limit: (
        await send('patch', `/keys/${keyId}`, OWNER, {
          limit: { amount: '5', currency: 'USD' },
        })
      ).status,
      delete: (await send('delete', `/keys/${keyId}`, OWNER)).status,
      register: (
        await send('post', '/keys', OWNER, {
          accountId: 'fake-b',
          name: 'mine-now',
          ownerRef: TEAM_A,
        })
      ).status,
      create: (
        await send('post', '/keys/provider', OWNER, {
          accountId: 'fake-b',
          name: 'minted',
          ownerRef: TEAM_A,
        })
      ).status,
      test: (await send('post', '/accounts/fake-b/test', OWNER)).status,
      sync: (await send('post', '/accounts/fake-b/sync', OWNER)).status,
    };
    expect(refused).toEqual({
      disable: 404,
      enable: 404,
      limit: 404,
      delete: 404,
      register: 404,
      create: 404,
      test: 404,
      sync: 404,
    });
    const batch = await send('post', '/keys/batch', OWNER, {
      action: 'delete',
      keyIds: [keyId],
    });
    expect(batch.body.results).toEqual([
      { keyId, ok: false, error: "No provider account 'fake-b'" },
    ]);
    const imported = await send('post', '/keys/import', OWNER, {
      format: 'csv',
      content: `accountId,name,ownerRef\nfake-b,smuggled,${TEAM_A}`,
    });
    expect(imported.body).toMatchObject({ created: 0, failed: 1 });
    const dryRun = await send('post', '/keys/import', OWNER, {
      format: 'csv',
      content: `accountId,name,ownerRef\nfake-b,smuggled,${TEAM_A}`,
      dryRun: true,
    });
    expect(dryRun.body.rows).toEqual([
      { row: 1, outcome: 'failed', error: "No provider account 'fake-b'" },
    ]);
    expect(providerCalls).toEqual([]);
    const key = await knex('llm_usage_keys').where({ id: keyId }).first();
    expect(key).toMatchObject({ status: 'active', deleted_at: null });
    expect(
      await knex('llm_usage_keys').whereIn('name', [
        'mine-now',
        'minted',
        'smuggled',
      ]),
    ).toEqual([]);

    // Team B uses its account, but a key it does not own is not found.
    expect((await send('get', `/keys/${keyId}`, OTHER)).status).toBe(404);
    expect((await send('post', `/keys/${keyId}/disable`, OTHER)).status).toBe(
      404,
    );
    expect(
      (
        await send('post', '/keys', OTHER, {
          accountId: 'fake-b',
          name: 'theirs',
          ownerRef: 'group:default/team-b',
        })
      ).status,
    ).toBe(201);
    expect((await send('post', '/accounts/fake-b/test', OTHER)).status).toBe(
      200,
    );
    // An admin may use every account.
    expect((await send('post', `/keys/${keyId}/disable`, ADMIN)).status).toBe(
      200,
    );
    expect(providerCalls).toEqual(['disable p-lent']);
  });

  it('refuses with 403 who sees an account but may not use it', async () => {
    const { server, as, newKey } = await start();
    const keyId = await newKey('audited');
    providerCalls.length = 0;
    const send = (method: 'get' | 'post', path: string, body?: object) => {
      const req = request(server)
        [method](`/api/llm-usage${path}`)
        .set('Authorization', as(AUDITOR));
      return body ? req.send(body) : req;
    };
    expect((await send('get', '/accounts/fake-main')).status).toBe(200);
    expect((await send('get', `/keys/${keyId}`)).status).toBe(200);
    const refused = [
      await send('post', '/accounts/fake-main/test'),
      await send('post', '/accounts/fake-main/sync'),
      await send('post', `/keys/${keyId}/disable`),
      await send('post', '/keys/provider', {
        accountId: 'fake-main',
        name: 'minted',
        ownerRef: TEAM_A,
      }),
    ];
    expect(refused.map(res => res.status)).toEqual([403, 403, 403, 403]);
    expect(refused[0].body.error.message).toBe(
      "Not allowed: llm-usage.accounts.use on provider account 'fake-main'",
    );
    expect(providerCalls).toEqual([]);
  });

  it('lets owners register keys for their team only', async () => {
    const { server, as } = await start();
    const register = (user: string, ownerRef: string | null) =>
      request(server)
        .post('/api/llm-usage/keys')
        .set('Authorization', as(user))
        .send({ accountId: 'fake-main', name: 'manual', ownerRef });
    expect((await register(OWNER, TEAM_A)).status).toBe(201);
    expect((await register(OWNER, 'group:default/team-b')).status).toBe(403);
    // Neither may use (nor see) team A's account.
    expect((await register(OTHER, TEAM_A)).status).toBe(404);
    expect((await register(NOBODY, TEAM_A)).status).toBe(404);
    expect((await register(ADMIN, null)).status).toBe(201);
    const twice = () =>
      request(server)
        .post('/api/llm-usage/keys')
        .set('Authorization', as(ADMIN))
        .send({ accountId: 'fake-main', name: 'dup', providerKeyId: 'same' });
    expect((await twice()).status).toBe(201);
    expect((await twice()).status).toBe(409);
  });

  it('creates a key at the provider and shows its secret once', async () => {
    const { server, as, knex } = await start();
    const response = await request(server)
      .post('/api/llm-usage/keys/provider')
      .set('Authorization', as(OWNER))
      .send({ accountId: 'fake-main', name: 'fresh', ownerRef: TEAM_A });
    expect(response.status).toBe(201);
    expect(response.body.secret).toContain(SECRET_MARK);
    expect(response.body.key).toMatchObject({
      providerKeyId: 'prov-fresh',
      limit: { amount: '12.5', currency: 'USD' },
      hasSecret: false,
    });
    const row = await knex('llm_usage_keys')
      .where({ id: response.body.key.id })
      .first();
    expect(JSON.stringify(row)).not.toContain(SECRET_MARK);
    const denied = await request(server)
      .post('/api/llm-usage/keys/provider')
      .set('Authorization', as(OTHER))
      .send({ accountId: 'fake-main', name: 'nope', ownerRef: TEAM_A });
    expect(denied.status).toBe(404);
  });

  it('reports each key of a batch on its own, checking permissions per key', async () => {
    const { server, as, newKey } = await start();
    const mine = await newKey('mine');
    const theirs = (
      await request(server)
        .post('/api/llm-usage/keys')
        .set('Authorization', as(ADMIN))
        .send({
          accountId: 'fake-main',
          name: 'theirs',
          ownerRef: 'group:default/team-b',
        })
    ).body.id;
    const response = await request(server)
      .post('/api/llm-usage/keys/batch')
      .set('Authorization', as(OWNER))
      .send({ action: 'disable', keyIds: [mine, theirs, 'missing'] });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ succeeded: 1, failed: 2 });
    expect(response.body.results).toEqual([
      { keyId: mine, ok: true, localOnly: false },
      { keyId: theirs, ok: false, error: `No key '${theirs}'` },
      { keyId: 'missing', ok: false, error: expect.stringMatching(/No key/) },
    ]);
    const bad = await request(server)
      .post('/api/llm-usage/keys/batch')
      .set('Authorization', as(OWNER))
      .send({ action: 'assignOwner', keyIds: [mine] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/ownerRef/);
  });

  it('imports CSV with a report per row', async () => {
    const { server, as } = await start();
    const tag = await request(server)
      .post('/api/llm-usage/tags')
      .set('Authorization', as(ADMIN))
      .send({ name: 'prod', color: '#00ff00' });
    expect(tag.status).toBe(201);
    const csv = [
      'accountId,name,providerKeyId,ownerRef,expiresAt,tags',
      `fake-main,one,pk-1,${TEAM_A},2027-01-31,prod`,
      'fake-main,two,pk-2,group:default/team-b,,',
      'missing-account,three,,,,',
      `fake-main,four,,${TEAM_A},not-a-date,`,
      `fake-main,five,,${TEAM_A},,unknown-tag`,
    ].join('\n');
    const response = await request(server)
      .post('/api/llm-usage/keys/import')
      .set('Authorization', as(OWNER))
      .send({ format: 'csv', content: csv });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ created: 1, updated: 0, failed: 4 });
    expect(
      response.body.rows.map((r: { outcome: string }) => r.outcome),
    ).toEqual(['created', 'failed', 'failed', 'failed', 'failed']);
    expect(response.body.rows[1].error).toMatch(/Not allowed/);
    expect(response.body.rows[2].error).toMatch(/missing-account/);
    expect(response.body.rows[3].error).toMatch(/expiresAt/);
    expect(response.body.rows[4].error).toMatch(/unknown-tag/);

    // Importing the same provider key again updates it.
    const again = await request(server)
      .post('/api/llm-usage/keys/import')
      .set('Authorization', as(OWNER))
      .send({
        format: 'json',
        content: JSON.stringify([
          {
            accountId: 'fake-main',
            name: 'one',
            providerKeyId: 'pk-1',
            notes: 'seen',
          },
        ]),
      });
    expect(again.body).toMatchObject({ created: 0, updated: 1, failed: 0 });
    const list = await request(server)
      .get(`/api/llm-usage/keys?tag=${tag.body.id}`)
      .set('Authorization', as(OWNER));
    expect(list.body.items).toEqual([
      expect.objectContaining({
        name: 'one',
        notes: 'seen',
        expiryState: 'valid',
        tags: [expect.objectContaining({ name: 'prod' })],
      }),
    ]);
  });

  it('manages tags as admin and counts only the keys a caller may read', async () => {
    const { server, as, newKey, knex } = await start();
    const created = await request(server)
      .post('/api/llm-usage/tags')
      .set('Authorization', as(ADMIN))
      .send({ name: 'prod', color: '#112233' });
    expect(created.status).toBe(201);
    const tagId = created.body.id;
    const duplicate = await request(server)
      .post('/api/llm-usage/tags')
      .set('Authorization', as(ADMIN))
      .send({ name: 'PROD' });
    expect(duplicate.status).toBe(409);

    const keyId = await newKey('tagged');
    const tagged = await request(server)
      .patch(`/api/llm-usage/keys/${keyId}`)
      .set('Authorization', as(OWNER))
      .send({ tagIds: [tagId] });
    expect(tagged.body.tags).toEqual([
      { id: tagId, name: 'prod', color: '#112233' },
    ]);
    const row = await knex('llm_usage_keys').where({ id: keyId }).first();
    await knex('llm_usage_provider_usage').insert({
      account_id: 'fake-main',
      day_start: Date.UTC(
        new Date().getUTCFullYear(),
        new Date().getUTCMonth(),
        1,
      ),
      provider_key_id: row.provider_key_id,
      model: 'm',
      provider_project_id: '',
      currency: 'USD',
      cost_nanos: '2500000000',
      synced_at: 1,
    });

    const stats = async (user: string) =>
      (
        await request(server)
          .get('/api/llm-usage/tags')
          .set('Authorization', as(user))
      ).body.items[0];
    expect(await stats(OWNER)).toMatchObject({
      name: 'prod',
      keyCount: 1,
      activeKeyCount: 1,
      monthCost: [{ currency: 'USD', amount: '2.5' }],
    });
    expect(await stats(OTHER)).toMatchObject({ keyCount: 0, monthCost: [] });

    const renamed = await request(server)
      .patch(`/api/llm-usage/tags/${tagId}`)
      .set('Authorization', as(ADMIN))
      .send({ name: 'production' });
    expect(renamed.body.name).toBe('production');
    const deleted = await request(server)
      .delete(`/api/llm-usage/tags/${tagId}`)
      .set('Authorization', as(ADMIN));
    expect(deleted.status).toBe(204);
    const key = await request(server)
      .get(`/api/llm-usage/keys/${keyId}`)
      .set('Authorization', as(OWNER));
    expect(key.body.tags).toEqual([]);
    const actions = await knex('llm_usage_audit_events')
      .where({ target_type: 'tag' })
      .pluck('action');
    expect(actions.sort()).toEqual(['tag.create', 'tag.delete', 'tag.update']);
  });

  it('answers bad input with 400 naming the field and unknown ids with 404', async () => {
    const { server, as } = await start();
    const bad = await request(server)
      .get('/api/llm-usage/keys?status=nope')
      .set('Authorization', as(ADMIN));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/status/);
    const badOwner = await request(server)
      .post('/api/llm-usage/keys')
      .set('Authorization', as(ADMIN))
      .send({ accountId: 'fake-main', name: 'x', ownerRef: 'not a ref' });
    expect(badOwner.status).toBe(400);
    expect(badOwner.body.error.message).toMatch(/ownerRef/);
    const missing = await request(server)
      .patch('/api/llm-usage/keys/nope')
      .set('Authorization', as(ADMIN))
      .send({ notes: 'x' });
    expect(missing.status).toBe(404);
    const tagAsOwner = await request(server)
      .post('/api/llm-usage/tags')
      .set('Authorization', as(OWNER))
      .send({ name: 'mine' });
    expect(tagAsOwner.status).toBe(403);
  });
});
