import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  llmUsageAccountManagePermission,
  llmUsageAccountUsePermission,
  llmUsageKeyManagePermission,
  llmUsageKeyReadPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { JsonValue } from '@backstage/types';
import { ServicePrincipals } from './ServicePrincipals';

const principalsOf = (servicePrincipals: JsonValue) =>
  ServicePrincipals.fromConfig(
    new ConfigReader({ llmUsage: { servicePrincipals } }),
  );

describe('ServicePrincipals', () => {
  it('lets a subject not configured only ingest', () => {
    const principals = principalsOf([
      { subject: 'dashboards', capabilities: ['read'] },
    ]);
    expect([...principals.capabilitiesOf('external:other')]).toEqual([
      'ingest',
    ]);
    expect([...principals.capabilitiesOf('dashboards')]).toEqual(['read']);
    const service = mockCredentials.service('dashboards');
    expect(principals.allows(service, 'read')).toBe(true);
    expect(principals.allows(service, 'ingest')).toBe(false);
    const manager = principalsOf([
      { subject: 'bot', capabilities: ['manage'] },
    ]);
    // Manage includes read, never ingest.
    expect(manager.allows(mockCredentials.service('bot'), 'read')).toBe(true);
    expect(manager.allows(mockCredentials.service('bot'), 'ingest')).toBe(
      false,
    );
    // Users are the permission framework's business.
    expect(principals.allows(mockCredentials.user(), 'manage')).toBe(true);
  });

  it('refuses a capability it does not know, naming the entry', () => {
    expect(() =>
      principalsOf([{ subject: 'x', capabilities: ['read', 'everything'] }]),
    ).toThrow(
      "Invalid llmUsage.servicePrincipals[0].capabilities: 'everything' is not one of ingest, read, manage",
    );
  });

  it("answers a service's permission checks from its capabilities, never asking the policy", async () => {
    const principals = principalsOf([
      { subject: 'dashboards', capabilities: ['read'] },
    ]);
    const policy = {
      authorize: jest.fn(),
      authorizeConditional: jest.fn(),
    };
    const guarded = principals.guardPermissions(policy as any);
    const decide = async (subject: string) =>
      (
        await guarded.authorizeConditional(
          [
            { permission: llmUsageKeyReadPermission },
            { permission: llmUsageAccountManagePermission },
            { permission: llmUsageKeyManagePermission },
            { permission: llmUsageAccountUsePermission },
          ],
          { credentials: mockCredentials.service(subject) },
        )
      ).map(decision => decision.result);
    const { ALLOW, DENY } = AuthorizeResult;
    // Seeing accounts is a read for a service; changing and using are not.
    expect(await decide('dashboards')).toEqual([ALLOW, ALLOW, DENY, DENY]);
    expect(await decide('ingest-only')).toEqual([DENY, DENY, DENY, DENY]);
    expect(policy.authorizeConditional).not.toHaveBeenCalled();
  });
});
