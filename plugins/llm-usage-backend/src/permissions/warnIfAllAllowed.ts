import type {
  AuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  type BasicPermission,
  type Permission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { llmUsagePermissions } from '@llm-usage/backstage-plugin-llm-usage-common';

/**
 * Asks the app's policy about every LLM Usage permission for a caller with no
 * identity at all. When each one is allowed (an allow-all policy, or
 * `permission.enabled` off), every user holds `llm-usage.admin` and sees every
 * call and key, so the operator is told at start-up. Returns whether it warned.
 */
export async function warnIfAllAllowed(options: {
  auth: AuthService;
  permissions: PermissionsService;
  logger: LoggerService;
}): Promise<boolean> {
  const { auth, permissions, logger } = options;
  const credentials = await auth.getNoneCredentials();
  const all: Permission[] = llmUsagePermissions;
  const basic = all.filter((p): p is BasicPermission => p.type === 'basic');
  const resource = all.filter(
    (p): p is ResourcePermission => p.type === 'resource',
  );
  let decisions: { result: AuthorizeResult }[];
  try {
    decisions = [
      ...(await permissions.authorize(
        basic.map(permission => ({ permission })),
        { credentials },
      )),
      ...(await permissions.authorizeConditional(
        resource.map(permission => ({ permission })),
        { credentials },
      )),
    ];
  } catch (error) {
    // No permission backend to ask: the routes will fail the same way.
    logger.warn(`Could not check the permission policy: ${error}`);
    return false;
  }
  if (decisions.every(d => d.result === AuthorizeResult.ALLOW)) {
    logger.warn(
      'Every LLM Usage permission is allowed, even to a caller without an identity: ' +
        'every user holds llm-usage.admin and sees every call, key and account. ' +
        'Install @llm-usage/backstage-plugin-llm-usage-backend-module-permission-policy ' +
        'or delegate these permissions from your own policy (README: "Permissions").',
    );
    return true;
  }
  return false;
}
