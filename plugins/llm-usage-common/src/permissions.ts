import {
  createPermission,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Resource type of provider API keys; conditions (such as the owner rule
 * `IS_OWNER`) filter on the key's owner entity ref.
 *
 * @public
 */
export const LLM_USAGE_KEY_RESOURCE_TYPE = 'llm-usage-key';

/**
 * Resource type of provider accounts; conditions filter on the account's
 * owner entity ref.
 *
 * @public
 */
export const LLM_USAGE_ACCOUNT_RESOURCE_TYPE = 'llm-usage-account';

/**
 * Grants visibility of every call, project and key, regardless of ownership.
 * Without it a user sees their own calls and the projects their groups own.
 *
 * @public
 */
export const llmUsageAdminPermission: BasicPermission = createPermission({
  name: 'llm-usage.admin',
  attributes: { action: 'read' },
});

/**
 * Needed to read any usage at all; the rows returned are still scoped by
 * ownership unless the caller also holds {@link llmUsageAdminPermission}.
 *
 * @public
 */
export const llmUsageReadPermission: BasicPermission = createPermission({
  name: 'llm-usage.usage.read',
  attributes: { action: 'read' },
});

/**
 * Reading a key of the inventory (and listing keys: the list is filtered by
 * the conditions of the decision).
 *
 * @public
 */
export const llmUsageKeyReadPermission: ResourcePermission<
  typeof LLM_USAGE_KEY_RESOURCE_TYPE
> = createPermission({
  name: 'llm-usage.keys.read',
  attributes: { action: 'read' },
  resourceType: LLM_USAGE_KEY_RESOURCE_TYPE,
});

/**
 * Creating, registering, importing, updating, enabling, disabling, tagging
 * and assigning keys. For a new key the conditions are checked against the
 * key as it would be stored (its owner).
 *
 * @public
 */
export const llmUsageKeyManagePermission: ResourcePermission<
  typeof LLM_USAGE_KEY_RESOURCE_TYPE
> = createPermission({
  name: 'llm-usage.keys.manage',
  attributes: { action: 'update' },
  resourceType: LLM_USAGE_KEY_RESOURCE_TYPE,
});

/**
 * Deleting a key, at the provider where it supports it.
 *
 * @public
 */
export const llmUsageKeyDeletePermission: ResourcePermission<
  typeof LLM_USAGE_KEY_RESOURCE_TYPE
> = createPermission({
  name: 'llm-usage.keys.delete',
  attributes: { action: 'delete' },
  resourceType: LLM_USAGE_KEY_RESOURCE_TYPE,
});

/**
 * Seeing, creating, updating and deleting provider accounts.
 *
 * @public
 */
export const llmUsageAccountManagePermission: ResourcePermission<
  typeof LLM_USAGE_ACCOUNT_RESOURCE_TYPE
> = createPermission({
  name: 'llm-usage.accounts.manage',
  attributes: { action: 'update' },
  resourceType: LLM_USAGE_ACCOUNT_RESOURCE_TYPE,
});

/**
 * Using a provider account's credentials: creating, registering or importing
 * keys on it, setting their limits, enabling, disabling or deleting them at
 * the provider, testing the connection and syncing now. Checked against the
 * account, so owning a key does not lend its account's credentials.
 *
 * @public
 */
export const llmUsageAccountUsePermission: ResourcePermission<
  typeof LLM_USAGE_ACCOUNT_RESOURCE_TYPE
> = createPermission({
  name: 'llm-usage.accounts.use',
  attributes: { action: 'update' },
  resourceType: LLM_USAGE_ACCOUNT_RESOURCE_TYPE,
});

/** @public */
export const llmUsageAccountPermissions = [
  llmUsageAccountManagePermission,
  llmUsageAccountUsePermission,
];

/** @public */
export const llmUsageKeyPermissions = [
  llmUsageKeyReadPermission,
  llmUsageKeyManagePermission,
  llmUsageKeyDeletePermission,
];

/** @public */
export const llmUsagePermissions = [
  llmUsageAdminPermission,
  llmUsageReadPermission,
  ...llmUsageKeyPermissions,
  ...llmUsageAccountPermissions,
];
