import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  llmUsageAdminPermission,
  llmUsageReadPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { VisibilityScope } from '../database/types';
import { ProjectDirectory } from './ProjectDirectory';

/**
 * Turns a caller into the set of calls they may see: admins see everything;
 * a user sees their own calls and every call of the projects owned by one of
 * their ownership refs (themselves or their groups).
 */
export class VisibilityResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly permissions: PermissionsService,
    private readonly userInfo: UserInfoService,
    private readonly projects: ProjectDirectory,
  ) {}

  async scopeFor(credentials: BackstageCredentials): Promise<VisibilityScope> {
    const [read, admin] = await this.permissions.authorize(
      [
        { permission: llmUsageReadPermission },
        { permission: llmUsageAdminPermission },
      ],
      { credentials },
    );
    if (read.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('Not allowed to read LLM usage');
    }
    if (admin.result === AuthorizeResult.ALLOW) {
      return { kind: 'all' };
    }
    if (!this.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError('Only users and admins can read LLM usage');
    }
    const info = await this.userInfo.getUserInfo(credentials);
    return {
      kind: 'restricted',
      userRef: info.userEntityRef,
      projectIds: await this.projects.projectIdsOwnedBy(
        info.ownershipEntityRefs,
      ),
    };
  }
}
