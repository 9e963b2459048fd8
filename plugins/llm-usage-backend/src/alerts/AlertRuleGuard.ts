import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  type AlertRuleScope,
  llmUsageAccountManagePermission,
  llmUsageKeyManagePermission,
  llmUsageKeyReadPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { AlertRuleGuard } from './AlertService';
import type { AlertViewer } from './types';

/** Checks a resource permission against an owned resource (the key and account authorizers). */
export interface OwnedResourceAuthorizer {
  assert(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    resource: { ownerRef: string | null },
  ): Promise<void>;
}

type OwnerLookup = (
  id: string,
) => Promise<{ ownerRef: string | null } | undefined>;

/**
 * Account and key rules follow the account and key permissions, so a team
 * that manages its keys tunes their alerts; the rest is for admins.
 */
export class OwnerAlertRuleGuard implements AlertRuleGuard {
  constructor(
    private readonly owners: { account: OwnerLookup; key: OwnerLookup },
    private readonly authorizer: {
      accounts: OwnedResourceAuthorizer;
      keys: OwnedResourceAuthorizer;
    },
    /** Whether the caller sees a project or a budget, for listing rules. */
    private readonly sees?: {
      project(credentials: BackstageCredentials, id: string): Promise<boolean>;
      budget(credentials: BackstageCredentials, id: string): Promise<boolean>;
    },
  ) {}

  async maySee(
    credentials: BackstageCredentials,
    viewer: AlertViewer,
    scope: AlertRuleScope,
    scopeId: string | null,
  ): Promise<boolean> {
    if (scope === 'global' || viewer.isAdmin) return true;
    const id = scopeId ?? '';
    if (scope === 'project' || scope === 'budget') {
      return this.sees ? this.sees[scope](credentials, id) : false;
    }
    const owner = await this.owners[scope](id);
    if (!owner) return false;
    // Seeing an account is managing it; a key has a read permission.
    const [authorizer, permission] =
      scope === 'account'
        ? [this.authorizer.accounts, llmUsageAccountManagePermission]
        : [this.authorizer.keys, llmUsageKeyReadPermission];
    return authorizer.assert(credentials, permission, owner).then(
      () => true,
      () => false,
    );
  }

  async assertMayEdit(
    credentials: BackstageCredentials,
    viewer: AlertViewer,
    scope: AlertRuleScope,
    scopeId: string | null,
  ): Promise<void> {
    if (scope === 'account' || scope === 'key') {
      const owner = await this.owners[scope](scopeId ?? '');
      if (!owner) {
        throw new NotFoundError(`No ${scope} with id '${scopeId}'`);
      }
      if (viewer.isAdmin) return;
      // What the caller may not see is not found, as on the account and key routes.
      const notFound = new NotFoundError(`No ${scope} with id '${scopeId}'`);
      if (scope === 'account') {
        // Seeing an account is managing it.
        await this.authorizer.accounts
          .assert(credentials, llmUsageAccountManagePermission, owner)
          .catch(() => {
            throw notFound;
          });
        return;
      }
      try {
        await this.authorizer.keys.assert(
          credentials,
          llmUsageKeyManagePermission,
          owner,
        );
      } catch (error) {
        const mayRead = await this.authorizer.keys
          .assert(credentials, llmUsageKeyReadPermission, owner)
          .then(
            () => true,
            () => false,
          );
        throw mayRead ? error : notFound;
      }
      return;
    }
    if (!viewer.isAdmin) {
      throw new NotAllowedError(
        `Only LLM Usage admins can change ${scope} alert rules`,
      );
    }
  }
}
