import { mockCredentials } from '@backstage/backend-test-utils';
import type { TestDatabaseId } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import type { CallInput } from '@llm-usage/backstage-plugin-llm-usage-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ADMIN,
  ALICE,
  BOB,
  startUsageBackendWith,
} from '../__testUtils__/usageBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const DAY = Date.UTC(2026, 9, 10);
const at = (hours: number) => new Date(DAY + hours * 3_600_000).toISOString();

function call(overrides: Partial<CallInput>): CallInput {
  return {
    id: `c-${Math.random().toString(36).slice(2)}`,
    timestamp: at(10),
    userRef: ALICE,
    projectId: 'alpha',
    provider: 'openai',
    model: 'gpt-4o',
    durationMs: 500,
    inputTokens: 100,
    outputTokens: 10,
    cost: '0.5',
    ...overrides,
  };
}

// alpha: alice 2 calls (1.25 USD), bob 1 call (2 USD); beta: bob 1 call (3 USD), 1 CNY call.
const SEED = [
  call({ id: 'a1', cost: '0.75' }),
  call({ id: 'a2', model: 'gpt-4o-mini', timestamp: at(30) }),
  call({ id: 'b-in-alpha', userRef: BOB, cost: '2' }),
  call({
    id: 'b1',
    userRef: BOB,
    projectId: 'beta',
    provider: 'anthropic',
    model: 'claude-sonnet-4',
    cost: '3',
  }),
  call({
    id: 'b2',
    userRef: BOB,
    projectId: 'beta',
    provider: 'volcengine',
    model: 'doubao-pro-32k',
    cost: '7.5',
    currency: 'CNY',
  }),
];

/** The shared test backend (alice: team-a owns alpha; bob: team-b owns beta), seeded. */
async function startBackend(databaseId: TestDatabaseId) {
  const actions = actionsRegistryServiceMock();
  const { server } = await startUsageBackendWith(databases, databaseId, {
    features: [
      createServiceFactory({
        service: actionsRegistryServiceRef,
        deps: {},
        factory: () => actions,
      }),
    ],
  });
  const ingested = await request(server)
    .post('/api/llm-usage/calls')
    .set('Authorization', mockCredentials.service.header())
    .send(SEED);
  expect(ingested.body.inserted).toBe(SEED.length);

  const invoke = async (name: string, user: string, input: object) =>
    (
      await actions.invoke({
        id: `test:${name}`,
        input: input as any,
        credentials: mockCredentials.user(user),
      })
    ).output as any;
  return { server, invoke };
}

const RANGE = { from: '2026-10-01T00:00:00Z', to: '2026-10-20T00:00:00Z' };

describe.each(databases.eachSupportedId())(
  'usage actions on %p',
  databaseId => {
    it('summarises a team as each caller may see it', async () => {
      const { invoke } = await startBackend(databaseId);
      const input = { entityRef: 'group:default/team-a', ...RANGE };

      // Alice's team owns alpha: she sees all three calls in it.
      const alice = await invoke('get-usage-summary', ALICE, input);
      expect(alice).toMatchObject({
        from: '2026-10-01T00:00:00.000Z',
        to: '2026-10-20T00:00:00.000Z',
        projectIds: ['alpha'],
        calls: 3,
        totalTokens: 330,
        costs: [{ currency: 'USD', amount: '3.25' }],
        successRate: 1,
        p95LatencyMs: expect.any(Number),
      });
      // Bob sees only his own call in team-a's project.
      const bob = await invoke('get-usage-summary', BOB, input);
      expect(bob).toMatchObject({
        projectIds: ['alpha'],
        calls: 1,
        costs: [{ currency: 'USD', amount: '2' }],
      });
    });

    it('summarises one project or a Component, and everything visible', async () => {
      const { invoke } = await startBackend(databaseId);
      const beta = { projectId: 'beta', ...RANGE };
      expect(await invoke('get-usage-summary', BOB, beta)).toMatchObject({
        calls: 2,
        costs: [
          { currency: 'CNY', amount: '7.5' },
          { currency: 'USD', amount: '3' },
        ],
      });
      expect(await invoke('get-usage-summary', ALICE, beta)).toMatchObject({
        calls: 0,
        costs: [],
        projectIds: [],
      });
      const byComponent = await invoke('get-usage-summary', ALICE, {
        entityRef: 'component:default/alpha-service',
        ...RANGE,
      });
      expect(byComponent.calls).toBe(3);
      expect((await invoke('get-usage-summary', ADMIN, RANGE)).calls).toBe(5);
      expect((await invoke('get-usage-summary', ALICE, RANGE)).calls).toBe(3);
    });

    it('ranks top spenders within what each caller may see', async () => {
      const { invoke } = await startBackend(databaseId);
      const admin = await invoke('list-top-spenders', ADMIN, {
        by: 'project',
        ...RANGE,
      });
      expect(admin).toMatchObject({ by: 'project', currency: 'USD' });
      expect(admin.spenders).toEqual([
        {
          name: 'alpha',
          cost: '3.25',
          calls: 3,
          totalTokens: 330,
          entityRef: 'component:default/alpha-service',
        },
        {
          name: 'beta',
          cost: '3',
          calls: 2,
          totalTokens: 220,
          entityRef: 'component:default/beta-service',
        },
      ]);
      const alice = await invoke('list-top-spenders', ALICE, {
        by: 'model',
        ...RANGE,
      });
      expect(alice.spenders.map((s: any) => [s.name, s.cost])).toEqual([
        ['gpt-4o', '2.75'],
        ['gpt-4o-mini', '0.5'],
      ]);
      // Other currencies are ranked on their own, never converted.
      const cny = await invoke('list-top-spenders', BOB, {
        by: 'model',
        currency: 'cny',
        ...RANGE,
      });
      expect(cny.spenders.map((s: any) => [s.name, s.cost])).toEqual([
        ['doubao-pro-32k', '7.5'],
      ]);
    });

    it('rejects bad input naming the field', async () => {
      const { invoke } = await startBackend(databaseId);
      await expect(
        invoke('get-usage-summary', ALICE, { from: 'yesterday' }),
      ).rejects.toThrow(/'from'/);
      await expect(
        invoke('get-usage-summary', ALICE, {
          projectId: 'alpha',
          entityRef: 'group:default/team-a',
        }),
      ).rejects.toThrow(/'entityRef'/);
      await expect(
        invoke('list-top-spenders', ALICE, { limit: 0 }),
      ).rejects.toThrow(/limit/);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'GET /costs/daily on %p',
  databaseId => {
    it('answers daily costs of a group for each caller', async () => {
      const { server } = await startBackend(databaseId);
      const get = (user: string, query: string) =>
        request(server)
          .get(`/api/llm-usage/costs/daily?${query}`)
          .set('Authorization', mockCredentials.user.header(user));
      const query =
        'entityRef=group:default/team-a&from=2026-10-10T00:00:00Z&to=2026-10-12T00:00:00Z&split=model';
      const alice = (await get(ALICE, query)).body;
      expect(alice).toMatchObject({
        projectIds: ['alpha'],
        dates: ['2026-10-10', '2026-10-11'],
        series: ['gpt-4o', 'gpt-4o-mini'],
      });
      expect(alice.points.map((p: any) => [p.date, p.series, p.costs])).toEqual(
        [
          ['2026-10-10', 'gpt-4o', [{ currency: 'USD', amount: '2.75' }]],
          ['2026-10-11', 'gpt-4o-mini', [{ currency: 'USD', amount: '0.5' }]],
        ],
      );
      const bob = (await get(BOB, query)).body;
      expect(bob.points.map((p: any) => [p.date, p.costs])).toEqual([
        ['2026-10-10', [{ currency: 'USD', amount: '2' }]],
      ]);
      const bad = await get(ALICE, 'split=colour');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain("'split'");
    });
  },
);
