import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { CallInput } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import request from 'supertest';
import { llmUsagePlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ADMIN,
  component,
  ownerPolicyPermissions,
} from '../__testUtils__/pluginHarness';
import { providerUsageRow } from '../__testUtils__/providerUsage';

/*
 * A team larger than the Group tab used to read: 230 projects (it fetched
 * 200 and filtered them in the browser) and 160 member keys (it summed the
 * first 100). The server must count every one of them, on both databases.
 */

jest.setTimeout(300_000);

const databases = createTestDatabases();
const BASE = '/api/llm-usage';
const NOW = Date.now();
const GROUP = 'group:default/big-team';
const OTHER_TEAM = 'group:default/other-team';
const MEMBERS = ['user:default/m1', 'user:default/m2', 'user:default/m3'];
const OUTSIDER = 'user:default/zed';
const PROJECTS = 230;
const M1_KEYS = 160;

const GROUPS: Record<string, string[]> = Object.fromEntries(
  MEMBERS.map(ref => [ref, [GROUP]]),
);

function group(name: string, members: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: members.map(targetRef => ({ type: 'hasMember', targetRef })),
  };
}

const projectId = (i: number) => `p-${String(i).padStart(3, '0')}`;

const CATALOG: Entity[] = [
  group('big-team', MEMBERS),
  group('other-team', [OUTSIDER]),
  ...Array.from({ length: PROJECTS }, (_, i) =>
    component(`svc-${i}`, projectId(i), GROUP),
  ),
  component('other-svc', 'other-project', OTHER_TEAM),
];

function call(i: number, overrides: Partial<CallInput> = {}): CallInput {
  return {
    id: `call-${i}`,
    timestamp: new Date(NOW - 3_600_000).toISOString(),
    userRef: MEMBERS[0],
    projectId: projectId(i),
    provider: 'openai',
    model: 'gpt-4o',
    type: 'chat',
    status: 'success',
    durationMs: 500,
    // Distinct costs give a strict order by cost: p-229 first.
    inputTokens: 10 + i,
    outputTokens: 1,
    cost: `0.${String(i + 1).padStart(4, '0')}`,
    currency: 'USD',
    ...overrides,
  };
}

async function seedKeys(knex: Knex) {
  const monthStart = Date.UTC(
    new Date(NOW).getUTCFullYear(),
    new Date(NOW).getUTCMonth(),
    1,
  );
  const keys: Array<{ id: string; owner: string }> = [
    ...Array.from({ length: M1_KEYS }, (_, i) => ({
      id: `k-m1-${i}`,
      owner: MEMBERS[0],
    })),
    // Mixed case as an adopter may type it: still m2's.
    { id: 'k-m2-0', owner: 'User:default/M2' },
    { id: 'k-m2-1', owner: MEMBERS[1] },
    { id: 'k-team', owner: GROUP },
    { id: 'k-zed', owner: OUTSIDER },
  ];
  for (let i = 0; i < keys.length; i += 100) {
    await knex('llm_usage_keys').insert(
      keys.slice(i, i + 100).map(key => ({
        id: key.id,
        account_id: 'acc',
        provider: 'openai',
        provider_key_id: key.id,
        name: key.id,
        status: 'active',
        owner_ref: key.owner,
        source: 'provider',
        created_at: NOW,
        updated_at: NOW,
      })),
    );
  }
  // A deleted key of m1 counts for nothing.
  await knex('llm_usage_keys').insert({
    id: 'k-m1-deleted',
    account_id: 'acc',
    provider: 'openai',
    provider_key_id: 'k-m1-deleted',
    name: 'deleted',
    status: 'active',
    owner_ref: MEMBERS[0],
    source: 'provider',
    created_at: NOW,
    updated_at: NOW,
    deleted_at: NOW,
  });
  const rows = [
    // Each m1 key: 1,000 input and 10 output tokens and 0.1 USD this month,
    // plus 0.000000001 CNY on the last one; last month's rows do not count.
    ...keys
      .filter(key => key.owner === MEMBERS[0])
      .map(key =>
        providerUsageRow({
          account_id: 'acc',
          day_start: monthStart,
          provider_key_id: key.id,
          synced_at: NOW,
          input_tokens: 1000,
          output_tokens: 10,
          cost_nanos: 100_000_000,
        }),
      ),
    providerUsageRow({
      account_id: 'acc',
      day_start: monthStart,
      provider_key_id: `k-m1-${M1_KEYS - 1}`,
      synced_at: NOW,
      currency: 'CNY',
      requests: 0,
      cost_nanos: 1,
    }),
    providerUsageRow({
      account_id: 'acc',
      day_start: monthStart - 86_400_000,
      provider_key_id: 'k-m1-0',
      synced_at: NOW,
      input_tokens: 999_999,
      cost_nanos: 999_000_000_000,
    }),
    providerUsageRow({
      account_id: 'acc',
      day_start: monthStart,
      provider_key_id: 'k-m2-0',
      synced_at: NOW,
      input_tokens: 5,
      output_tokens: 5,
      cost_nanos: 2_500_000_000,
    }),
    providerUsageRow({
      account_id: 'acc',
      day_start: monthStart,
      provider_key_id: 'k-m1-deleted',
      synced_at: NOW,
      input_tokens: 77,
      cost_nanos: 77,
    }),
  ];
  for (let i = 0; i < rows.length; i += 50) {
    await knex('llm_usage_provider_usage').insert(rows.slice(i, i + 50));
  }
}

async function start(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const backend = await startTestBackend({
    features: [
      llmUsagePlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          llmUsage: {
            rollup: {
              schedule: {
                frequency: { hours: 24 },
                timeout: { minutes: 10 },
                initialDelay: { hours: 24 },
              },
            },
          },
        },
      }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      catalogServiceMock.factory({ entities: CATALOG }),
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
      ownerPolicyPermissions(),
    ],
  });
  const ingest = await request(backend.server)
    .post(`${BASE}/calls`)
    .set('Authorization', mockCredentials.service.header())
    .send([
      ...Array.from({ length: PROJECTS }, (_, i) => call(i)),
      // The outsider's own call in one of the team's projects.
      call(PROJECTS, { projectId: projectId(7), userRef: OUTSIDER }),
      call(PROJECTS + 1, { projectId: 'other-project', userRef: OUTSIDER }),
    ]);
  expect(ingest.status).toBe(200);
  await seedKeys(knex);
  return backend;
}

describe.each(databases.eachSupportedId())(
  'groups router on %p',
  databaseId => {
    let backend: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      backend = await start(databaseId);
    });
    afterAll(async () => {
      await backend?.stop();
    });

    const get = (path: string, user: string) =>
      request(backend.server)
        .get(`${BASE}${path}`)
        .set('Authorization', mockCredentials.user.header(user));

    it('lists every project the group owns, past the 200 the browser used to filter, paged and sorted on the server', async () => {
      const first = await get(
        `/groups/default/big-team/projects?limit=200&sort=cost&order=desc`,
        ADMIN,
      );
      expect(first.status).toBe(200);
      expect(first.body.groupRef).toBe(GROUP);
      expect(first.body.totalCount).toBe(PROJECTS);
      expect(first.body.items).toHaveLength(200);
      // p-007 also holds the outsider's call, so it costs 0.0008 + 0.0231.
      expect(first.body.items[0]).toMatchObject({
        projectId: projectId(7),
        calls: 2,
        costs: [{ currency: 'USD', amount: '0.0239' }],
      });
      expect(first.body.items[1].projectId).toBe(projectId(229));
      const rest = await get(
        `/groups/default/big-team/projects?limit=200&offset=200&sort=cost&order=desc`,
        ADMIN,
      );
      expect(rest.body.items).toHaveLength(PROJECTS - 200);
      const all = [...first.body.items, ...rest.body.items].map(
        (p: { projectId: string }) => p.projectId,
      );
      expect(new Set(all).size).toBe(PROJECTS);
      expect(all).not.toContain('other-project');
      expect(all.at(-1)).toBe(projectId(0));
    });

    it('scopes a group’s projects to what the caller may see', async () => {
      const member = await get(
        `/groups/default/big-team/projects?limit=5`,
        MEMBERS[2],
      );
      expect(member.body.totalCount).toBe(PROJECTS);
      // The outsider sees only their own call in the team's projects.
      const outsider = await get(`/groups/default/big-team/projects`, OUTSIDER);
      expect(outsider.status).toBe(200);
      expect(outsider.body.totalCount).toBe(1);
      expect(outsider.body.items[0]).toMatchObject({
        projectId: projectId(7),
        calls: 1,
        costs: [{ currency: 'USD', amount: '0.0231' }],
      });
    });

    it('sums every key of every member, past the 100 the browser used to read, exactly', async () => {
      const res = await get(`/groups/default/big-team/spend`, ADMIN);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        groupRef: GROUP,
        totalCount: 2,
        offset: 0,
        limit: 50,
      });
      expect(res.body.items).toEqual([
        {
          ownerRef: MEMBERS[0],
          keys: M1_KEYS,
          inputTokens: 1000 * M1_KEYS,
          outputTokens: 10 * M1_KEYS,
          totalTokens: 1010 * M1_KEYS,
          requests: M1_KEYS,
          costs: [
            { currency: 'CNY', amount: '0.000000001' },
            { currency: 'USD', amount: '16' },
          ],
        },
        {
          ownerRef: MEMBERS[1],
          keys: 2,
          inputTokens: 5,
          outputTokens: 5,
          totalTokens: 10,
          requests: 1,
          costs: [{ currency: 'USD', amount: '2.5' }],
        },
      ]);
      const second = await get(
        `/groups/default/big-team/spend?limit=1&offset=1`,
        ADMIN,
      );
      expect(second.body.totalCount).toBe(2);
      expect(
        second.body.items.map((i: { ownerRef: string }) => i.ownerRef),
      ).toEqual([MEMBERS[1]]);
    });

    it('counts only the keys the caller may read, as the key list does', async () => {
      // The owner policy lets m2 read its own keys and the team's, not m1's.
      const m2 = await get(`/groups/default/big-team/spend`, MEMBERS[1]);
      expect(
        m2.body.items.map((i: { ownerRef: string }) => i.ownerRef),
      ).toEqual([MEMBERS[1]]);
      const outsider = await get(`/groups/default/big-team/spend`, OUTSIDER);
      expect(outsider.status).toBe(200);
      expect(outsider.body).toMatchObject({ items: [], totalCount: 0 });
    });

    it('answers 404 for a group the catalog does not have and 400 naming a bad parameter', async () => {
      const missing = await get(`/groups/default/nobody/spend`, ADMIN);
      expect(missing.status).toBe(404);
      const notAGroup = await get(`/groups/default/svc-1/projects`, ADMIN);
      expect(notAGroup.status).toBe(404);
      const badLimit = await get(
        `/groups/default/big-team/spend?limit=0`,
        ADMIN,
      );
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.message).toContain("'limit'");
      const badName = await get(
        `/groups/default/${encodeURIComponent('a b')}/projects`,
        ADMIN,
      );
      expect(badName.status).toBe(400);
      expect(badName.body.error.message).toContain("'name'");
      const anonymous = await request(backend.server).get(
        `${BASE}/groups/default/big-team/spend`,
      );
      expect(anonymous.status).toBe(401);
    });
  },
);
