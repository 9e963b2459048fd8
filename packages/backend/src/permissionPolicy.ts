import {
  coreServices,
  createBackendModule,
  type UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { llmUsageAdminPermission } from '@llm-usage/backstage-plugin-llm-usage-common';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * The policy of this example backend: everything is allowed, except that
 * `llm-usage.admin` (seeing every call, not only one's own and one's teams')
 * is granted only to users owning through one of the entity refs listed in
 * `llmUsage.admins`, e.g. `group:default/platform-team`.
 *
 * Adopters with their own policy handle `llmUsageAdminPermission` there.
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
    if (!isPermission(request.permission, llmUsageAdminPermission)) {
      return ALLOW;
    }
    if (!user || this.adminRefs.size === 0) {
      return DENY;
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    // Ownership refs are full refs; entity refs compare case-insensitively.
    return ownershipEntityRefs.some(ref =>
      this.adminRefs.has(ref.toLowerCase()),
    )
      ? ALLOW
      : DENY;
  }
}

// Config may name a ref without namespace (`group:platform-team`) or in
// another casing.
function normalizeRef(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref));
}

/** Installs {@link LlmUsagePermissionPolicy} in the permission backend. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'llm-usage-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          LlmUsagePermissionPolicy.fromConfig(config, { userInfo }),
        );
      },
    });
  },
});
