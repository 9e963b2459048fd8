import type { AuthorizedKeyService } from './AuthorizedKeyService';

/**
 * The key inventory for a caller: reads scoped by permission, audited
 * changes. These are the public methods of AuthorizedKeyService (over
 * KeyInventory), so its users and their test doubles need none of its
 * internals.
 *
 * `decisions` lets one request (a batch, an import) ask each permission
 * once; `request` is recorded in the audit trail.
 */
export type KeyService = Pick<AuthorizedKeyService, keyof AuthorizedKeyService>;
