import type { Runway } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { KEYS_TABLE } from '../accounts/tables';
import { AUDIT_EVENTS_TABLE } from '../audit/AuditLog';
import { CostTotals } from '../lib/money';
import {
  type ProviderUsageAmounts,
  sumProviderUsage,
} from '../providerUsage/providerUsageTotals';

/*
 * What alert rules look at, read fresh at each evaluation. The key inventory
 * and the provider-reported month usage are read here; balances, accounts
 * and budget standings come from the quota module through the small
 * interfaces below, so alerts and the quota view agree.
 */

export interface KeyFact {
  id: string;
  accountId: string;
  name: string;
  status: string;
  ownerRef: string | null;
  expiresAt: number | null;
  lastError: string | null;
  /** Disabled through this plugin (an audited action), not by the provider. */
  disabledHere: boolean;
}

export interface AccountFact {
  id: string;
  name: string;
  ownerRef: string | null;
  syncFailing: boolean;
  lastError?: string | null;
}

export interface BalanceFact {
  accountId: string;
  currency: string;
  availableNanos: bigint;
  readAt: number;
}

/** Month-to-date usage of one key or account, as providers report it. */
export interface MonthUsage {
  tokens: number;
  costs: CostTotals;
}

/** Accounts and their newest balances. */
export interface AccountReader {
  accounts(): Promise<AccountFact[]>;
  latestBalances(accountIds: readonly string[]): Promise<BalanceFact[]>;
}

/**
 * Accounts from the account store (with the last sync error, for the alert)
 * and balances from the quota module's ledger, as the quota view reads them.
 */
export function accountReader(
  accountStore: {
    list(): Promise<
      Array<{
        id: string;
        name: string;
        ownerRef: string | null;
        status: string;
        lastError: string | null;
      }>
    >;
  },
  ledger: Pick<AccountReader, 'latestBalances'>,
): AccountReader {
  return {
    async accounts() {
      return (await accountStore.list()).map(account => ({
        id: account.id,
        name: account.name,
        ownerRef: account.ownerRef,
        syncFailing: account.status === 'error' || Boolean(account.lastError),
        lastError: account.lastError,
      }));
    },
    latestBalances: ids => ledger.latestBalances(ids),
  };
}

/** A budget's month so far (the quota module's standings). */
export interface BudgetStandingFact {
  budget: {
    id: string;
    targetType: string;
    targetRef: string;
    name: string;
    amountNanos: bigint;
    currency: string;
  };
  usedNanos: bigint;
  remainingNanos: bigint;
  periodEnd: number;
  runway: Runway;
}

export interface BudgetStandingReader {
  standings(now: number): Promise<BudgetStandingFact[]>;
}

/** Reads of the key inventory and provider usage for alert rules. */
export class KeyFacts {
  constructor(private readonly db: Knex) {}

  /** Live keys: neither deleted here nor gone from the provider, nor archived. */
  async keys(): Promise<KeyFact[]> {
    const rows = await this.db(KEYS_TABLE)
      .whereNull('deleted_at')
      .whereNull('removed_at')
      .whereNot('status', 'archived')
      .select(
        'id',
        'account_id',
        'name',
        'status',
        'owner_ref',
        'expires_at',
        'last_error',
      );
    const disabledIds = rows
      .filter(row => row.status === 'disabled')
      .map(row => row.id as string);
    const disabledHere = await this.disabledHere(disabledIds);
    return rows.map(row => ({
      id: row.id,
      accountId: row.account_id,
      name: row.name,
      status: row.status,
      ownerRef: row.owner_ref ?? null,
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      lastError: row.last_error ?? null,
      disabledHere: disabledHere.has(row.id),
    }));
  }

  /** A key's owner, for permission checks; undefined when there is no such key. */
  async ownerOfKey(
    id: string,
  ): Promise<{ ownerRef: string | null } | undefined> {
    const row = await this.db(KEYS_TABLE)
      .where({ id })
      .whereNull('deleted_at')
      .first('owner_ref');
    return row ? { ownerRef: row.owner_ref ?? null } : undefined;
  }

  /**
   * Usage since `from` per key and per account. Keys match the provider's
   * rows by provider key id within their account.
   */
  async monthUsage(from: number): Promise<{
    byKey: Map<string, MonthUsage>;
    byAccount: Map<string, MonthUsage>;
  }> {
    const totals = await sumProviderUsage(this.db, ['accountId', 'keyId'], {
      fromDay: from,
    });
    const byKey = new Map<string, MonthUsage>();
    const byAccount = new Map<string, MonthUsage>();
    const add = (
      map: Map<string, MonthUsage>,
      id: string,
      amounts: ProviderUsageAmounts,
    ) => {
      const usage = map.get(id) ?? { tokens: 0, costs: new CostTotals() };
      usage.tokens += amounts.inputTokens + amounts.outputTokens;
      usage.costs.add(amounts.currency, amounts.costNanos);
      map.set(id, usage);
    };
    for (const total of totals) {
      add(byAccount, total.accountId, total);
      if (total.keyId) add(byKey, total.keyId, total);
    }
    return { byKey, byAccount };
  }

  /** Keys whose latest enable/disable through the API was a disable. */
  private async disabledHere(keyIds: string[]): Promise<Set<string>> {
    if (keyIds.length === 0) return new Set();
    const rows = await this.db(AUDIT_EVENTS_TABLE)
      .where('target_type', 'key')
      .whereIn('target_id', keyIds)
      .whereIn('action', ['key.disable', 'key.enable'])
      .orderBy('occurred_at', 'asc')
      .select('target_id', 'action');
    const last = new Map<string, string>();
    for (const row of rows) last.set(row.target_id, row.action);
    return new Set(
      [...last]
        .filter(([, action]) => action === 'key.disable')
        .map(([id]) => id),
    );
  }
}
