import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { CallInput } from '@llm-usage/backstage-plugin-llm-usage-common';
import request from 'supertest';
import { llmUsagePlugin } from '../plugin';
import {
  createTestDatabases,
  reusedDatabase,
} from '../__testUtils__/databases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ALICE = 'user:default/alice'; // team-a, owns project "alpha"
const BOB = 'user:default/bob'; // team-b, owns project "beta"
const ADMIN = 'user:default/root';
const GROUPS: Record<string, string[]> = {
  [ALICE]: ['group:default/team-a'],
  [BOB]: ['group:default/team-b'],
  [ADMIN]: ['group:default/platform'],
};

function component(name: string, projectIds: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'llm-usage.io/project-id': projectIds },
    },
    spec: { type: 'service', owner, lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const NOW = Date.now();
const iso = (offsetMs: number) => new Date(NOW - offsetMs).toISOString();

function call(overrides: Partial<CallInput>): CallInput {
  return {
    id: `c-${Math.random().toString(36).slice(2)}`,
    timestamp: iso(3_600_000),
    userRef: ALICE,
    projectId: 'alpha',
    provider: 'openai',
    model: 'gpt-4o',
    type: 'chat',
    status: 'success',
    durationMs: 800,
    inputTokens: 10,
    outputTokens: 5,
    cost: '0.25',
    currency: 'USD',
    ...overrides,
  };
}

// Alice: 3 calls in alpha (one failed). Bob: 2 calls in beta, 1 in alpha.
// An unrelated user dave makes a call in beta, in CNY.
const SEED: CallInput[] = [
  call({ id: 'a1', model: 'gpt-4o' }),
  call({ id: 'a2', model: 'gpt-4o-mini', durationMs: 1500 }),
  call({ id: 'a3', status: 'failed', errorReason: 'rate_limit', cost: '0' }),
  call({ id: 'b1', userRef: BOB, projectId: 'beta', cost: '1.5' }),
  call({
    id: 'b2',
    userRef: BOB,
    projectId: 'beta',
    timestamp: iso(2 * 86_400_000),
  }),
  call({ id: 'b3', userRef: BOB, projectId: 'alpha' }),
  call({
    id: 'd1',
    userRef: 'user:default/dave',
    projectId: 'beta',
    provider: 'volcengine',
    model: 'doubao-pro-32k',
    cost: '3.2',
    currency: 'cny',
  }),
];

describe.each(databases.eachSupportedId())('router on %p', databaseId => {
  const emptyDatabase = reusedDatabase(databases, databaseId);
  const running: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map(backend => backend.stop()));
  });

  async function startBackend() {
    const knex = await emptyDatabase();
    const backend = await startTestBackend({
      features: [
        llmUsagePlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: { llmUsage: { ingest: { maxBatchSize: 10 } } },
        }),
        catalogServiceMock.factory({
          entities: [
            component('alpha-service', 'alpha', 'group:default/team-a'),
            component('beta-service', 'beta, beta-2', 'group:default/team-b'),
          ],
        }),
        mockServices.userInfo.mock({
          getUserInfo: async (credentials: BackstageCredentials) => {
            const ref = (credentials.principal as BackstageUserPrincipal)
              .userEntityRef;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
            };
          },
        }).factory,
        mockServices.permissions.mock({
          authorize: async (requests, { credentials }) => {
            const principal =
              credentials.principal as Partial<BackstageUserPrincipal>;
            return requests.map(({ permission }) => ({
              result:
                permission.name === 'llm-usage.admin' &&
                principal.userEntityRef !== undefined &&
                principal.userEntityRef !== ADMIN
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })) as any;
          },
        }).factory,
      ],
    });
    running.push(backend);
    return backend.server;
  }

  const asUser = (ref: string) => mockCredentials.user.header(ref);
  const asService = () => mockCredentials.service.header();

  describe('POST /calls', () => {
    it('ingests a batch for a service principal and is idempotent', async () => {
      const server = await startBackend();
      const first = await request(server)
        .post('/api/llm-usage/calls')
        .set('Authorization', asService())
        .send(SEED.slice(0, 7));
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        received: 7,
        inserted: 7,
        completed: 0,
        unchanged: 0,
      });

      const again = await request(server)
        .post('/api/llm-usage/calls')
        .set('Authorization', asService())
        .send(SEED.slice(0, 7));
      expect(again.body).toEqual({
        received: 7,
        inserted: 0,
        completed: 0,
        unchanged: 7,
      });

      const overview = await request(server)
        .get('/api/llm-usage/usage/overview')
        .set('Authorization', asUser(ADMIN));
      expect(overview.body.current.calls).toBe(7);
    });

    it('completes a processing call when the same id is sent again', async () => {
      const server = await startBackend();
      const post = (body: object) =>
        request(server)
          .post('/api/llm-usage/calls')
          .set('Authorization', asService())
          .send(body);
      await post([
        call({
          id: 'p1',
          status: 'processing',
          durationMs: undefined,
          cost: undefined,
        }),
      ]);
      const done = await post([
        call({ id: 'p1', status: 'success', durationMs: 900, cost: '0.5' }),
      ]);
      expect(done.body).toMatchObject({ completed: 1 });
      const stats = await request(server)
        .get('/api/llm-usage/usage/projects/alpha/stats')
        .set('Authorization', asUser(ADMIN));
      expect(stats.body.stats).toMatchObject({
        calls: 1,
        successCalls: 1,
        processingCalls: 0,
      });
      expect(stats.body.stats.costs).toEqual([
        { currency: 'USD', amount: '0.5' },
      ]);
    });

    it('refuses user tokens with 403', async () => {
      const server = await startBackend();
      const res = await request(server)
        .post('/api/llm-usage/calls')
        .set('Authorization', asUser(ALICE))
        .send([call({})]);
      expect(res.status).toBe(403);
    });

    it.each([
      ['not an array', { id: 'x' }, /JSON array/],
      ['empty', [], /at least one call/],
      [
        'too many',
        Array.from({ length: 11 }, (_, i) => call({ id: `t${i}` })),
        /at most 10/,
      ],
      [
        'bad timestamp',
        [call({ id: 'ok' }), call({ id: 'bad', timestamp: 'yesterday' })],
        /\[1\]\.timestamp/,
      ],
      ['missing model', [call({ model: undefined })], /\[0\]\.model/],
      ['bad status', [call({ status: 'done' as any })], /\[0\]\.status/],
      ['negative tokens', [call({ inputTokens: -1 })], /\[0\]\.inputTokens/],
      ['bad cost', [call({ cost: '1e5' })], /\[0\]\.cost/],
      ['bad currency', [call({ currency: 'dollars' })], /\[0\]\.currency/],
      ['bad userRef', [call({ userRef: 'group:' })], /\[0\]\.userRef/],
      ['unknown field', [{ ...call({}), colour: 'red' }], /\[0\]/],
      ['huge id', [call({ id: 'x'.repeat(300) })], /\[0\]\.id/],
    ] as Array<[string, unknown, RegExp]>)(
      'rejects %s with a 400 naming the problem, storing nothing',
      async (_name, body, message) => {
        const server = await startBackend();
        const res = await request(server)
          .post('/api/llm-usage/calls')
          .set('Authorization', asService())
          .send(body as any);
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toMatch(message);
        const overview = await request(server)
          .get('/api/llm-usage/usage/overview')
          .set('Authorization', asUser(ADMIN));
        expect(overview.body.current.calls).toBe(0);
      },
    );

    it('rejects malformed JSON with a 400', async () => {
      const server = await startBackend();
      const res = await request(server)
        .post('/api/llm-usage/calls')
        .set('Authorization', asService())
        .set('Content-Type', 'application/json')
        .send('[{"id": ');
      expect(res.status).toBe(400);
    });
  });

  describe('visibility', () => {
    async function seeded() {
      const server = await startBackend();
      await request(server)
        .post('/api/llm-usage/calls')
        .set('Authorization', asService())
        .send(SEED);
      const get = (ref: string, path: string) =>
        request(server)
          .get(`/api/llm-usage${path}`)
          .set('Authorization', asUser(ref));
      return get;
    }

    it('scopes the overview: own calls plus owned projects; admins see all', async () => {
      const get = await seeded();
      // Alice: a1-a3 (own) + b3 (Bob's call in Alice's team's project).
      expect((await get(ALICE, '/usage/overview')).body.current.calls).toBe(4);
      // Bob: beta (b1, b2, d1) + his own b3.
      expect((await get(BOB, '/usage/overview')).body.current.calls).toBe(4);
      // Someone without projects sees only their own calls.
      expect(
        (await get('user:default/dave', '/usage/overview')).body.current.calls,
      ).toBe(1);
      const admin = (await get(ADMIN, '/usage/overview')).body.current;
      expect(admin.calls).toBe(7);
      expect(admin.costs).toEqual([
        { currency: 'CNY', amount: '3.2' },
        { currency: 'USD', amount: '2.5' },
      ]);
    });

    it('scopes the project list and links catalog entities', async () => {
      const get = await seeded();
      const alice = (await get(ALICE, '/usage/projects')).body;
      expect(alice.items.map((p: any) => p.projectId)).toEqual(['alpha']);
      expect(alice.items[0].entity).toMatchObject({
        entityRef: 'component:default/alpha-service',
        ownerRefs: ['group:default/team-a'],
      });
      const dave = (await get('user:default/dave', '/usage/projects')).body;
      expect(dave.items.map((p: any) => [p.projectId, p.calls])).toEqual([
        ['beta', 1],
      ]);
      const admin = (await get(ADMIN, '/usage/projects?sort=calls&order=desc'))
        .body;
      expect(admin.items.map((p: any) => [p.projectId, p.calls])).toEqual([
        ['alpha', 4],
        ['beta', 3],
      ]);
    });

    it('gives a paged project the same figures as the list sorted by P95', async () => {
      const get = await seeded();
      for (const ref of [ALICE, BOB, 'user:default/dave', ADMIN]) {
        // Pages of another sort, read one project at a time.
        const full = (await get(ref, '/usage/projects?sort=p95Latency')).body;
        const paged = [];
        for (let offset = 0; offset < full.totalCount; offset++) {
          const page = (
            await get(
              ref,
              `/usage/projects?sort=calls&limit=1&offset=${offset}`,
            )
          ).body;
          expect(page.totalCount).toBe(full.totalCount);
          paged.push(...page.items);
        }
        const byId = (a: any, b: any) => a.projectId.localeCompare(b.projectId);
        expect(paged.sort(byId)).toEqual([...full.items].sort(byId));
      }
      const admin = (await get(ADMIN, '/usage/projects?sort=projectId')).body;
      expect(admin.items.map((p: any) => p.p95LatencyMs)).not.toContain(null);
    });

    it('scopes trends, stats, models and calls of a project', async () => {
      const get = await seeded();
      const trendCalls = async (ref: string) =>
        (
          await get(ref, '/usage/trends?interval=day&tz=Asia/Shanghai')
        ).body.points.reduce((sum: number, p: any) => sum + p.calls, 0);
      expect(await trendCalls(ALICE)).toBe(4);
      expect(await trendCalls('user:default/dave')).toBe(1);

      // Alice may open beta's page (it is in the catalog) but sees none of its calls.
      expect(
        (await get(ALICE, '/usage/projects/beta/stats')).body.stats.calls,
      ).toBe(0);
      expect(
        (await get(ALICE, '/usage/projects/beta/calls')).body.items,
      ).toEqual([]);
      expect(
        (await get(ALICE, '/usage/projects/beta/models')).body.models,
      ).toEqual([]);
      // Bob sees his own call in alpha, not Alice's.
      const bobCalls = (await get(BOB, '/usage/projects/alpha/calls')).body
        .items;
      expect(bobCalls.map((c: any) => c.id)).toEqual(['b3']);
      const bobTrend = (
        await get(BOB, '/usage/projects/alpha/trends?interval=day')
      ).body.points;
      expect(bobTrend.reduce((sum: number, p: any) => sum + p.calls, 0)).toBe(
        1,
      );

      const aliceModels = (await get(ALICE, '/usage/projects/alpha/models'))
        .body.models;
      expect(aliceModels.map((m: any) => [m.model, m.calls])).toEqual([
        ['gpt-4o', 3],
        ['gpt-4o-mini', 1],
      ]);
    });

    it('answers 404 for a project that is neither in the catalog nor visible', async () => {
      const get = await seeded();
      expect((await get(ALICE, '/usage/projects/nowhere/stats')).status).toBe(
        404,
      );
      // dave's call makes beta visible to him even without ownership.
      expect(
        (await get('user:default/dave', '/usage/projects/beta/stats')).status,
      ).toBe(200);
    });

    it('filters and pages the call history', async () => {
      const get = await seeded();
      const failed = (
        await get(ADMIN, '/usage/projects/alpha/calls?status=failed')
      ).body.items;
      expect(failed.map((c: any) => [c.id, c.errorReason])).toEqual([
        ['a3', 'rate_limit'],
      ]);
      const page1 = (
        await get(ADMIN, '/usage/projects/alpha/calls?limit=2&sort=latency')
      ).body;
      expect(page1.items).toHaveLength(2);
      expect(page1.items[0].durationMs).toBe(1500);
      const page2 = (
        await get(
          ADMIN,
          `/usage/projects/alpha/calls?limit=2&sort=latency&cursor=${page1.nextCursor}`,
        )
      ).body;
      expect(page2.items).toHaveLength(2);
      expect(page2.nextCursor).toBeUndefined();
      const ids = [...page1.items, ...page2.items].map((c: any) => c.id);
      expect(new Set(ids).size).toBe(4);
    });
  });

  describe('bad queries', () => {
    it.each([
      ['/usage/overview?from=yesterday', 'from'],
      [`/usage/overview?from=${iso(0)}&to=${iso(86_400_000)}`, 'from'],
      [
        '/usage/overview?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
        'from',
      ],
      ['/usage/overview?colour=red', 'colour'],
      ['/usage/projects?sort=vibes', 'sort'],
      ['/usage/projects?order=sideways', 'order'],
      ['/usage/projects?limit=-1', 'limit'],
      ['/usage/projects?limit=100000', 'limit'],
      ['/usage/projects?offset=abc', 'offset'],
      ['/usage/trends?tz=Mars/Olympus', 'tz'],
      ['/usage/trends?interval=fortnight', 'interval'],
      [
        '/usage/trends?interval=hour&from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z',
        'interval',
      ],
      ['/usage/trends?split=colour', 'split'],
      ['/usage/projects/alpha/stats?to=nope', 'to'],
      ['/usage/projects/alpha/trends?tz=UTC%2B8', 'tz'],
      ['/usage/projects/alpha/models?from=1', 'from'],
      ['/usage/projects/alpha/calls?cursor=garbage', 'cursor'],
      ['/usage/projects/alpha/calls?limit=0', 'limit'],
      ['/usage/projects/alpha/calls?status=maybe', 'status'],
      ['/usage/projects/alpha/calls?sort=cost', 'sort'],
      ['/usage/projects/alpha/calls?from[]=a', 'from'],
    ])('GET %s → 400 naming %s', async (path, parameter) => {
      const server = await startBackend();
      const res = await request(server)
        .get(`/api/llm-usage${path}`)
        .set('Authorization', asUser(ALICE));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(`'${parameter}'`);
    });

    it('rejects a cursor from a differently sorted list', async () => {
      const server = await startBackend();
      await request(server)
        .post('/api/llm-usage/calls')
        .set('Authorization', asService())
        .send(SEED);
      const first = await request(server)
        .get('/api/llm-usage/usage/projects/alpha/calls?limit=1&sort=time')
        .set('Authorization', asUser(ADMIN));
      const res = await request(server)
        .get(
          `/api/llm-usage/usage/projects/alpha/calls?limit=1&sort=latency&cursor=${first.body.nextCursor}`,
        )
        .set('Authorization', asUser(ADMIN));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("'cursor'");
    });

    it('requires authentication', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get('/api/llm-usage/usage/overview')
        .set('Authorization', mockCredentials.user.invalidHeader());
      expect(res.status).toBe(401);
    });
  });
});
