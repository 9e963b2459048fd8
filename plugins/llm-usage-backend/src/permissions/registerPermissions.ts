import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  llmUsageAccountPermissions,
  llmUsageAdminPermission,
  llmUsageKeyPermissions,
  llmUsageReadPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { ACCOUNTS_TABLE, KEYS_TABLE } from '../accounts/tables';
import {
  isAccountOwner,
  isKeyOwner,
  llmUsageAccountResourceRef,
  llmUsageKeyResourceRef,
  type OwnedResource,
} from './rules';

async function ownersOf(
  db: Knex,
  table: string,
  ids: string[],
): Promise<Array<OwnedResource | undefined>> {
  const rows: Array<{ id: string; owner_ref: string | null }> = await db(table)
    .select('id', 'owner_ref')
    .whereIn('id', ids);
  const byId = new Map(rows.map(row => [row.id, row]));
  return ids.map(id => {
    const row = byId.get(id);
    return row ? { ownerRef: row.owner_ref } : undefined;
  });
}

/**
 * Makes the plugin's permissions, resource types and the owner rule known to
 * the permission framework, so policies can return conditional decisions on
 * keys and accounts.
 */
export function registerPermissions(
  registry: PermissionsRegistryService,
  db: Knex,
): void {
  registry.addPermissions([llmUsageAdminPermission, llmUsageReadPermission]);
  registry.addResourceType({
    resourceRef: llmUsageKeyResourceRef,
    permissions: llmUsageKeyPermissions,
    rules: [isKeyOwner],
    getResources: ids => ownersOf(db, KEYS_TABLE, ids),
  });
  registry.addResourceType({
    resourceRef: llmUsageAccountResourceRef,
    permissions: llmUsageAccountPermissions,
    rules: [isAccountOwner],
    getResources: ids => ownersOf(db, ACCOUNTS_TABLE, ids),
  });
}
