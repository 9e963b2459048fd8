import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { llmUsageAdminPermission } from '@llm-usage/backstage-plugin-llm-usage-common';

const ADVICE =
  'Install @llm-usage/backstage-plugin-llm-usage-backend-module-permission-policy ' +
  'or delegate the llm-usage permissions from your own policy (README: "Install into your Backstage app").';

/**
 * With `permission.enabled` off every check is allowed: every user holds
 * `llm-usage.admin` and sees every call, key and account. Said once at
 * start-up. Returns whether it warned.
 */
export function warnIfPermissionsDisabled(
  config: Config,
  logger: LoggerService,
): boolean {
  if (config.getOptionalBoolean('permission.enabled') === true) {
    return false;
  }
  logger.warn(
    `permission.enabled is not true, so every LLM Usage permission is allowed and every user sees every call. ${ADVICE}`,
  );
  return true;
}

function isUser(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageUserPrincipal> {
  return (credentials.principal as { type?: string }).type === 'user';
}

/**
 * Wraps the plugin's permission service to catch an allow-all policy, which
 * cannot be asked at start-up (the permission backend answers only
 * authenticated users): the first time `llm-usage.admin` is allowed to a user
 * who owns through none of `llmUsage.admins`, the policy is not the plugin's,
 * and the operator is told once. Decisions pass through unchanged.
 */
export function watchForAllowAllPolicy(
  permissions: PermissionsService,
  options: { config: Config; userInfo: UserInfoService; logger: LoggerService },
): PermissionsService {
  const { config, userInfo, logger } = options;
  const adminRefs = new Set(
    (config.getOptionalStringArray('llmUsage.admins') ?? []).flatMap(ref => {
      try {
        return [stringifyEntityRef(parseEntityRef(ref))];
      } catch {
        return [];
      }
    }),
  );
  let checked = false;
  const inspect = async (
    requests: readonly { permission: { name: string } }[],
    decisions: readonly { result: AuthorizeResult }[],
    credentials: BackstageCredentials,
  ) => {
    const index = requests.findIndex(
      r => r.permission.name === llmUsageAdminPermission.name,
    );
    if (
      checked ||
      index < 0 ||
      decisions[index]?.result !== AuthorizeResult.ALLOW ||
      !isUser(credentials)
    ) {
      return;
    }
    checked = true;
    const { userEntityRef, ownershipEntityRefs } = await userInfo.getUserInfo(
      credentials,
    );
    if (!ownershipEntityRefs.some(ref => adminRefs.has(ref.toLowerCase()))) {
      logger.warn(
        `The permission policy granted llm-usage.admin to ${userEntityRef}, who owns through none of llmUsage.admins. ` +
          `With an allow-all policy every user sees every call, key and account. ${ADVICE}`,
      );
    }
  };
  const watch = async <D extends { result: AuthorizeResult }>(
    requests: readonly { permission: { name: string } }[],
    requestOptions: Parameters<PermissionsService['authorize']>[1],
    decide: () => Promise<D[]>,
  ): Promise<D[]> => {
    const decisions = await decide();
    if (!checked && requestOptions && 'credentials' in requestOptions) {
      // Never fails the request it watches.
      await inspect(requests, decisions, requestOptions.credentials).catch(
        () => {
          checked = true;
        },
      );
    }
    return decisions;
  };
  return {
    authorize: (requests, opts) =>
      watch(requests, opts, () => permissions.authorize(requests, opts)),
    authorizeConditional: (requests, opts) =>
      watch(requests, opts, () =>
        permissions.authorizeConditional(requests, opts),
      ),
  };
}
