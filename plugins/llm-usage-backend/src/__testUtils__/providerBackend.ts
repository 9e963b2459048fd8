import {
  createBackendModule,
  type BackendFeature,
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
import {
  llmUsageProvidersExtensionPoint,
  type LlmProvider,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { llmUsagePlugin } from '../plugin';

/*
 * The llm-usage plugin on a test backend with a fake provider (no HTTP) and
 * a policy like the example one: admins may do everything, other users act
 * on what their groups own (IS_OWNER), NOBODY is denied everything.
 */

export const OWNER = 'user:default/alice'; // in team-a, which owns the key
export const OTHER = 'user:default/bob'; // in team-b
export const ADMIN = 'user:default/root';
export const NOBODY = 'user:default/nobody'; // the policy denies everything
/** In team-a: sees and manages team-a's accounts, may not use their credentials. */
export const AUDITOR = 'user:default/carol';
const GROUPS: Record<string, string[]> = {
  [OWNER]: ['group:default/team-a'],
  [AUDITOR]: ['group:default/team-a'],
  [OTHER]: ['group:default/team-b'],
  [ADMIN]: ['group:default/platform'],
};
export const TEAM_A = 'group:default/team-a';
export const SECRET_MARK = 'THIS-IS-THE-SECRET';

/** What the fake provider was asked to do, e.g. `disable p-k-1`. */
export const providerCalls: string[] = [];

export const fakeProvider: LlmProvider = {
  id: 'fake',
  displayName: 'Fake AI',
  capabilities: [
    'keys.list',
    'keys.create',
    'keys.setEnabled',
    'keys.setLimit',
    'keys.delete',
    'balance',
  ],
  currency: 'USD',
  credentialFields: [
    { name: 'apiKey', label: 'API key', secret: true, required: true },
  ],
  createClient: () => ({
    testConnection: async () => {},
    listKeys: async () => [
      {
        providerKeyId: 'listed-1',
        name: 'Listed at the provider',
        maskedHint: 'sk-…list',
        status: 'active',
        providerProjectId: null,
        createdAt: '2026-10-01T00:00:00Z',
        lastUsedAt: null,
        expiresAt: null,
        limit: null,
        usage: { amount: '3.5', currency: 'USD' },
      },
    ],
    fetchBalances: async () => [
      {
        currency: 'USD',
        available: '12.345',
        total: null,
        used: null,
        readAt: '2026-11-20T00:00:00Z',
      },
    ],
    createKey: async ({ name }) => ({
      key: {
        providerKeyId: `prov-${name}`,
        name,
        maskedHint: 'sk-fake…abcd',
        status: 'active',
        providerProjectId: null,
        createdAt: '2026-11-01T00:00:00Z',
        lastUsedAt: null,
        expiresAt: null,
        limit: { amount: '12.5', currency: 'USD' },
        usage: null,
      },
      secret: `sk-fake-${SECRET_MARK}-created`,
    }),
    setKeyEnabled: async (id, enabled) => {
      providerCalls.push(`${enabled ? 'enable' : 'disable'} ${id}`);
    },
    setKeyLimit: async (id, limit) => {
      providerCalls.push(`limit ${id}`);
      return {
        providerKeyId: id,
        name: id,
        maskedHint: null,
        status: 'active',
        providerProjectId: null,
        createdAt: null,
        lastUsedAt: null,
        expiresAt: null,
        limit,
        usage: null,
      };
    },
    deleteKey: async id => {
      providerCalls.push(`delete ${id}`);
    },
  }),
};

/** Adds `fakeProvider` to the plugin. */
export const fakeProviderModule = createBackendModule({
  pluginId: 'llm-usage',
  moduleId: 'fake-provider',
  register(env) {
    env.registerInit({
      deps: { providers: llmUsageProvidersExtensionPoint },
      async init({ providers }) {
        providers.addProvider(fakeProvider);
      },
    });
  },
});

function decisionFor(ref: string | undefined, permission: ResourcePermission) {
  if (ref === ADMIN) return { result: AuthorizeResult.ALLOW };
  if (!ref || ref === NOBODY) return { result: AuthorizeResult.DENY };
  if (ref === AUDITOR && permission.name === 'llm-usage.accounts.use') {
    return { result: AuthorizeResult.DENY };
  }
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'llm-usage',
    resourceType: permission.resourceType,
    conditions: {
      rule: 'IS_OWNER',
      resourceType: permission.resourceType,
      params: { claims: [ref, ...(GROUPS[ref] ?? [])] },
    },
  };
}

const refOf = (credentials: BackstageCredentials) =>
  (credentials.principal as Partial<BackstageUserPrincipal>).userEntityRef;

/**
 * Starts the plugin on `knex` with the fake provider and the policy above;
 * `modules` adds real provider modules, `entities` fills the catalog.
 */
export async function startProviderTestBackend(
  knex: Knex,
  llmUsageConfig: Record<string, unknown> = {},
  modules: BackendFeature[] = [],
  entities: Entity[] = [],
) {
  const { server } = await startTestBackend({
    features: [
      llmUsagePlugin,
      fakeProviderModule,
      ...modules,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          llmUsage: {
            secrets: { encryptionKey: 'k'.repeat(64) },
            ...llmUsageConfig,
          },
        },
      }),
      catalogServiceMock.factory({ entities }),
      mockServices.userInfo.mock({
        getUserInfo: async (credentials: BackstageCredentials) => {
          const ref = refOf(credentials)!;
          return {
            userEntityRef: ref,
            ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
          };
        },
      }).factory,
      mockServices.permissions.mock({
        authorize: async (requests, { credentials }) =>
          requests.map(({ permission }) => ({
            result:
              permission.name === 'llm-usage.admin' &&
              refOf(credentials) !== ADMIN
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })) as any,
        authorizeConditional: async (requests, { credentials }) =>
          requests.map(({ permission }) =>
            decisionFor(refOf(credentials), permission),
          ) as any,
      }).factory,
    ],
  });
  return {
    server,
    as: (ref: string) => mockCredentials.user.header(ref),
  };
}
