import { mockServices } from '@backstage/backend-test-utils';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { llmUsagePermissions } from '@llm-usage/backstage-plugin-llm-usage-common';
import { warnIfAllAllowed } from './warnIfAllAllowed';

function permissionsAnswering(
  decide: (name: string) => PolicyDecision,
): PermissionsService & { asked: string[] } {
  const asked: string[] = [];
  const answer = async (requests: { permission: { name: string } }[]) =>
    requests.map(({ permission }) => {
      asked.push(permission.name);
      return decide(permission.name);
    });
  return {
    asked,
    authorize: answer as PermissionsService['authorize'],
    authorizeConditional: answer as PermissionsService['authorizeConditional'],
  };
}

describe('warnIfAllAllowed', () => {
  it('warns when an allow-all policy allows every permission, and asks about each one', async () => {
    const logger = mockServices.logger.mock();
    const permissions = permissionsAnswering(() => ({
      result: AuthorizeResult.ALLOW,
    }));
    const warned = await warnIfAllAllowed({
      auth: mockServices.auth(),
      permissions,
      logger,
    });
    expect(warned).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('every user holds llm-usage.admin'),
    );
    expect(permissions.asked.sort()).toEqual(
      llmUsagePermissions.map(p => p.name).sort(),
    );
  });

  it('stays quiet when the policy denies the admin permission to an anonymous caller', async () => {
    const logger = mockServices.logger.mock();
    const warned = await warnIfAllAllowed({
      auth: mockServices.auth(),
      permissions: permissionsAnswering(name =>
        name === 'llm-usage.admin'
          ? { result: AuthorizeResult.DENY }
          : { result: AuthorizeResult.ALLOW },
      ),
      logger,
    });
    expect(warned).toBe(false);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('reports, without throwing, when the policy cannot be asked', async () => {
    const logger = mockServices.logger.mock();
    const failing = async () => {
      throw new Error('permission backend not found');
    };
    const warned = await warnIfAllAllowed({
      auth: mockServices.auth(),
      permissions: { authorize: failing, authorizeConditional: failing },
      logger,
    });
    expect(warned).toBe(false);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Could not check the permission policy'),
    );
  });
});
