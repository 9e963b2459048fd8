import type { Knex } from 'knex';
import type { MemberSpend } from '@llm-usage/backstage-plugin-llm-usage-common';
import { KEYS_TABLE } from '../accounts/tables';
import { CostTotals } from '../lib/money';
import { type OwnerFilter, applyOwnerFilter } from '../permissions';
import { DatabaseProviderDataStore } from '../sync/DatabaseProviderDataStore';
import { providerKeyRef } from '../providerUsage/keyUsageJoin';
import type { ProviderDataStore } from '../sync/ProviderDataStore';

/** Owners per statement: well inside SQLite's and PostgreSQL's parameter limits. */
const OWNER_CHUNK = 500;

interface OwnerTotals {
  keys: number;
  inputTokens: number;
  outputTokens: number;
  requests: number;
  costs: CostTotals;
}

/**
 * Month-to-date spend of the keys each owner holds, as the providers report
 * it, over every key: a team of any size is counted whole, and only the page
 * of owners asked for is returned.
 *
 * The database sums each key's month (per account, as the key list does);
 * the keys are then added per owner here. Joining keys to the grouped usage
 * in SQL instead made PostgreSQL loop over one side per row of the other
 * (25 s for 20,000 keys).
 */
export class MemberKeySpend {
  constructor(
    private readonly db: Knex,
    private readonly usage: Pick<
      ProviderDataStore,
      'monthByKey'
    > = new DatabaseProviderDataStore(db),
  ) {}

  async spendByOwner(
    ownerRefs: string[],
    visibleKeys: OwnerFilter,
    page: { offset: number; limit: number },
    now = Date.now(),
  ): Promise<{ items: MemberSpend[]; totalCount: number }> {
    const owners = [
      ...new Set(ownerRefs.map(ref => ref.toLocaleLowerCase('en-US'))),
    ];
    if (owners.length === 0 || visibleKeys.kind === 'none') {
      return { items: [], totalCount: 0 };
    }
    const keys: Array<{
      owner: string;
      account_id: string;
      provider_key_id: string | null;
    }> = [];
    for (let i = 0; i < owners.length; i += OWNER_CHUNK) {
      keys.push(
        ...(await this.visibleKeysOf(
          owners.slice(i, i + OWNER_CHUNK),
          visibleKeys,
        )),
      );
    }
    const month = await this.usage.monthByKey(
      [...new Set(keys.map(key => key.account_id))],
      now,
    );
    const byOwner = new Map<string, OwnerTotals>();
    for (const key of keys) {
      let totals = byOwner.get(key.owner);
      if (!totals) {
        totals = {
          keys: 0,
          inputTokens: 0,
          outputTokens: 0,
          requests: 0,
          costs: new CostTotals(),
        };
        byOwner.set(key.owner, totals);
      }
      totals.keys += 1;
      const usage = key.provider_key_id
        ? month.get(providerKeyRef(key.account_id, key.provider_key_id))
        : undefined;
      if (!usage) continue;
      totals.inputTokens += usage.inputTokens;
      totals.outputTokens += usage.outputTokens;
      totals.requests += usage.requests;
      for (const [currency, nanos] of usage.cost) {
        totals.costs.add(currency, nanos);
      }
    }
    const rows = [...byOwner.entries()]
      .map(([ownerRef, totals]) => ({
        ownerRef,
        keys: totals.keys,
        inputTokens: totals.inputTokens,
        outputTokens: totals.outputTokens,
        totalTokens: totals.inputTokens + totals.outputTokens,
        requests: totals.requests,
        costs: totals.costs,
      }))
      .sort(
        (a, b) =>
          b.totalTokens - a.totalTokens || a.ownerRef.localeCompare(b.ownerRef),
      );
    return {
      items: rows
        .slice(page.offset, page.offset + page.limit)
        .map(row => ({ ...row, costs: row.costs.toAmounts() })),
      totalCount: rows.length,
    };
  }

  /** Keys (not deleted) of these lower-case owners that the caller may read. */
  private visibleKeysOf(owners: string[], visibleKeys: OwnerFilter) {
    const query = this.db(`${KEYS_TABLE} as k`)
      .select(
        this.db.raw('lower(k.owner_ref) as owner'),
        'k.account_id',
        'k.provider_key_id',
      )
      .whereNull('k.deleted_at')
      .whereRaw(
        `lower(k.owner_ref) in (${owners.map(() => '?').join(', ')})`,
        owners,
      );
    applyOwnerFilter(query, visibleKeys, 'k.owner_ref');
    return query;
  }
}
