import type {
  AccountSyncSchedule,
  ProviderAccountSource,
  ProviderAccountStatus,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { ACCOUNTS_TABLE, KEYS_TABLE } from './tables';
import {
  firstRecord,
  integer,
  nullable,
  rowMapping,
  text,
} from '../lib/rowMapping';
import {
  type AccountStore,
  DEFAULT_SCHEDULE,
  type AccountRecord,
  type NewAccount,
  type AccountPatch,
} from './AccountStore';

type AccountRow = Record<string, unknown>;

// The settings column holds both the provider settings and the schedule.
const accountRows = rowMapping<Omit<AccountRecord, 'settings' | 'schedule'>>({
  id: text(),
  provider: text(),
  name: text(),
  ownerRef: nullable(text()),
  source: text<ProviderAccountSource>(),
  credentialsEncrypted: nullable(text()),
  status: text<ProviderAccountStatus>(),
  lastSyncAt: nullable(integer),
  lastError: nullable(text()),
  createdAt: integer,
  updatedAt: integer,
});

// The schedule lives in the settings column, beside the provider settings,
// under a key no provider uses.
const SCHEDULE_SETTING = '__schedule';

function fromRow(row: AccountRow): AccountRecord {
  const stored = JSON.parse((row.settings as string) || '{}') as Record<
    string,
    unknown
  >;
  const { [SCHEDULE_SETTING]: schedule, ...settings } = stored;
  return {
    ...accountRows.fromRow(row),
    settings: settings as Record<string, string>,
    schedule: {
      ...DEFAULT_SCHEDULE,
      ...(schedule as Partial<AccountSyncSchedule> | undefined),
    },
  };
}

function settingsColumn(
  settings: Record<string, string>,
  schedule: AccountSyncSchedule,
): string {
  return JSON.stringify({ ...settings, [SCHEDULE_SETTING]: schedule });
}

/** The {@link AccountStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseAccountStore implements AccountStore {
  constructor(private readonly db: Knex) {}

  async list(): Promise<AccountRecord[]> {
    const rows: AccountRow[] = await this.db(ACCOUNTS_TABLE)
      .select('*')
      .orderBy('name');
    return rows.map(fromRow);
  }

  async get(
    id: string,
    db: Knex | Knex.Transaction = this.db,
  ): Promise<AccountRecord | undefined> {
    return firstRecord(db(ACCOUNTS_TABLE).where({ id }), fromRow);
  }

  async create(account: NewAccount, now = Date.now()): Promise<void> {
    await this.db(ACCOUNTS_TABLE).insert({
      ...accountRows.toRow({
        ...account,
        status: 'never_synced',
        createdAt: now,
        updatedAt: now,
      }),
      settings: settingsColumn(account.settings, account.schedule),
    });
  }

  async update(id: string, patch: AccountPatch, now = Date.now()) {
    const current = await this.get(id);
    if (!current) return;
    const row = accountRows.toRow({
      name: patch.name,
      ownerRef: patch.ownerRef,
      credentialsEncrypted: patch.credentialsEncrypted,
      updatedAt: now,
    });
    if (patch.settings !== undefined || patch.schedule !== undefined) {
      row.settings = settingsColumn(
        patch.settings ?? current.settings,
        patch.schedule ?? current.schedule,
      );
    }
    await this.db(ACCOUNTS_TABLE).where({ id }).update(row);
  }

  /**
   * Accounts from app-config are written on every start, so the UI lists
   * them beside the API's; their credentials stay in config. An id already
   * used by an API account is refused.
   */
  async syncFromConfig(accounts: NewAccount[], now = Date.now()) {
    for (const account of accounts) {
      const existing = await this.get(account.id);
      if (existing && existing.source !== 'config') {
        throw new Error(
          `llmUsage.accounts: id '${account.id}' is already used by an account created through the API`,
        );
      }
      if (existing) {
        await this.update(
          account.id,
          {
            name: account.name,
            ownerRef: account.ownerRef,
            settings: account.settings,
            schedule: account.schedule,
          },
          now,
        );
        await this.db(ACCOUNTS_TABLE)
          .where({ id: account.id })
          .update({ provider: account.provider });
      } else {
        await this.create(account, now);
      }
    }
  }

  /** Removes the account with its keys and their tags; history rows stay for audit. */
  async delete(id: string): Promise<void> {
    await this.db.transaction(async trx => {
      const keyIds = trx(KEYS_TABLE).select('id').where({ account_id: id });
      await trx('llm_usage_key_tags').whereIn('key_id', keyIds).delete();
      await trx(KEYS_TABLE).where({ account_id: id }).delete();
      await trx(ACCOUNTS_TABLE).where({ id }).delete();
    });
  }

  async markSynced(
    id: string,
    result: { at: number; error: string | null },
    db: Knex | Knex.Transaction = this.db,
  ): Promise<void> {
    await db(ACCOUNTS_TABLE)
      .where({ id })
      .update({
        status: result.error ? 'error' : 'ok',
        last_sync_at: result.at,
        last_error: result.error,
        updated_at: result.at,
      });
  }

  async keyCounts(): Promise<Map<string, number>> {
    const rows: Array<{ account_id: string; count: string | number }> =
      await this.db(KEYS_TABLE)
        .select('account_id')
        .count({ count: '*' })
        .whereNull('deleted_at')
        .groupBy('account_id');
    return new Map(rows.map(row => [row.account_id, Number(row.count)]));
  }
}
