import { mockCredentials } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ADMIN,
  ALICE,
  BOB,
  DAVE,
  TEAM_A,
  TEAM_B,
  startLlmUsageBackend,
} from '../__testUtils__/pluginHarness';
import { type NewKey } from '../keys/KeyStore';
import { DatabaseKeyStore } from '../keys/DatabaseKeyStore';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const DAY = 86_400_000;

function key(name: string, ownerRef: string | null, expiresAt: number | null) {
  return {
    accountId: 'openai-main',
    provider: 'openai',
    providerKeyId: `pk-${name}`,
    providerProjectId: null,
    name,
    maskedHint: 'sk-...abcd',
    status: 'active',
    ownerRef,
    componentRef: 'component:default/alpha-service',
    notes: null,
    expiresAt,
    source: 'provider',
    secretEncrypted: 'v1:not-a-real-envelope',
  } as NewKey;
}

describe.each(databases.eachSupportedId())('key actions on %p', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    const actions = actionsRegistryServiceMock();
    await startLlmUsageBackend(knex, {
      config: {
        llmUsage: {
          rollup: {
            schedule: {
              frequency: { hours: 24 },
              timeout: { minutes: 10 },
              initialDelay: { hours: 24 },
            },
          },
          servicePrincipals: [
            { subject: 'dashboards', capabilities: ['read'] },
          ],
        },
      },
      features: [
        createServiceFactory({
          service: actionsRegistryServiceRef,
          deps: {},
          factory: () => actions,
        }),
      ],
    });
    const now = Date.now();
    const store = new DatabaseKeyStore(knex);
    await store.insert(key('a-3-days', TEAM_A, now + 3 * DAY + 60_000));
    await store.insert(key('a-30-days', TEAM_A, now + 30 * DAY));
    await store.insert(key('a-expired', TEAM_A, now - 10 * DAY));
    await store.insert(key('a-no-expiry', TEAM_A, null));
    await store.insert(key('b-5-days', TEAM_B, now + 5 * DAY + 60_000));
    const gone = await store.insert(key('a-deleted', TEAM_A, now + DAY));
    await store.markDeleted(gone);

    const names = async (user: string, input: object = {}) => {
      const { output } = (await actions.invoke({
        id: 'test:list-expiring-keys',
        input: input as any,
        credentials: mockCredentials.user(user),
      })) as any;
      return output.keys.map((k: any) => k.name);
    };
    return { actions, names };
  }

  it('lists the keys expiring soon that each caller may see, soonest first', async () => {
    const { actions, names } = await setup();
    expect(await names(ALICE)).toEqual(['a-3-days']);
    expect(await names(BOB)).toEqual(['b-5-days']);
    expect(await names(DAVE)).toEqual([]);
    expect(await names(ADMIN)).toEqual(['a-3-days', 'b-5-days']);
    expect(await names(ALICE, { withinDays: 40 })).toEqual([
      'a-3-days',
      'a-30-days',
    ]);
    expect(await names(ALICE, { includeExpired: true })).toEqual([
      'a-expired',
      'a-3-days',
    ]);

    const { output } = (await actions.invoke({
      id: 'test:list-expiring-keys',
      input: {},
      credentials: mockCredentials.user(ALICE),
    })) as any;
    expect(output).toMatchObject({
      withinDays: 7,
      total: 1,
      keys: [
        {
          provider: 'openai',
          maskedHint: 'sk-...abcd',
          ownerRef: TEAM_A,
          componentRef: 'component:default/alpha-service',
          daysLeft: 3,
        },
      ],
    });
    // Never the stored secret.
    expect(JSON.stringify(output)).not.toContain('not-a-real-envelope');
  });

  it('tells a key’s status to those who may see it, and to nobody else', async () => {
    const { actions, names } = await setup();
    const status = (user: string, keyId: string) =>
      actions.invoke({
        id: 'test:get-key-status',
        input: { keyId },
        credentials: mockCredentials.user(user),
      }) as Promise<any>;
    const listed = (await actions.invoke({
      id: 'test:list-expiring-keys',
      input: {},
      credentials: mockCredentials.user(BOB),
    })) as any;
    const keyId = listed.output.keys[0].id;
    expect(await names(BOB)).toEqual(['b-5-days']);
    expect((await status(BOB, keyId)).output).toMatchObject({
      id: keyId,
      name: 'b-5-days',
      status: 'active',
      maskedHint: 'sk-...abcd',
      daysLeft: 5,
      usage: null,
      lastError: null,
    });
    expect((await status(ADMIN, keyId)).output.name).toBe('b-5-days');
    // Another team's key looks the same as no key at all.
    await expect(status(ALICE, keyId)).rejects.toThrow(/No key/);
    await expect(status(BOB, 'nope')).rejects.toThrow(/No key/);
  });

  it('gives service principals only what their subject is configured for', async () => {
    const { actions } = await setup();
    const listedTo = async (subject?: string) =>
      (
        (await actions.invoke({
          id: 'test:list-expiring-keys',
          input: { withinDays: 40 },
          credentials: mockCredentials.service(subject),
        })) as any
      ).output.keys.map((k: any) => k.name);
    // The policy allows services everything; a service that may only ingest
    // (the default) still reads no key, one configured to read reads them all.
    expect(await listedTo()).toEqual([]);
    expect(await listedTo('dashboards')).toEqual([
      'a-3-days',
      'b-5-days',
      'a-30-days',
    ]);
  });

  it('rejects a window outside 1 to 365 days', async () => {
    const { names } = await setup();
    await expect(names(ALICE, { withinDays: 0 })).rejects.toThrow(/withinDays/);
  });
});
