import type { Knex } from 'knex';
import { AccountStore, type AccountRecord } from '../accounts/AccountStore';
import { DatabaseAccountStore } from '../accounts/DatabaseAccountStore';
import { BALANCES_TABLE, KEYS_TABLE } from '../accounts/tables';
import type { AccountOwnership } from '../budgets/BudgetService';
import { orNull } from '../lib/columnValues';
import { parseDecimalToNanos } from '../lib/money';
import { sumProviderUsage } from '../providerUsage/providerUsageTotals';
import { integer, nanos, nullable, rowMapping, text } from '../lib/rowMapping';
import type { BalanceRow, ProviderDataStore } from '../sync/ProviderDataStore';
import { DatabaseProviderDataStore } from '../sync/DatabaseProviderDataStore';

/** What the quota view needs of a provider account; never its credentials. */
export interface AccountSummary {
  id: string;
  name: string;
  provider: string;
  ownerRef: string | null;
  /** From the account's settings, when set. */
  billingUrl: string | null;
  status: string;
  lastSyncAt: number | null;
  /** The last sync failed: balances are the last known ones. */
  syncFailing: boolean;
}

/** A balance reading of an account (as the sync wrote it). */
export interface BalanceRecord extends BalanceRow {
  accountId: string;
}

const balanceRows = rowMapping<BalanceRecord>({
  accountId: text(),
  currency: text(),
  availableNanos: nanos,
  totalNanos: nullable(nanos),
  usedNanos: nullable(nanos),
  readAt: integer,
});

export interface ExpiringKey {
  id: string;
  name: string;
  provider: string;
  expiresAt: number;
}

export interface DailySpend {
  accountId: string;
  currency: string;
  dayStart: number;
  costNanos: bigint;
}

/**
 * Read-only views over what provider sync stores: accounts, balance readings
 * and the spend providers report per day.
 */
export class ProviderLedger implements AccountOwnership {
  private readonly accountStore: AccountStore;
  private readonly providerData: ProviderDataStore;

  constructor(
    private readonly db: Knex,
    accountStore: AccountStore = new DatabaseAccountStore(db),
  ) {
    this.accountStore = accountStore;
    this.providerData = new DatabaseProviderDataStore(db);
  }

  /** Accounts by id, or all when `ids` is undefined. */
  async accounts(ids?: readonly string[]): Promise<AccountSummary[]> {
    const wanted = ids ? new Set(ids) : undefined;
    return (await this.accountStore.list())
      .filter(account => !wanted || wanted.has(account.id))
      .map(toSummary);
  }

  async ownerOf(
    accountId: string,
  ): Promise<{ ownerRef: string | null } | undefined> {
    const account = await this.accountStore.get(accountId);
    return account ? { ownerRef: account.ownerRef } : undefined;
  }

  /** Accounts owned by any of the refs (compared lower-cased). */
  async accountsOwnedBy(
    ownershipRefs: readonly string[],
  ): Promise<AccountSummary[]> {
    const owners = new Set(ownershipRefs);
    return (await this.accountStore.list())
      .filter(a => a.ownerRef && owners.has(a.ownerRef.toLowerCase()))
      .map(toSummary);
  }

  /** Ids of accounts owned by any of the refs (compared lower-cased). */
  async idsOwnedBy(ownershipRefs: readonly string[]): Promise<string[]> {
    return (await this.accountsOwnedBy(ownershipRefs)).map(a => a.id);
  }

  /** Ids of keys owned by any of the refs, deleted ones included. */
  async keyIdsOwnedBy(ownershipRefs: readonly string[]): Promise<string[]> {
    if (ownershipRefs.length === 0) return [];
    const rows = await this.db(KEYS_TABLE)
      .whereNotNull('owner_ref')
      .whereIn(this.db.raw('LOWER(owner_ref)') as any, ownershipRefs)
      .select('id');
    return rows.map(row => row.id);
  }

  /** Distinct owners (lower-cased) of keys and accounts. */
  async ownerRefs(): Promise<string[]> {
    const [keys, accounts] = await Promise.all([
      this.db(KEYS_TABLE)
        .whereNotNull('owner_ref')
        .whereNull('deleted_at')
        .distinct('owner_ref'),
      this.accountStore.list(),
    ]);
    return [
      ...new Set(
        [
          ...keys.map(r => String(r.owner_ref)),
          ...accounts.flatMap(a => (a.ownerRef ? [a.ownerRef] : [])),
        ].map(ref => ref.toLowerCase()),
      ),
    ];
  }

  /** Keys of an owner that expire in [from, to), soonest first. */
  async expiringKeys(
    ownerRef: string,
    from: number,
    to: number,
  ): Promise<ExpiringKey[]> {
    const rows = await this.db(KEYS_TABLE)
      .whereRaw('LOWER(owner_ref) = ?', [ownerRef.toLowerCase()])
      .whereNull('deleted_at')
      .whereNull('removed_at')
      .where('expires_at', '>=', from)
      .where('expires_at', '<', to)
      .orderBy(['expires_at', 'id'])
      .select('id', 'name', 'provider', 'expires_at');
    return rows.map(row => ({
      id: row.id,
      name: row.name,
      provider: row.provider,
      expiresAt: Number(row.expires_at),
    }));
  }

  /** The newest reading per account and currency. */
  async latestBalances(
    accountIds: readonly string[],
  ): Promise<BalanceRecord[]> {
    if (accountIds.length === 0) return [];
    const wanted = new Set(accountIds);
    const nanosOf = (amount: string) => parseDecimalToNanos(amount) ?? 0n;
    const nanosOrNull = orNull(nanosOf);
    return (await this.providerData.latestBalances())
      .filter(balance => wanted.has(balance.accountId))
      .map(balance => ({
        accountId: balance.accountId,
        currency: balance.currency,
        availableNanos: nanosOf(balance.available),
        totalNanos: nanosOrNull(balance.total),
        usedNanos: nanosOrNull(balance.used),
        readAt: Date.parse(balance.readAt),
      }));
  }

  /** The newest `limit` readings of one account in one currency, oldest first. */
  async newestReadings(
    accountId: string,
    currency: string,
    limit: number,
  ): Promise<BalanceRecord[]> {
    const rows = await this.db(BALANCES_TABLE)
      .where('account_id', accountId)
      .where('currency', currency)
      .orderBy([
        { column: 'read_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.reverse().map(balanceRows.fromRow);
  }

  /**
   * Readings of several accounts at or after `since`, oldest first: one
   * query, however many accounts.
   */
  async readingsSince(
    accountIds: readonly string[],
    since: number,
  ): Promise<BalanceRecord[]> {
    if (accountIds.length === 0) return [];
    const rows = await this.db(BALANCES_TABLE)
      .whereIn('account_id', accountIds)
      .where('read_at', '>=', since)
      .orderBy(['read_at', 'id']);
    return rows.map(balanceRows.fromRow);
  }

  /** Spend per account, currency and UTC day as providers report it. */
  async dailySpend(
    accountIds: readonly string[],
    fromDay: number,
    toDay: number,
  ): Promise<DailySpend[]> {
    const totals = await sumProviderUsage(this.db, ['accountId', 'dayStart'], {
      fromDay,
      toDay,
      accountIds,
    });
    return totals.map(({ accountId, currency, dayStart, costNanos }) => ({
      accountId,
      currency,
      dayStart,
      costNanos,
    }));
  }
}

function toSummary(account: AccountRecord): AccountSummary {
  const url = account.settings.billingUrl;
  return {
    id: account.id,
    name: account.name,
    provider: account.provider,
    ownerRef: account.ownerRef,
    billingUrl: url && /^https?:\/\//.test(url) ? url : null,
    status: account.status,
    lastSyncAt: account.lastSyncAt,
    syncFailing: account.status === 'error' || Boolean(account.lastError),
  };
}
