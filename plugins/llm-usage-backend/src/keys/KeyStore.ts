import type {
  ApiKey,
  KeyListQuery,
  KeySortField,
  KeyTag,
  SortOrder,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { ProviderKey } from '@llm-usage/backstage-plugin-llm-usage-node';
import type { Knex } from 'knex';
import { type OwnerFilter } from '../permissions/LlmUsageAuthorizer';

/** What a key row stores as the API shows it. */
type StoredAsShown =
  | 'accountId'
  | 'provider'
  | 'providerKeyId'
  | 'providerProjectId'
  | 'name'
  | 'maskedHint'
  | 'status'
  | 'ownerRef'
  | 'componentRef'
  | 'source';

/**
 * A key row, decoded; the secret stays encrypted. The fields the API shows
 * as they are stored come from its ApiKey; times are epoch ms here.
 */
export interface KeyRecord extends Pick<ApiKey, 'id' | StoredAsShown> {
  notes: string | null;
  expiresAt: number | null;
  providerCreatedAt: number | null;
  lastUsedAt: number | null;
  limitNanos: bigint | null;
  limitCurrency: string | null;
  usageNanos: bigint | null;
  usageCurrency: string | null;
  secretEncrypted: string | null;
  lastError: string | null;
  syncedAt: number | null;
  removedAt: number | null;
  deletedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The fields a person edits; everything else comes from the provider. */
export type KeyPatch = Partial<
  Pick<
    KeyRecord,
    | 'name'
    | 'ownerRef'
    | 'componentRef'
    | 'notes'
    | 'expiresAt'
    | 'status'
    | 'limitNanos'
    | 'limitCurrency'
    | 'lastError'
  >
>;

export type NewKey = Pick<
  KeyRecord,
  StoredAsShown | 'notes' | 'expiresAt' | 'secretEncrypted'
> &
  Partial<
    Pick<
      KeyRecord,
      'providerCreatedAt' | 'limitNanos' | 'limitCurrency' | 'syncedAt'
    >
  >;

/**
 * The key list's filters (`GET /keys` without sort and paging), with times
 * in epoch ms and costs in nanos.
 */
export interface KeyFilter
  extends Omit<
    KeyListQuery,
    | 'expiringWithinDays'
    | 'createdFrom'
    | 'createdTo'
    | 'minMonthCost'
    | 'maxMonthCost'
    | keyof KeyListOptions
  > {
  expiringWithinDays: number;
  createdFrom?: number;
  createdTo?: number;
  /** Month-to-date cost in nanos of the key's currency, bounds inclusive. */
  minMonthCost?: bigint;
  maxMonthCost?: bigint;
}

export interface KeyListOptions {
  sort: KeySortField;
  order: SortOrder;
  limit: number;
  offset: number;
}

/** The key inventory with its tags. */
export interface KeyStore {
  list(
    filter: KeyFilter,
    owners: OwnerFilter,
    options: KeyListOptions,
    now?: number,
  ): Promise<{
    records: KeyRecord[];
    total: number;
  }>;
  /** Ids of the keys an owner filter lets through, as a subquery. */
  visibleIds(owners: OwnerFilter): Knex.QueryBuilder;
  /** A key that was not deleted through the API. */
  get(id: string, db?: Knex | Knex.Transaction): Promise<KeyRecord | undefined>;
  findByProviderKeyId(
    accountId: string,
    providerKeyId: string,
  ): Promise<KeyRecord | undefined>;
  insert(key: NewKey, now?: number): Promise<string>;
  update(id: string, patch: KeyPatch, now?: number): Promise<void>;
  /** Kept as a row, so a sync does not bring back a key deleted here. */
  markDeleted(id: string, now?: number): Promise<void>;
  tagsOf(keyIds: string[]): Promise<Map<string, KeyTag[]>>;
  setTags(keyId: string, tagIds: string[]): Promise<void>;
  addTags(keyId: string, tagIds: string[]): Promise<void>;
  removeTags(keyId: string, tagIds: string[]): Promise<void>;
  /**
   * Writes the keys a provider listed. Names, owners, components, notes and
   * tags are ours and stay; status, hint, dates, limit and usage are the
   * provider's. When the listing was complete, keys it no longer holds are
   * marked removed (not deleted: their history stays readable).
   */
  upsertSynced(
    trx: Knex.Transaction,
    account: {
      id: string;
      provider: string;
    },
    keys: ProviderKey[],
    now: number,
  ): Promise<number>;
}
