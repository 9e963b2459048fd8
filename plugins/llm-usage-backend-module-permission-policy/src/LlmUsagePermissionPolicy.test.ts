import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { BackstageUserInfo } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  llmUsageAccountManagePermission,
  llmUsageAccountUsePermission,
  llmUsageAdminPermission,
  llmUsageKeyDeletePermission,
  llmUsageKeyManagePermission,
  llmUsageKeyReadPermission,
  llmUsageReadPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import permissionPolicyModule, {
  LlmUsagePermissionPolicy,
  isLlmUsagePermission,
} from '.';

const members: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/platform-team'],
  'user:default/guest': ['user:default/guest', 'group:default/growth-team'],
};

const userInfo = mockServices.userInfo.mock({
  async getUserInfo(credentials) {
    const { userEntityRef } = credentials.principal as {
      userEntityRef: string;
    };
    return { userEntityRef, ownershipEntityRefs: members[userEntityRef] ?? [] };
  },
});

function policyUser(userEntityRef: string): PolicyQueryUser {
  const info: BackstageUserInfo = {
    userEntityRef,
    ownershipEntityRefs: members[userEntityRef] ?? [],
  };
  return { credentials: mockCredentials.user(userEntityRef), info };
}

function policyWithAdmins(admins?: string[]) {
  return LlmUsagePermissionPolicy.fromConfig(
    new ConfigReader(admins ? { llmUsage: { admins } } : {}),
    { userInfo },
  );
}

describe('LlmUsagePermissionPolicy', () => {
  const policy = policyWithAdmins(['group:default/platform-team']);

  it('allows every other permission, with or without a user', async () => {
    const other = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
    });
    for (const permission of [other, llmUsageReadPermission]) {
      await expect(
        policy.handle({ permission }, policyUser('user:default/guest')),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
      await expect(policy.handle({ permission })).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('grants llm-usage.admin to members of a configured admin group', async () => {
    await expect(
      policy.handle(
        { permission: llmUsageAdminPermission },
        policyUser('user:default/alice'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('denies llm-usage.admin to everyone else', async () => {
    await expect(
      policy.handle(
        { permission: llmUsageAdminPermission },
        policyUser('user:default/guest'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle(
        { permission: llmUsageAdminPermission },
        policyUser('user:default/unknown'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle({ permission: llmUsageAdminPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('accepts admin refs without namespace and in any casing', async () => {
    const relaxed = policyWithAdmins(['Group:Platform-Team', 'user:guest']);
    for (const ref of ['user:default/alice', 'user:default/guest']) {
      await expect(
        relaxed.handle(
          { permission: llmUsageAdminPermission },
          policyUser(ref),
        ),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('grants llm-usage.admin to nobody when no admins are configured', async () => {
    await expect(
      policyWithAdmins().handle(
        { permission: llmUsageAdminPermission },
        policyUser('user:default/alice'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  const keyPermissions = [
    llmUsageKeyReadPermission,
    llmUsageKeyManagePermission,
    llmUsageKeyDeletePermission,
  ];

  it('lets admins read, manage and delete every key and manage every account', async () => {
    for (const permission of [
      ...keyPermissions,
      llmUsageAccountManagePermission,
      llmUsageAccountUsePermission,
    ]) {
      await expect(
        policy.handle({ permission }, policyUser('user:default/alice')),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('lets everyone else act on the keys they or their groups own', async () => {
    for (const permission of keyPermissions) {
      await expect(
        policy.handle({ permission }, policyUser('user:default/guest')),
      ).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'llm-usage',
        resourceType: 'llm-usage-key',
        conditions: {
          rule: 'IS_OWNER',
          resourceType: 'llm-usage-key',
          params: {
            claims: ['user:default/guest', 'group:default/growth-team'],
          },
        },
      });
    }
    await expect(
      policy.handle(
        { permission: llmUsageAccountManagePermission },
        policyUser('user:default/guest'),
      ),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'llm-usage',
      resourceType: 'llm-usage-account',
      conditions: {
        rule: 'IS_OWNER',
        resourceType: 'llm-usage-account',
        params: {
          claims: ['user:default/guest', 'group:default/growth-team'],
        },
      },
    });
  });

  it('lets everyone else use only the credentials of accounts they or their groups own', async () => {
    await expect(
      policy.handle(
        { permission: llmUsageAccountUsePermission },
        policyUser('user:default/guest'),
      ),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'llm-usage',
      resourceType: 'llm-usage-account',
      conditions: {
        rule: 'IS_OWNER',
        resourceType: 'llm-usage-account',
        params: {
          claims: ['user:default/guest', 'group:default/growth-team'],
        },
      },
    });
  });

  it('names the permissions an app policy delegates', () => {
    expect(isLlmUsagePermission(llmUsageAdminPermission)).toBe(true);
    expect(isLlmUsagePermission(llmUsageAccountUsePermission)).toBe(true);
    expect(isLlmUsagePermission(llmUsageReadPermission)).toBe(true);
    expect(
      isLlmUsagePermission(
        createPermission({
          name: 'catalog.entity.delete',
          attributes: { action: 'delete' },
        }),
      ),
    ).toBe(false);
  });

  it('denies key and account permissions without a user', async () => {
    for (const permission of [
      ...keyPermissions,
      llmUsageAccountManagePermission,
      llmUsageAccountUsePermission,
    ]) {
      await expect(policy.handle({ permission })).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it('rejects an admin entry that is not an entity ref', () => {
    expect(() =>
      policyWithAdmins(['group:default/ok', 'platform-team']),
    ).toThrow(/llmUsage\.admins\[1\]/);
  });
});

describe('permission policy module', () => {
  it('installs the policy in the permission plugin', async () => {
    const setPolicy = jest.fn();
    await startTestBackend({
      extensionPoints: [[policyExtensionPoint, { setPolicy }]],
      features: [
        permissionPolicyModule,
        mockServices.rootConfig.factory({
          data: { llmUsage: { admins: ['group:default/platform-team'] } },
        }),
      ],
    });
    expect(setPolicy).toHaveBeenCalledTimes(1);
    expect(setPolicy.mock.calls[0][0]).toBeInstanceOf(LlmUsagePermissionPolicy);
  });
});
