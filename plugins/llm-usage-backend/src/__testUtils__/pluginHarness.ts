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
import type { JsonObject } from '@backstage/types';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import { llmUsagePlugin } from '../plugin';
import { llmUsageTableNames } from './databases';

/*
 * The real plugin in a test backend, with a small organisation around it, for
 * the harnesses that must cover every route (bad input, isolation) without
 * being edited when a route is added.
 */

export const ALICE = 'user:default/alice'; // team-a, which owns project "alpha"
export const ALINA = 'user:default/alina'; // also team-a, no calls of her own
export const BOB = 'user:default/bob'; // team-b, which owns "beta" and "beta-2"
export const DAVE = 'user:default/dave'; // no team, calls in beta
export const ADMIN = 'user:default/root'; // platform, holds llm-usage.admin

export const TEAM_A = 'group:default/team-a';
export const TEAM_B = 'group:default/team-b';

export const GROUPS: Record<string, string[]> = {
  [ALICE]: [TEAM_A],
  [ALINA]: [TEAM_A],
  [BOB]: [TEAM_B],
  [ADMIN]: ['group:default/platform'],
};

const ADMIN_PERMISSION = 'llm-usage.admin';

export function component(
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

export const CATALOG: Entity[] = [
  component('alpha-service', 'alpha', TEAM_A),
  component('beta-service', 'beta, beta-2', TEAM_B),
];

function ownershipOf(ref: string): string[] {
  return [ref, ...(GROUPS[ref] ?? [])];
}

/**
 * The policy an adopter would write: admins may do everything; other users
 * hold the basic permissions except `llm-usage.admin`, and resource
 * permissions (keys, accounts) only on what one of their ownership refs owns,
 * through the plugin's owner rule.
 */
export function ownerPolicyPermissions(ownerRuleName = 'IS_OWNER') {
  const decide = (permission: any, credentials: BackstageCredentials) => {
    const principal = credentials.principal as Partial<BackstageUserPrincipal>;
    const user = principal.userEntityRef;
    if (user === undefined || user === ADMIN) {
      // Service principals (gateways, other plugins) and admins.
      return { result: AuthorizeResult.ALLOW };
    }
    if (permission.name === ADMIN_PERMISSION) {
      return { result: AuthorizeResult.DENY };
    }
    if (isResourcePermission(permission)) {
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'llm-usage',
        resourceType: permission.resourceType,
        conditions: {
          rule: ownerRuleName,
          resourceType: permission.resourceType,
          params: { claims: ownershipOf(user) } as JsonObject,
        },
      };
    }
    return { result: AuthorizeResult.ALLOW };
  };
  return mockServices.permissions.mock({
    authorize: async (requests, { credentials }) =>
      requests.map(request => {
        const decision = decide(request.permission, credentials);
        // The plugin asks conditionally for resources; a definitive answer
        // to a conditional policy is a refusal, never a leak.
        return decision.result === AuthorizeResult.CONDITIONAL
          ? { result: AuthorizeResult.DENY }
          : decision;
      }) as any,
    authorizeConditional: async (requests, { credentials }) =>
      requests.map(request => decide(request.permission, credentials)) as any,
  }).factory;
}

export interface StartOptions {
  /** Extra app-config under the root. */
  config?: JsonObject;
  /** Replaces the default (mock) scheduler, e.g. with the real one. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
}

/** Starts llmUsagePlugin on `knex` with the organisation above. */
export async function startLlmUsageBackend(
  knex: Knex,
  options: StartOptions = {},
) {
  const backend = await startTestBackend({
    features: [
      llmUsagePlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          llmUsage: {
            // The harnesses drive the rollup themselves.
            rollup: {
              schedule: {
                frequency: { hours: 24 },
                timeout: { minutes: 10 },
                initialDelay: { hours: 24 },
              },
            },
          },
          ...options.config,
        },
      }),
      // A request without a token is anonymous, as in production (the mock
      // would make it a user).
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      catalogServiceMock.factory({ entities: CATALOG }),
      mockServices.userInfo.mock({
        getUserInfo: async (credentials: BackstageCredentials) => {
          const ref = (credentials.principal as BackstageUserPrincipal)
            .userEntityRef;
          return { userEntityRef: ref, ownershipEntityRefs: ownershipOf(ref) };
        },
      }).factory,
      ownerPolicyPermissions(),
      ...(options.features ?? []),
    ],
  });
  return backend;
}

/** A route of the plugin, its path relative to `/api/llm-usage`. */
export interface PluginRoute {
  method: string;
  path: string;
}

const PLUGIN_MOUNT = '/api/llm-usage';

/**
 * Walks the Express stack behind the test server and returns every route
 * mounted under the plugin's base path, in registration order. Every router a
 * plugin adds through httpRouter ends up here, so new routes are found
 * without editing the tests that use this.
 */
export function discoverRoutes(server: Server): PluginRoute[] {
  const app = server.listeners('request')[0] as any;
  const routes: PluginRoute[] = [];
  const seen = new Set<string>();
  const walk = (stack: any[], insidePlugin: boolean) => {
    for (const layer of stack ?? []) {
      if (layer.route) {
        if (!insidePlugin) continue;
        for (const method of Object.keys(layer.route.methods)) {
          if (method === '_all') continue;
          const route = {
            method: method.toUpperCase(),
            path: layer.route.path,
          };
          const id = `${route.method} ${route.path}`;
          if (!seen.has(id)) {
            seen.add(id);
            routes.push(route);
          }
        }
      } else if (layer.handle?.stack) {
        // A mounted router: the plugin's own lies under its base path.
        const mountsPlugin =
          insidePlugin ||
          (layer.regexp?.test(PLUGIN_MOUNT) &&
            !layer.regexp?.fast_slash &&
            layer.regexp.test(`${PLUGIN_MOUNT}/x`));
        walk(layer.handle.stack, Boolean(mountsPlugin));
      }
    }
  };
  walk(app._router?.stack ?? app.router?.stack, false);
  return routes;
}

/** Row counts of every llm_usage_* table. */
export async function llmUsageTableCounts(
  knex: Knex,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of await llmUsageTableNames(knex)) {
    const [{ count }] = await knex(name).count({ count: '*' });
    counts[name] = Number(count);
  }
  return counts;
}
