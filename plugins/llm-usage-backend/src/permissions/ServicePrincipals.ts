import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type Permission,
} from '@backstage/plugin-permission-common';
import { llmUsageAccountManagePermission } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Request } from 'express';

/**
 * What a service principal (a static token, another plugin) may do here:
 * - `ingest`: send calls (`POST /calls`, the LiteLLM and OTLP adapters);
 * - `read`: every read, of every project, key, account and the audit trail;
 * - `manage`: every change, using provider accounts' credentials included
 *   (and every read).
 */
export const SERVICE_CAPABILITIES = ['ingest', 'read', 'manage'] as const;
export type ServiceCapability = (typeof SERVICE_CAPABILITIES)[number];

/** What a service not named in `llmUsage.servicePrincipals` may do. */
export const DEFAULT_SERVICE_CAPABILITIES: readonly ServiceCapability[] = [
  'ingest',
];

/** The routes that ingest calls, as `METHOD path` relative to the plugin. */
const INGEST_ROUTES = new Set([
  'POST /calls',
  'POST /ingest/litellm',
  'POST /ingest/otlp/v1/traces',
]);

/** The capability a request needs from a service principal. */
export function capabilityFor(req: Request): ServiceCapability {
  // Inside a route handler express knows the route's pattern.
  const route = `${req.method} ${req.route?.path ?? req.path}`;
  if (INGEST_ROUTES.has(route)) return 'ingest';
  return req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'manage';
}

/**
 * The capability a permission needs, from what it does. Managing an account
 * is also what lets one see it (balances, sync errors), so for a service it
 * takes `read`: the changes it guards are all routes that need `manage`.
 */
function capabilityForPermission(permission: Permission): ServiceCapability {
  if (permission.name === llmUsageAccountManagePermission.name) return 'read';
  return permission.attributes.action === 'read' ? 'read' : 'manage';
}

function servicePrincipalOf(
  credentials: BackstageCredentials,
): BackstageServicePrincipal | undefined {
  const principal = credentials.principal as { type?: string };
  return principal.type === 'service'
    ? (principal as BackstageServicePrincipal)
    : undefined;
}

/**
 * Service principals get only the capabilities configured for their subject
 * (`llmUsage.servicePrincipals`), ingestion by default. The permission
 * framework allows service principals everything, so this is applied in
 * front of it: to the plugin's HTTP authentication (every route) and to its
 * permission checks (routes and actions alike).
 */
export class ServicePrincipals {
  static fromConfig(config: Config): ServicePrincipals {
    const bySubject = new Map<string, ReadonlySet<ServiceCapability>>();
    const entries = config.getOptionalConfigArray('llmUsage.servicePrincipals');
    (entries ?? []).forEach((entry, index) => {
      const subject = entry.getString('subject');
      const capabilities = entry.getStringArray('capabilities');
      for (const capability of capabilities) {
        if (!(SERVICE_CAPABILITIES as readonly string[]).includes(capability)) {
          throw new Error(
            `Invalid llmUsage.servicePrincipals[${index}].capabilities: '${capability}' is not one of ${SERVICE_CAPABILITIES.join(
              ', ',
            )}`,
          );
        }
      }
      bySubject.set(subject, new Set(capabilities as ServiceCapability[]));
    });
    return new ServicePrincipals(bySubject);
  }

  constructor(
    private readonly bySubject: ReadonlyMap<
      string,
      ReadonlySet<ServiceCapability>
    >,
  ) {}

  capabilitiesOf(subject: string): ReadonlySet<ServiceCapability> {
    return this.bySubject.get(subject) ?? new Set(DEFAULT_SERVICE_CAPABILITIES);
  }

  /** True for users; for a service, whether its subject has the capability. */
  allows(
    credentials: BackstageCredentials,
    capability: ServiceCapability,
  ): boolean {
    const service = servicePrincipalOf(credentials);
    if (!service) return true;
    const capabilities = this.capabilitiesOf(service.subject);
    // Changing what one cannot read makes no sense: manage includes read.
    return (
      capabilities.has(capability) ||
      (capability === 'read' && capabilities.has('manage'))
    );
  }

  assert(
    credentials: BackstageCredentials,
    capability: ServiceCapability,
  ): void {
    if (!this.allows(credentials, capability)) {
      throw new NotAllowedError(
        `This service principal lacks the '${capability}' capability (llmUsage.servicePrincipals)`,
      );
    }
  }

  /** The plugin's HttpAuthService: a service must hold what the route needs. */
  guardHttpAuth(httpAuth: HttpAuthService): HttpAuthService {
    return {
      credentials: (async (req: Request, options?: any) => {
        const credentials = await httpAuth.credentials(req, options);
        this.assert(credentials, capabilityFor(req));
        return credentials;
      }) as HttpAuthService['credentials'],
      issueUserCookie: (res, options) => httpAuth.issueUserCookie(res, options),
    };
  }

  /**
   * The plugin's PermissionsService: a service's decisions come from its
   * capabilities (reads need `read`, anything else `manage`); users' from the
   * policy.
   */
  guardPermissions(permissions: PermissionsService): PermissionsService {
    const forService = (
      credentials: BackstageCredentials,
      requests: Array<{ permission: Permission }>,
    ) =>
      requests.map(({ permission }) => ({
        result: this.allows(credentials, capabilityForPermission(permission))
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      }));
    const guarded = <M extends 'authorize' | 'authorizeConditional'>(
      method: M,
    ) =>
      (async (requests: any[], options: any) =>
        servicePrincipalOf(options.credentials)
          ? forService(options.credentials, requests)
          : (permissions[method] as Function).call(
              permissions,
              requests,
              options,
            )) as PermissionsService[M];
    return {
      authorize: guarded('authorize'),
      authorizeConditional: guarded('authorizeConditional'),
    };
  }
}
