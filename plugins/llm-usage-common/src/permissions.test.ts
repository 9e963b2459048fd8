import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  LLM_USAGE_ACCOUNT_RESOURCE_TYPE,
  LLM_USAGE_KEY_RESOURCE_TYPE,
  llmUsageAccountPermissions,
  llmUsageAdminPermission,
  llmUsageKeyPermissions,
  llmUsagePermissions,
  llmUsageReadPermission,
} from './permissions';

describe('llmUsagePermissions', () => {
  it('lists every permission once, with a unique llm-usage. name', () => {
    const names = llmUsagePermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every(name => name.startsWith('llm-usage.'))).toBe(true);
    expect(names).toEqual([
      'llm-usage.admin',
      'llm-usage.usage.read',
      'llm-usage.keys.read',
      'llm-usage.keys.manage',
      'llm-usage.keys.delete',
      'llm-usage.accounts.manage',
      'llm-usage.accounts.use',
    ]);
  });

  it('makes key and account permissions resource permissions of their type, so policies can answer with conditions', () => {
    for (const permission of llmUsageKeyPermissions) {
      expect(
        isResourcePermission(permission, LLM_USAGE_KEY_RESOURCE_TYPE),
      ).toBe(true);
    }
    for (const permission of llmUsageAccountPermissions) {
      expect(
        isResourcePermission(permission, LLM_USAGE_ACCOUNT_RESOURCE_TYPE),
      ).toBe(true);
    }
    expect(isResourcePermission(llmUsageAdminPermission)).toBe(false);
    expect(isResourcePermission(llmUsageReadPermission)).toBe(false);
  });

  it('gives reads the read action and changes a changing action', () => {
    const actions = Object.fromEntries(
      llmUsagePermissions.map(p => [p.name, p.attributes.action]),
    );
    expect(actions).toEqual({
      'llm-usage.admin': 'read',
      'llm-usage.usage.read': 'read',
      'llm-usage.keys.read': 'read',
      'llm-usage.keys.manage': 'update',
      'llm-usage.keys.delete': 'delete',
      'llm-usage.accounts.manage': 'update',
      'llm-usage.accounts.use': 'update',
    });
  });
});
