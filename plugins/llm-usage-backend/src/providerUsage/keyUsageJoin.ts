import type { Knex } from 'knex';

/**
 * The join of provider usage rows to their key: the key of the same account
 * with the rows' provider key id. `usage` and `key` are the aliases of the
 * two tables in the query.
 */
export function keyUsageJoin(usage: string, key: string) {
  return (join: Knex.JoinClause) =>
    join
      .on(`${key}.account_id`, `${usage}.account_id`)
      .andOn(`${key}.provider_key_id`, `${usage}.provider_key_id`);
}

/**
 * The same match in memory: a map key naming a provider's key within its
 * account, for usage rows and inventory keys to find each other.
 */
export function providerKeyRef(accountId: string, providerKeyId: string) {
  return `${accountId}\u0000${providerKeyId}`;
}
