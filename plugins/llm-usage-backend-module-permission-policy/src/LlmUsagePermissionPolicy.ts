import type { UserInfoService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createLlmUsageAccountConditionalDecision,
  createLlmUsageKeyConditionalDecision,
  llmUsageAccountConditions,
  llmUsageKeyConditions,
} from '@llm-usage/backstage-plugin-llm-usage-backend';
import {
  LLM_USAGE_ACCOUNT_RESOURCE_TYPE,
  LLM_USAGE_KEY_RESOURCE_TYPE,
  llmUsageAdminPermission,
  llmUsagePermissions,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Permission } from '@backstage/plugin-permission-common';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * The LLM Usage permission policy. Admins are users owning through one of the
 * entity refs listed in `llmUsage.admins`, e.g. `group:default/platform-team`.
 * - `llm-usage.admin` (seeing every call, key and account): admins only;
 * - key permissions (read, manage, delete) and account permissions (manage,
 *   use the credentials): admins for every key and account, everyone else for
 *   those owned by them or one of their groups (a conditional decision on the
 *   owner);
 * - everything else, reading usage included, is allowed.
 *
 * Installed as the whole policy by this package's default export. An app
 * with its own policy delegates instead: for a permission where
 * {@link isLlmUsagePermission} holds, return `llmUsagePolicy.handle(request, user)`.
 *
 * @public
 */
export class LlmUsagePermissionPolicy implements PermissionPolicy {
  static fromConfig(
    config: Config,
    options: { userInfo: UserInfoService },
  ): LlmUsagePermissionPolicy {
    const admins = (config.getOptionalStringArray('llmUsage.admins') ?? []).map(
      (ref, index) => {
        try {
          return normalizeRef(ref);
        } catch (error) {
          throw new Error(
            `Invalid entity ref at llmUsage.admins[${index}] "${ref}": ${error}`,
          );
        }
      },
    );
    return new LlmUsagePermissionPolicy(new Set(admins), options.userInfo);
  }

  private constructor(
    private readonly adminRefs: ReadonlySet<string>,
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const isAdminPermission = isPermission(permission, llmUsageAdminPermission);
    const isKeyPermission = isResourcePermission(
      permission,
      LLM_USAGE_KEY_RESOURCE_TYPE,
    );
    const isAccountPermission = isResourcePermission(
      permission,
      LLM_USAGE_ACCOUNT_RESOURCE_TYPE,
    );
    if (!isAdminPermission && !isKeyPermission && !isAccountPermission) {
      return ALLOW;
    }
    if (!user) {
      return DENY;
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    // Ownership refs are full refs; entity refs compare case-insensitively.
    const isAdmin = ownershipEntityRefs.some(ref =>
      this.adminRefs.has(ref.toLowerCase()),
    );
    if (isAdmin) {
      return ALLOW;
    }
    if (isKeyPermission) {
      return createLlmUsageKeyConditionalDecision(
        permission,
        llmUsageKeyConditions.isOwner({ claims: ownershipEntityRefs }),
      );
    }
    if (isResourcePermission(permission, LLM_USAGE_ACCOUNT_RESOURCE_TYPE)) {
      return createLlmUsageAccountConditionalDecision(
        permission,
        llmUsageAccountConditions.isOwner({ claims: ownershipEntityRefs }),
      );
    }
    return DENY;
  }
}

// Config may name a ref without namespace (`group:platform-team`) or in
// another casing.
function normalizeRef(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref));
}

const LLM_USAGE_PERMISSION_NAMES = new Set(
  llmUsagePermissions.map(p => p.name),
);

/**
 * Whether a permission is one of LLM Usage's, so a policy of the app's own
 * can hand it to {@link LlmUsagePermissionPolicy.handle}.
 *
 * @public
 */
export function isLlmUsagePermission(permission: Permission): boolean {
  return LLM_USAGE_PERMISSION_NAMES.has(permission.name);
}
