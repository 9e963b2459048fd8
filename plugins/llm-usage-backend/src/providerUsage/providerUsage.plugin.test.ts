import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import llmUsageModuleOpenAi from '@llm-usage/backstage-plugin-llm-usage-backend-module-openai';
import llmUsageModuleOpenRouter from '@llm-usage/backstage-plugin-llm-usage-backend-module-openrouter';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { component } from '../__testUtils__/pluginHarness';
import {
  ADMIN,
  OTHER,
  OWNER,
  TEAM_A,
  startProviderTestBackend,
} from '../__testUtils__/providerBackend';

/*
 * A fresh install that only connects provider accounts — OpenRouter (cost
 * per key) and OpenAI (tokens per key, cost per project only) — synced
 * through the HTTP API with the real provider modules and msw, no call ever
 * ingested: the dashboard, the project list and the entity tabs show the
 * providers' figures, labelled as such, only to those who may read the keys;
 * the cost OpenAI does not split by key is estimated apart, never added to
 * the reported cost.
 */

jest.setTimeout(180_000);

const OPENROUTER = 'https://openrouter.ai/api/v1';
const OPENAI = 'https://api.openai.com/v1';
const TEAM_B = 'group:default/team-b';
const PLATFORM = 'group:default/platform';
const DAY_MS = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const D1 = TODAY - 2 * DAY_MS;
const D2 = TODAY - DAY_MS;
const isoDay = (day: number) => new Date(day).toISOString().slice(0, 10);

const server = setupServer();
beforeAll(() =>
  server.listen({
    onUnhandledRequest(sent, print) {
      if (!['127.0.0.1', 'localhost'].includes(new URL(sent.url).hostname)) {
        print.error();
      }
    },
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const activity = (day: number, usage: number, requests: number) => ({
  date: isoDay(day),
  model: 'openai/gpt-4.1',
  usage,
  requests,
  prompt_tokens: 50,
  completion_tokens: 125,
});

const orKey = (hash: string) => ({
  hash,
  name: `Key ${hash}`,
  label: `sk-or-v1-abc...${hash}`,
  disabled: false,
  limit: null,
  usage: 0,
  created_at: '2026-10-01T10:00:00Z',
  workspace_id: 'ws-1',
});

const list = (data: unknown[]) =>
  HttpResponse.json({
    object: 'list',
    data,
    first_id: null,
    last_id: null,
    has_more: false,
  });
const buckets = (day: number, results: unknown[]) =>
  HttpResponse.json({
    object: 'page',
    data: [
      {
        object: 'bucket',
        start_time: day / 1000,
        end_time: (day + DAY_MS) / 1000,
        results,
      },
    ],
    has_more: false,
    next_page: null,
  });

function providers() {
  server.use(
    // OpenRouter: two keys, usage and cost per key and day.
    http.get(`${OPENROUTER}/keys`, ({ request: sent }) => {
      const offset = Number(new URL(sent.url).searchParams.get('offset'));
      return HttpResponse.json({
        data: offset > 0 ? [] : [orKey('k1'), orKey('k2')],
      });
    }),
    http.get(`${OPENROUTER}/activity`, ({ request: sent }) => {
      const hash = new URL(sent.url).searchParams.get('api_key_hash');
      return HttpResponse.json({
        data:
          hash === 'k1'
            ? [activity(D1, 0.1, 5), activity(D2, 0.2, 5)]
            : [activity(D1, 1.000000001, 2)],
      });
    }),
    http.get(`${OPENROUTER}/credits`, () =>
      HttpResponse.json({ data: { total_credits: 100, total_usage: 10 } }),
    ),
    // OpenAI: one project key; its tokens per key, the cost per project.
    http.get(`${OPENAI}/organization/projects`, () =>
      list([{ id: 'proj_1', name: 'Main', status: 'active' }]),
    ),
    http.get(`${OPENAI}/organization/projects/proj_1/api_keys`, () =>
      list([
        {
          id: 'key_a',
          name: 'Support bot',
          redacted_value: 'sk-...aaaa',
          created_at: 1_700_000_000,
          last_used_at: null,
          owner_project_access: 'active',
        },
      ]),
    ),
    http.get(`${OPENAI}/organization/admin_api_keys`, () => list([])),
    http.get(`${OPENAI}/organization/usage/:kind`, ({ params }) =>
      params.kind === 'completions'
        ? buckets(D1, [
            {
              object: 'organization.usage.completions.result',
              api_key_id: 'key_a',
              model: 'test-model-x',
              project_id: 'proj_1',
              input_tokens: 1_000_000,
              output_tokens: 500_000,
              input_cached_tokens: 0,
              num_model_requests: 7,
            },
          ])
        : buckets(D1, []),
    ),
    http.get(`${OPENAI}/organization/costs`, () =>
      buckets(D1, [
        {
          object: 'organization.costs.result',
          amount: { value: 3.25, currency: 'usd' },
          line_item: 'test-model-x, input',
          project_id: 'proj_1',
        },
      ]),
    ),
  );
}

function group(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  };
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'usage from provider reports on %p',
  databaseId => {
    async function start() {
      providers();
      const knex = await databases.init(databaseId);
      const backend = await startProviderTestBackend(
        knex,
        {
          pricing: {
            prices: [
              {
                provider: 'openai',
                model: 'test-model-x',
                currency: 'USD',
                inputPerMillion: '1',
                outputPerMillion: '2',
                effectiveFrom: '2026-01-01',
              },
            ],
          },
        },
        [llmUsageModuleOpenRouter, llmUsageModuleOpenAi],
        [component('chat-svc', 'chat', TEAM_A), group('team-a')],
      );
      const get = (path: string, as = ADMIN) =>
        request(backend.server)
          .get(`/api/llm-usage${path}`)
          .set('Authorization', backend.as(as));
      const send = (method: 'post' | 'patch', path: string, body: object) =>
        request(backend.server)
          [method](`/api/llm-usage${path}`)
          .set('Authorization', backend.as(ADMIN))
          .send(body);

      for (const [id, provider, credentials] of [
        ['or', 'openrouter', { managementKey: 'sk-or-v1-management' }],
        ['oa', 'openai', { adminKey: 'sk-admin-test' }],
      ] as const) {
        const created = await send('post', '/accounts', {
          id,
          provider,
          name: id,
          ownerRef: PLATFORM,
          credentials,
        });
        expect(created.status).toBe(201);
        const synced = await send('post', `/accounts/${id}/sync`, {});
        expect(synced.status).toBe(200);
        expect(synced.body.runs[0]).toMatchObject({ status: 'succeeded' });
      }
      const keys = (await get('/keys?limit=50')).body.items as Array<{
        id: string;
        providerKeyId: string;
      }>;
      const keyId = (providerKeyId: string) =>
        keys.find(key => key.providerKeyId === providerKeyId)!.id;
      for (const [providerKeyId, patch] of [
        [
          'k1',
          { ownerRef: TEAM_A, componentRef: 'component:default/chat-svc' },
        ],
        ['k2', { ownerRef: TEAM_B }],
        ['key_a', { ownerRef: TEAM_A }],
      ] as const) {
        const patched = await send(
          'patch',
          `/keys/${keyId(providerKeyId)}`,
          patch,
        );
        expect(patched.status).toBe(200);
      }
      const ingest = (calls: object[]) =>
        request(backend.server)
          .post('/api/llm-usage/calls')
          .set('Authorization', mockCredentials.service.header())
          .send(calls);
      return { get, keyId, ingest };
    }

    const range = `from=${new Date(
      TODAY - 7 * DAY_MS,
    ).toISOString()}&to=${new Date(TODAY + DAY_MS).toISOString()}`;

    it('shows the dashboard cards, trends and project list from provider reports', async () => {
      const { get } = await start();

      // Recorded calls stay what they were: none.
      const calls = await get(`/usage/overview?${range}`);
      expect(calls.status).toBe(200);
      expect(calls.body).toMatchObject({ source: 'calls' });
      expect(calls.body.current.calls).toBe(0);

      const overview = await get(`/usage/overview?${range}&source=auto`);
      expect(overview.status).toBe(200);
      expect(overview.body.source).toBe('provider');
      expect(overview.body.current).toMatchObject({
        calls: 10 + 2 + 7,
        inputTokens: 50 * 3 + 1_000_000,
        outputTokens: 125 * 3 + 500_000,
        totalTokens: 175 * 3 + 1_500_000,
        // As reported: OpenRouter per key plus OpenAI's project cost.
        costs: [{ currency: 'USD', amount: '4.550000001' }],
        // OpenAI's key tokens × the configured price (1 + 2 × 0.5), apart.
        estimatedCosts: [{ currency: 'USD', amount: '2' }],
        successRate: null,
        p95LatencyMs: null,
      });
      expect(overview.body.previous.calls).toBe(0);

      const trends = await get(
        `/usage/trends?${range}&source=auto&interval=day&tz=Asia/Shanghai&split=provider`,
      );
      expect(trends.status).toBe(200);
      expect(trends.body).toMatchObject({
        source: 'provider',
        series: ['openai', 'openrouter'],
      });
      const point = (day: number, series: string) =>
        trends.body.points.find(
          (p: { bucketStart: string; series: string }) =>
            p.bucketStart.startsWith(`${isoDay(day)}T00:00:00.000+08:00`) &&
            p.series === series,
        );
      expect(point(D1, 'openrouter')).toMatchObject({
        calls: 7,
        totalTokens: 350,
        costs: [{ currency: 'USD', amount: '1.100000001' }],
      });
      expect(point(D2, 'openrouter')).toMatchObject({ calls: 5 });
      expect(point(D1, 'openai')).toMatchObject({
        calls: 7,
        costs: [{ currency: 'USD', amount: '3.25' }],
        estimatedCosts: [{ currency: 'USD', amount: '2' }],
      });

      const monthly = await get(
        `/usage/trends?${range}&source=provider&interval=month&tz=America/New_York`,
      );
      const monthTokens = monthly.body.points.reduce(
        (sum: number, p: { totalTokens: number }) => sum + p.totalTokens,
        0,
      );
      expect(monthTokens).toBe(175 * 3 + 1_500_000);

      const projects = await get(`/usage/projects?${range}&source=auto`);
      expect(projects.body).toMatchObject({
        source: 'provider',
        totalCount: 1,
        items: [
          {
            projectId: 'chat',
            calls: 10,
            totalTokens: 350,
            costs: [{ currency: 'USD', amount: '0.3' }],
            entity: { entityRef: 'component:default/chat-svc' },
          },
        ],
      });

      const byAccount = await get(
        `/usage/provider/breakdown?${range}&by=account`,
      );
      expect(
        byAccount.body.items.map((i: { id: string; requests: number }) => [
          i.id,
          i.requests,
        ]),
      ).toEqual([
        ['oa', 7],
        ['or', 12],
      ]);
    });

    it('shows entity tabs from the keys linked to a Component or owned by a Group', async () => {
      const { get } = await start();

      const chat = await get(
        `/entities/component/default/chat-svc/usage?${range}&source=auto&tz=UTC`,
      );
      expect(chat.status).toBe(200);
      expect(chat.body).toMatchObject({
        entityRef: 'component:default/chat-svc',
        source: 'provider',
        projectIds: ['chat'],
        keyCount: 1,
        totals: { calls: 10, totalTokens: 350 },
        models: [
          { provider: 'openrouter', model: 'openai/gpt-4.1', calls: 10 },
        ],
      });
      expect(chat.body.points).toHaveLength(2);

      const team = await get(
        `/entities/group/default/team-a/usage?${range}&source=provider`,
      );
      expect(team.body).toMatchObject({
        source: 'provider',
        keyCount: 2,
        totals: {
          calls: 17,
          costs: [{ currency: 'USD', amount: '0.3' }],
          estimatedCosts: [{ currency: 'USD', amount: '2' }],
        },
      });

      const teamProjects = await get(
        `/groups/default/team-a/projects?${range}&source=auto`,
      );
      expect(teamProjects.body).toMatchObject({
        source: 'provider',
        items: [{ projectId: 'chat', calls: 10 }],
      });

      expect(
        (await get(`/entities/component/default/nothing/usage?${range}`))
          .status,
      ).toBe(404);
    });

    it('keeps recorded calls where there are any, and provider reports on request', async () => {
      const { get, ingest } = await start();
      const ingested = await ingest([
        {
          id: 'call-1',
          timestamp: new Date(D2 + 3_600_000).toISOString(),
          userRef: 'user:default/alice',
          projectId: 'chat',
          provider: 'openrouter',
          model: 'openai/gpt-4.1',
          status: 'success',
          inputTokens: 10,
          outputTokens: 5,
          cost: '0.01',
        },
      ]);
      expect(ingested.status).toBe(200);

      for (const path of [
        '/usage/overview',
        '/usage/trends',
        '/usage/projects',
      ]) {
        const auto = await get(`${path}?${range}&source=auto`);
        expect([path, auto.body.source]).toEqual([path, 'calls']);
      }
      const overview = await get(`/usage/overview?${range}&source=auto`);
      expect(overview.body.current).toMatchObject({
        calls: 1,
        totalTokens: 15,
        costs: [{ currency: 'USD', amount: '0.01' }],
      });
      expect(overview.body.current.estimatedCosts).toBeUndefined();
      const chat = await get(
        `/entities/component/default/chat-svc/usage?${range}&source=auto`,
      );
      expect(chat.body).toMatchObject({
        source: 'calls',
        totals: { calls: 1 },
      });

      // The providers' figures stay one switch away.
      const provider = await get(`/usage/overview?${range}&source=provider`);
      expect(provider.body).toMatchObject({
        source: 'provider',
        current: { calls: 19 },
      });
    });

    it("shows a key's usage only to those who may read the key", async () => {
      const { get, keyId } = await start();

      // Alice (team-a) reads k1 and key_a, not team-b's k2, nor the
      // platform-owned account's cost that OpenAI does not split by key.
      const alice = await get(
        `/usage/overview?${range}&source=provider`,
        OWNER,
      );
      expect(alice.body.current).toMatchObject({
        calls: 10 + 7,
        costs: [{ currency: 'USD', amount: '0.3' }],
        estimatedCosts: [{ currency: 'USD', amount: '2' }],
      });

      // Bob (team-b) reads k2 only: none of k1's or key_a's usage.
      const bob = await get(`/usage/overview?${range}&source=auto`, OTHER);
      expect(bob.body).toMatchObject({ source: 'provider' });
      expect(bob.body.current).toMatchObject({
        calls: 2,
        totalTokens: 175,
        costs: [{ currency: 'USD', amount: '1.000000001' }],
        estimatedCosts: [],
      });
      const bobKeys = await get(
        `/usage/provider/breakdown?${range}&by=key`,
        OTHER,
      );
      expect(bobKeys.body.items.map((i: { id: string }) => i.id)).toEqual([
        keyId('k2'),
      ]);
      const bobChat = await get(
        `/entities/component/default/chat-svc/usage?${range}&source=provider`,
        OTHER,
      );
      expect(bobChat.body.totals).toMatchObject({ calls: 0, totalTokens: 0 });
      const bobTrends = await get(
        `/usage/trends?${range}&source=provider`,
        OTHER,
      );
      expect(
        bobTrends.body.points.reduce(
          (sum: number, p: { calls: number }) => sum + p.calls,
          0,
        ),
      ).toBe(2);

      expect(
        (await get(`/usage/overview?${range}&source=everything`)).status,
      ).toBe(400);
    });
  },
);
