import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import type {
  SyncRun,
  SyncScope,
  SyncTrigger,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  addDays,
  ProviderAuthError,
  ProviderResponseError,
  type ProviderBalance,
  type ProviderCostRecord,
  type ProviderKey,
  type ProviderUsageRecord,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import type { Knex } from 'knex';
import type { AccountService } from '../accounts/AccountService';
import type { AccountRecord, AccountStore } from '../accounts/AccountStore';
import type { KeyStore } from '../keys/KeyStore';
import { providerErrorToHttp } from '../accounts/providerErrors';
import { parseDecimalToNanos } from '../lib/money';
import type { BalanceRow, ProviderDataStore } from './ProviderDataStore';
import type { SyncRunStore } from './SyncRunStore';
import { toProviderUsageRows } from './providerUsageRows';

const MINUTE_MS = 60_000;
/** A run older than this is taken as crashed and no longer blocks a new one. */
const STALE_RUN_MS = 30 * MINUTE_MS;
const MAX_ERROR_LENGTH = 2000;

/** Settings key marking the accounts of the demo data: never synced over the network. */
export const DEMO_ACCOUNT_SETTING = 'demo';

export interface AccountSyncOptions {
  db: Knex;
  accounts: AccountService;
  accountStore: AccountStore;
  keys: KeyStore;
  data: ProviderDataStore;
  runs: SyncRunStore;
  logger: LoggerService;
  /** Days of usage fetched on an account's first sync. Default 30. */
  initialUsageDays?: number;
  /** Days re-fetched on later syncs, so late provider corrections land. Default 3. */
  incrementalUsageDays?: number;
  /** Told after every sync, succeeded or failed (alerts re-evaluate). */
  onSynced?: (run: SyncRun) => void;
  now?: () => number;
}

interface Fetched {
  keys?: ProviderKey[];
  usage: ProviderUsageRecord[];
  costs: ProviderCostRecord[];
  balances: ProviderBalance[];
  range?: { from: string; to: string };
}

function toBalanceRow(balance: ProviderBalance): BalanceRow {
  const parse = (value: string, field: string) => {
    const nanos = parseDecimalToNanos(value);
    if (nanos === undefined) {
      throw new ProviderResponseError(
        `Provider returned a balance ${field} that is not a decimal: '${value}'`,
      );
    }
    return nanos;
  };
  const readAt = Date.parse(balance.readAt);
  return {
    currency: balance.currency.toUpperCase(),
    availableNanos: parse(balance.available, 'available'),
    totalNanos: balance.total === null ? null : parse(balance.total, 'total'),
    usedNanos: balance.used === null ? null : parse(balance.used, 'used'),
    readAt: Number.isNaN(readAt) ? Date.now() : readAt,
  };
}

/**
 * Pulls an account's keys, daily usage, costs and balances from its provider.
 * Everything is fetched first and written in one transaction: a failure at
 * any point leaves the last good data as it was, records the failed run and
 * puts the account in error.
 */
export class AccountSync {
  private readonly now: () => number;

  constructor(private readonly options: AccountSyncOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Runs a sync of the account now (a manual "sync now"). */
  async syncNow(accountId: string): Promise<SyncRun> {
    const account = await this.options.accounts.require(accountId);
    if (account.settings[DEMO_ACCOUNT_SETTING] === 'true') {
      throw new InputError(
        `Account '${accountId}' holds demo data and is not synced`,
      );
    }
    if (
      await this.options.runs.isRunning(accountId, this.now() - STALE_RUN_MS)
    ) {
      throw new ConflictError(`A sync of account '${accountId}' is running`);
    }
    const { run, error } = await this.run(account, 'all', 'manual');
    // The run is in the history either way; credentials that are missing
    // (400 naming the field) or refused (502) also fail the request, since
    // no retry helps until someone fixes the account.
    if (error instanceof InputError || error instanceof ProviderAuthError) {
      throw providerErrorToHttp(error);
    }
    return run;
  }

  /** The scheduled pass: syncs every account whose usage or keys are due. */
  async syncDue(): Promise<SyncRun[]> {
    const runs: SyncRun[] = [];
    for (const account of await this.options.accountStore.list()) {
      const scope = await this.dueScope(account);
      if (scope) {
        runs.push(await this.sync(account, scope, 'schedule'));
      }
    }
    return runs;
  }

  private async dueScope(
    account: AccountRecord,
  ): Promise<SyncScope | undefined> {
    if (
      account.settings[DEMO_ACCOUNT_SETTING] === 'true' ||
      !this.options.accounts.isInstalled(account)
    ) {
      return undefined;
    }
    const now = this.now();
    const due = async (scopes: SyncScope[], everyMinutes: number) => {
      const last = await this.options.runs.lastStart(account.id, scopes);
      return last === undefined || last + everyMinutes * MINUTE_MS <= now;
    };
    const usageDue = await due(
      ['usage', 'all'],
      account.schedule.usageEveryMinutes,
    );
    const keysDue = await due(
      ['keys', 'all'],
      account.schedule.keysEveryMinutes,
    );
    if (usageDue && keysDue) return 'all';
    if (usageDue) return 'usage';
    if (keysDue) return 'keys';
    return undefined;
  }

  async sync(
    account: AccountRecord,
    scope: SyncScope,
    trigger: SyncTrigger,
  ): Promise<SyncRun> {
    return (await this.run(account, scope, trigger)).run;
  }

  private async run(
    account: AccountRecord,
    scope: SyncScope,
    trigger: SyncTrigger,
  ): Promise<{ run: SyncRun; error?: unknown }> {
    const { runs, logger } = this.options;
    let failure: unknown;
    const runId = await runs.start(account.id, scope, trigger, this.now());
    try {
      const fetched = await this.fetch(account, scope);
      const usageRows = toProviderUsageRows(
        fetched.usage,
        fetched.costs,
        this.options.accounts.providerOf(account).currency,
      );
      const balances = fetched.balances.map(toBalanceRow);
      const now = this.now();
      await this.options.db.transaction(async trx => {
        let items = 0;
        if (fetched.keys) {
          items += await this.options.keys.upsertSynced(
            trx,
            account,
            fetched.keys,
            now,
          );
        }
        if (fetched.range) {
          await this.options.data.replaceUsage(
            trx,
            account.id,
            {
              fromDay: Date.parse(`${fetched.range.from}T00:00:00Z`),
              toDay: Date.parse(`${fetched.range.to}T00:00:00Z`),
            },
            usageRows,
            now,
          );
          items += usageRows.length;
        }
        await this.options.data.addBalances(trx, account.id, balances);
        items += balances.length;
        await this.options.accountStore.markSynced(
          account.id,
          { at: now, error: null },
          trx,
        );
        await runs.finish(
          runId,
          { status: 'succeeded', items },
          trx,
          this.now(),
        );
      });
      logger.info(`Synced ${scope} of provider account ${account.id}`);
    } catch (error) {
      failure = error;
      const message = String((error as Error)?.message ?? error).slice(
        0,
        MAX_ERROR_LENGTH,
      );
      await runs.finish(
        runId,
        { status: 'failed', items: 0, error: message },
        undefined,
        this.now(),
      );
      await this.options.accountStore.markSynced(account.id, {
        at: this.now(),
        error: message,
      });
      logger.warn(`Sync of provider account ${account.id} failed: ${message}`);
    }
    const run = await runs.get(runId);
    if (!run) {
      throw new Error(`Sync run ${runId} vanished`);
    }
    this.options.onSynced?.(run);
    return { run, error: failure };
  }

  private async fetch(
    account: AccountRecord,
    scope: SyncScope,
  ): Promise<Fetched> {
    const provider = this.options.accounts.providerOf(account);
    const client = this.options.accounts.clientFor(account);
    const can = (capability: string) =>
      provider.capabilities.includes(capability as never);
    const fetched: Fetched = { usage: [], costs: [], balances: [] };
    if (scope !== 'usage' && can('keys.list') && client.listKeys) {
      fetched.keys = await client.listKeys();
    }
    if (scope !== 'keys') {
      const today = new Date(this.now()).toISOString().slice(0, 10);
      const lastGood = await this.options.runs.lastSuccessfulStart(account.id, [
        'usage',
        'all',
      ]);
      const days =
        lastGood === undefined
          ? this.options.initialUsageDays ?? 30
          : this.options.incrementalUsageDays ?? 3;
      const range = { from: addDays(today, -(days - 1)), to: today };
      if (client.fetchUsage) {
        fetched.usage = await client.fetchUsage(range);
        fetched.range = range;
      }
      if (can('costs') && client.fetchCosts) {
        fetched.costs = await client.fetchCosts(range);
        fetched.range = range;
      }
      if (can('balance') && client.fetchBalances) {
        fetched.balances = await client.fetchBalances();
      }
    }
    return fetched;
  }
}
