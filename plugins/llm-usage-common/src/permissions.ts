import {
  createPermission,
  type BasicPermission,
} from '@backstage/plugin-permission-common';

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

/** @public */
export const llmUsagePermissions = [
  llmUsageAdminPermission,
  llmUsageReadPermission,
];
