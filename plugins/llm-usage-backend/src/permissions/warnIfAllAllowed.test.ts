import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  llmUsageAdminPermission,
  llmUsageReadPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  warnIfPermissionsDisabled,
  watchForAllowAllPolicy,
} from './warnIfAllAllowed';

const config = new ConfigReader({
  permission: { enabled: true },
  llmUsage: { admins: ['group:default/platform-team'] },
});

const userInfo = mockServices.userInfo.mock({
  async getUserInfo(credentials) {
    const { userEntityRef } = credentials.principal as {
      userEntityRef: string;
    };
    const groups: Record<string, string[]> = {
      'user:default/alice': ['group:default/platform-team'],
    };
    return {
      userEntityRef,
      ownershipEntityRefs: [userEntityRef, ...(groups[userEntityRef] ?? [])],
    };
  },
});

function allowing(admin: AuthorizeResult): PermissionsService {
  const answer = async (requests: { permission: { name: string } }[]) =>
    requests.map(({ permission }) => ({
      result:
        permission.name === llmUsageAdminPermission.name
          ? admin
          : AuthorizeResult.ALLOW,
    }));
  return {
    authorize: answer as PermissionsService['authorize'],
    authorizeConditional: answer as PermissionsService['authorizeConditional'],
  };
}

const adminCheck = [{ permission: llmUsageAdminPermission }];

describe('warnIfPermissionsDisabled', () => {
  it('warns when permission.enabled is off or missing, not when it is on', () => {
    const logger = mockServices.logger.mock();
    expect(warnIfPermissionsDisabled(new ConfigReader({}), logger)).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('every user sees every call'),
    );
    const quiet = mockServices.logger.mock();
    expect(warnIfPermissionsDisabled(config, quiet)).toBe(false);
    expect(quiet.warn).not.toHaveBeenCalled();
  });
});

describe('watchForAllowAllPolicy', () => {
  it('warns once when llm-usage.admin is allowed to a user outside llmUsage.admins, and passes decisions through', async () => {
    const logger = mockServices.logger.mock();
    const permissions = watchForAllowAllPolicy(
      allowing(AuthorizeResult.ALLOW),
      { config, userInfo, logger },
    );
    const credentials = mockCredentials.user('user:default/guest');
    await expect(
      permissions.authorize(adminCheck, { credentials }),
    ).resolves.toEqual([{ result: AuthorizeResult.ALLOW }]);
    await permissions.authorize(adminCheck, { credentials });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'granted llm-usage.admin to user:default/guest, who owns through none of llmUsage.admins',
      ),
    );
  });

  it('stays quiet for an admin of llmUsage.admins, for denials and for other permissions', async () => {
    const logger = mockServices.logger.mock();
    const allowAll = watchForAllowAllPolicy(allowing(AuthorizeResult.ALLOW), {
      config,
      userInfo,
      logger,
    });
    await allowAll.authorize([{ permission: llmUsageReadPermission }], {
      credentials: mockCredentials.user('user:default/guest'),
    });
    await allowAll.authorize(adminCheck, {
      credentials: mockCredentials.user('user:default/alice'),
    });
    const denying = watchForAllowAllPolicy(allowing(AuthorizeResult.DENY), {
      config,
      userInfo,
      logger,
    });
    await expect(
      denying.authorize(adminCheck, {
        credentials: mockCredentials.user('user:default/guest'),
      }),
    ).resolves.toEqual([{ result: AuthorizeResult.DENY }]);
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
