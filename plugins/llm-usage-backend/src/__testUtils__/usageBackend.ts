import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { llmUsagePlugin } from '../plugin';
import { createTestDatabases } from './databases';

/**
 * The whole plugin on a test database with a small org: alice (team-a) owns
 * project "alpha", bob (team-b) owns "beta" and "beta-2", root is an admin.
 */
export const ALICE = 'user:default/alice';
export const BOB = 'user:default/bob';
export const ADMIN = 'user:default/root';
const GROUPS: Record<string, string[]> = {
  [ALICE]: ['group:default/team-a'],
  [BOB]: ['group:default/team-b'],
  [ADMIN]: ['group:default/platform'],
};

export function annotatedComponent(
  name: string,
  projectIds: string,
  owner: string,
): Entity {
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

export async function startUsageBackend(
  databases: ReturnType<typeof createTestDatabases>,
  databaseId: TestDatabaseId,
  config: JsonObject = {},
) {
  return (await startUsageBackendWith(databases, databaseId, { config }))
    .server;
}

/**
 * The same backend with more service factories, e.g. a
 * signals service that records what is published; also gives the database.
 */
export async function startUsageBackendWith(
  databases: ReturnType<typeof createTestDatabases>,
  databaseId: TestDatabaseId,
  options: {
    config?: JsonObject;
    features?: Parameters<typeof startTestBackend>[0]['features'];
  },
) {
  const config = options.config ?? {};
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      ...(options.features ?? []),
      llmUsagePlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({ data: config }),
      catalogServiceMock.factory({
        entities: [
          annotatedComponent('alpha-service', 'alpha', 'group:default/team-a'),
          annotatedComponent(
            'beta-service',
            'beta, beta-2',
            'group:default/team-b',
          ),
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
      // Everyone may read; only root (and services) are admins.
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
  return { server, knex };
}
