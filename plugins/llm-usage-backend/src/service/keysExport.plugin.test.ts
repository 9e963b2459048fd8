import {
  createBackendModule,
  type BackstageCredentials,
  type BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { llmUsageProvidersExtensionPoint } from '@llm-usage/backstage-plugin-llm-usage-node';
import request from 'supertest';
import { llmUsagePlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/databases';
import { readCsvExport } from '../__testUtils__/exports';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const ADMIN = 'user:default/root';
const ALICE = 'user:default/alice'; // team-a
const NOBODY = 'user:default/nobody';
const TEAMS: Record<string, string[]> = { [ALICE]: ['group:default/team-a'] };

const manualProvider = createBackendModule({
  pluginId: 'llm-usage',
  moduleId: 'manual-provider',
  register(env) {
    env.registerInit({
      deps: { providers: llmUsageProvidersExtensionPoint },
      async init({ providers }) {
        providers.addProvider({
          id: 'manual',
          displayName: 'Manual',
          capabilities: [],
          currency: 'USD',
          credentialFields: [],
          createClient: () => ({ testConnection: async () => {} }),
        });
      },
    });
  },
});

const refOf = (credentials: BackstageCredentials) =>
  (credentials.principal as Partial<BackstageUserPrincipal>).userEntityRef;

/** Admins everything, nobody nothing, others the keys their teams own. */
function decisionFor(ref: string | undefined, permission: ResourcePermission) {
  if (ref === ADMIN) return { result: AuthorizeResult.ALLOW };
  if (!ref || ref === NOBODY) return { result: AuthorizeResult.DENY };
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'llm-usage',
    resourceType: permission.resourceType,
    conditions: {
      rule: 'IS_OWNER',
      resourceType: permission.resourceType,
      params: { claims: [ref, ...(TEAMS[ref] ?? [])] },
    },
  };
}

describe.each(databases.eachSupportedId())(
  'key export in the plugin on %p',
  databaseId => {
    async function start() {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          llmUsagePlugin,
          manualProvider,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              llmUsage: { secrets: { encryptionKey: 'k'.repeat(64) } },
            },
          }),
          catalogServiceMock.factory({ entities: [] }),
          mockServices.userInfo.mock({
            getUserInfo: async (credentials: BackstageCredentials) => {
              const ref = refOf(credentials)!;
              return {
                userEntityRef: ref,
                ownershipEntityRefs: [ref, ...(TEAMS[ref] ?? [])],
              };
            },
          }).factory,
          mockServices.permissions.mock({
            authorize: async (requests, { credentials }) =>
              requests.map(() => ({
                result:
                  refOf(credentials) === ADMIN
                    ? AuthorizeResult.ALLOW
                    : AuthorizeResult.DENY,
              })) as any,
            authorizeConditional: async (requests, { credentials }) =>
              requests.map(({ permission }) =>
                decisionFor(refOf(credentials), permission),
              ) as any,
          }).factory,
        ],
      });
      const as = (ref: string) => mockCredentials.user.header(ref);
      await request(server)
        .post('/api/llm-usage/accounts')
        .set('Authorization', as(ADMIN))
        .send({
          id: 'manual-1',
          provider: 'manual',
          name: 'Manual',
          credentials: {},
        })
        .expect(201);
      const ids: Record<string, string> = {};
      for (const [name, ownerRef] of [
        ['=cmd|" /C calc"!A0', 'group:default/team-a'],
        ['team b key', 'group:default/team-b'],
      ]) {
        const response = await request(server)
          .post('/api/llm-usage/keys')
          .set('Authorization', as(ADMIN))
          .send({ accountId: 'manual-1', name, ownerRef, maskedHint: '…1234' })
          .expect(201);
        ids[ownerRef] = response.body.id;
      }
      return { server, as, ids };
    }

    const exported = async (server: any, auth: string, query = '') => {
      const response = await request(server)
        .get(`/api/llm-usage/keys/export${query}`)
        .set('Authorization', auth);
      return {
        status: response.status,
        rows: response.status === 200 ? readCsvExport(response.text) : [],
      };
    };

    it('exports what each caller may read, escaped, and refuses the rest', async () => {
      const { server, as, ids } = await start();

      const admin = await exported(server, as(ADMIN), '?sort=name');
      expect(admin.status).toBe(200);
      const nameColumn = admin.rows[0].indexOf('name');
      expect(admin.rows.slice(1).map(r => r[nameColumn])).toEqual([
        `'=cmd|" /C calc"!A0`,
        'team b key',
      ]);

      // A team member gets their team's key only, even when naming others.
      const alice = await exported(
        server,
        as(ALICE),
        `?ids=${ids['group:default/team-a']},${ids['group:default/team-b']}`,
      );
      expect(alice.status).toBe(200);
      expect(alice.rows.slice(1).map(r => r[0])).toEqual([
        ids['group:default/team-a'],
      ]);

      expect((await exported(server, as(NOBODY))).status).toBe(403);
    });

    it('serves a readable key its usage history, and no one else', async () => {
      const { server, as, ids } = await start();
      const path = `/api/llm-usage/keys/${ids['group:default/team-a']}/usage?from=2026-01-01&to=2026-01-08`;
      const own = await request(server)
        .get(path)
        .set('Authorization', as(ALICE));
      expect(own.status).toBe(200);
      // Registered by hand without a provider id: nothing reported.
      expect(own.body.days).toEqual([]);
      const other = await request(server)
        .get(
          `/api/llm-usage/keys/${ids['group:default/team-b']}/usage?from=2026-01-01&to=2026-01-08`,
        )
        .set('Authorization', as(ALICE));
      expect(other.status).toBe(403);
    });
  },
);
