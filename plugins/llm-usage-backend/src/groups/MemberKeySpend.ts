import type { Knex } from 'knex';
import type { MemberSpend } from '@llm-usage/backstage-plugin-llm-usage-common';
import { KEYS_TABLE, PROVIDER_USAGE_TABLE } from '../accounts/tables';
import { monthStartOf } from '../keys/KeyStore';
import { CostTotals, toBigInt } from '../lib/money';
import { type OwnerFilter, applyOwnerFilter } from '../permissions';

/** Owners per statement: well inside SQLite's and PostgreSQL's parameter limits. */
const OWNER_CHUNK = 500;

/**
 * Month-to-date spend of the keys each owner holds, as the providers report
 * it. Summed by the database over every key, so a team of any size is
 * counted whole; only the page of owners asked for is returned.
 */
export class MemberKeySpend {
  constructor(private readonly db: Knex) {}

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
    const monthStart = monthStartOf(now);
    // Per owner: key count and token sums; all owners' rows are few (one per
    // member), the keys and usage rows behind them are summed in SQL.
    const totals: Array<{
      owner: string;
      key_count: unknown;
      input_tokens: unknown;
      output_tokens: unknown;
      requests: unknown;
    }> = [];
    for (let i = 0; i < owners.length; i += OWNER_CHUNK) {
      const chunk = owners.slice(i, i + OWNER_CHUNK);
      const perKey = this.monthPerKey(monthStart)
        .select('account_id', 'provider_key_id')
        .groupBy('account_id', 'provider_key_id')
        .as('u');
      const query = this.visibleKeysOf(chunk, visibleKeys)
        .leftJoin(perKey, join =>
          join
            .on('u.account_id', 'k.account_id')
            .andOn('u.provider_key_id', 'k.provider_key_id'),
        )
        .select(
          this.db.raw('lower(k.owner_ref) as owner'),
          this.db.raw('count(k.id) as key_count'),
          // Text keeps bigint sums exact on both databases.
          this.db.raw(
            'cast(coalesce(sum(u.input_tokens), 0) as text) as input_tokens',
          ),
          this.db.raw(
            'cast(coalesce(sum(u.output_tokens), 0) as text) as output_tokens',
          ),
          this.db.raw('cast(coalesce(sum(u.requests), 0) as text) as requests'),
        )
        .groupByRaw('lower(k.owner_ref)');
      totals.push(...(await query));
    }
    const rows = totals
      .map(row => {
        const inputTokens = Number(toBigInt(row.input_tokens));
        const outputTokens = Number(toBigInt(row.output_tokens));
        return {
          ownerRef: row.owner,
          keys: Number(row.key_count),
          inputTokens,
          outputTokens,
          totalTokens: inputTokens + outputTokens,
          requests: Number(toBigInt(row.requests)),
        };
      })
      .sort(
        (a, b) =>
          b.totalTokens - a.totalTokens || a.ownerRef.localeCompare(b.ownerRef),
      );
    const pageRows = rows.slice(page.offset, page.offset + page.limit);
    const costs = await this.costsOf(
      pageRows.map(row => row.ownerRef),
      visibleKeys,
      monthStart,
    );
    return {
      items: pageRows.map(row => ({
        ...row,
        costs: costs.get(row.ownerRef)?.toAmounts() ?? [],
      })),
      totalCount: rows.length,
    };
  }

  /** Per owner and currency, for the owners of one page. */
  private async costsOf(
    owners: string[],
    visibleKeys: OwnerFilter,
    monthStart: number,
  ): Promise<Map<string, CostTotals>> {
    const result = new Map<string, CostTotals>();
    if (owners.length === 0) return result;
    const perKey = this.monthPerKey(monthStart)
      .select('account_id', 'provider_key_id', 'currency')
      .groupBy('account_id', 'provider_key_id', 'currency')
      .as('u');
    const rows: Array<{
      owner: string;
      currency: string;
      cost_nanos: unknown;
    }> = await this.visibleKeysOf(owners, visibleKeys)
      .join(perKey, join =>
        join
          .on('u.account_id', 'k.account_id')
          .andOn('u.provider_key_id', 'k.provider_key_id'),
      )
      .select(
        this.db.raw('lower(k.owner_ref) as owner'),
        'u.currency',
        this.db.raw('cast(sum(u.cost_nanos) as text) as cost_nanos'),
      )
      .groupByRaw('lower(k.owner_ref), u.currency');
    for (const row of rows) {
      const totals = result.get(row.owner) ?? new CostTotals();
      totals.add(row.currency, toBigInt(row.cost_nanos));
      result.set(row.owner, totals);
    }
    return result;
  }

  /** Keys (not deleted) of these lower-case owners that the caller may read. */
  private visibleKeysOf(owners: string[], visibleKeys: OwnerFilter) {
    const query = this.db(`${KEYS_TABLE} as k`)
      .whereNull('k.deleted_at')
      .whereRaw(
        `lower(k.owner_ref) in (${owners.map(() => '?').join(', ')})`,
        owners,
      );
    applyOwnerFilter(query, visibleKeys, 'k.owner_ref');
    return query;
  }

  /** The provider's daily rows of this month, summed per key by the caller. */
  private monthPerKey(monthStart: number) {
    return this.db(PROVIDER_USAGE_TABLE)
      .sum({
        input_tokens: 'input_tokens',
        output_tokens: 'output_tokens',
        requests: 'requests',
        cost_nanos: 'cost_nanos',
      })
      .where('day_start', '>=', monthStart)
      .whereNot('provider_key_id', '');
  }
}
