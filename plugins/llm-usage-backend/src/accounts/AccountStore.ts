import type {
  AccountSyncSchedule,
  ProviderAccountSource,
  ProviderAccountStatus,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';

export const DEFAULT_SCHEDULE: AccountSyncSchedule = {
  usageEveryMinutes: 60,
  keysEveryMinutes: 24 * 60,
};

/** An account row, decoded. Credentials stay encrypted here. */
export interface AccountRecord {
  id: string;
  provider: string;
  name: string;
  ownerRef: string | null;
  source: ProviderAccountSource;
  credentialsEncrypted: string | null;
  settings: Record<string, string>;
  schedule: AccountSyncSchedule;
  status: ProviderAccountStatus;
  lastSyncAt: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewAccount = Pick<
  AccountRecord,
  | 'id'
  | 'provider'
  | 'name'
  | 'ownerRef'
  | 'source'
  | 'credentialsEncrypted'
  | 'settings'
  | 'schedule'
>;

export type AccountPatch = Partial<
  Pick<
    AccountRecord,
    'name' | 'ownerRef' | 'credentialsEncrypted' | 'settings' | 'schedule'
  >
>;

/** Provider accounts, from app-config and from the API. */
export interface AccountStore {
  list(): Promise<AccountRecord[]>;
  get(
    id: string,
    db?: Knex | Knex.Transaction,
  ): Promise<AccountRecord | undefined>;
  create(account: NewAccount, now?: number): Promise<void>;
  update(id: string, patch: AccountPatch, now?: number): Promise<void>;
  /**
   * Accounts from app-config are written on every start, so the UI lists
   * them beside the API's; their credentials stay in config. An id already
   * used by an API account is refused.
   */
  syncFromConfig(accounts: NewAccount[], now?: number): Promise<void>;
  /** Removes the account with its keys and their tags; history rows stay for audit. */
  delete(id: string): Promise<void>;
  markSynced(
    id: string,
    result: {
      at: number;
      error: string | null;
    },
    db?: Knex | Knex.Transaction,
  ): Promise<void>;
  keyCounts(): Promise<Map<string, number>>;
}
