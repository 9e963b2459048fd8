import type { CostAmount, SortOrder } from './types';

/** @public */
export const API_KEY_STATUSES = [
  'active',
  'disabled',
  'archived',
  'expired',
  'error',
] as const;
/** @public */
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[number];

/** `provider` keys come from a sync, `manual` ones were registered by hand. @public */
export type ApiKeySource = 'provider' | 'manual';

/** @public */
export const KEY_EXPIRY_STATES = [
  'expired',
  'expiring',
  'valid',
  'none',
] as const;
/**
 * `expired`: past its expiry; `expiring`: within the next 7 days (the
 * `expiringWithinDays` query parameter changes the window); `valid`: later;
 * `none`: no expiry.
 *
 * @public
 */
export type KeyExpiryState = (typeof KEY_EXPIRY_STATES)[number];

/** @public */
export const KEY_SORT_FIELDS = [
  'name',
  'provider',
  'status',
  'createdAt',
  'expiresAt',
  'lastUsedAt',
  'monthTokens',
] as const;
/** @public */
export type KeySortField = (typeof KEY_SORT_FIELDS)[number];

/** @public */
export interface KeyTag {
  id: string;
  name: string;
  color: string | null;
}

/**
 * A provider key in the inventory. The secret is never returned; `hasSecret`
 * says whether one is stored (encrypted).
 *
 * @public
 */
export interface ApiKey {
  id: string;
  accountId: string;
  accountName: string;
  provider: string;
  /** The provider's id of the key; null for keys registered by hand without one. */
  providerKeyId: string | null;
  providerProjectId: string | null;
  name: string;
  maskedHint: string | null;
  status: ApiKeyStatus;
  source: ApiKeySource;
  ownerRef: string | null;
  componentRef: string | null;
  notes: string | null;
  tags: KeyTag[];
  /** At the provider when known, else when registered. */
  createdAt: string;
  expiresAt: string | null;
  expiryState: KeyExpiryState;
  lastUsedAt: string | null;
  limit: CostAmount | null;
  /** Spend the provider reports for the key itself (lifetime), if any. */
  providerUsage: CostAmount | null;
  /** Month to date (UTC), from the provider's daily usage. */
  month: {
    inputTokens: number;
    outputTokens: number;
    requests: number;
    cost: CostAmount[];
  };
  hasSecret: boolean;
  lastError: string | null;
  syncedAt: string | null;
  /** When a sync stopped finding the key at the provider. */
  removedAtProviderAt: string | null;
  /** What can be done at the provider for this key. */
  capabilities: {
    setEnabledAtProvider: boolean;
    deleteAtProvider: boolean;
  };
  updatedAt: string;
}

/** `GET /keys` query; list parameters may repeat or be comma separated. @public */
export interface KeyListQuery {
  provider?: string[];
  accountId?: string[];
  ownerRef?: string[];
  componentRef?: string;
  status?: ApiKeyStatus[];
  expiry?: KeyExpiryState[];
  expiringWithinDays?: number;
  /** Tag ids; a key matches when it has any of them. */
  tag?: string[];
  /** Keys without an owner. */
  orphaned?: boolean;
  /** Searches name, masked hint, provider key id, owner, component and notes. */
  q?: string;
  /** ISO 8601, on createdAt. */
  createdFrom?: string;
  createdTo?: string;
  /** Month-to-date tokens (input + output), bounds inclusive. */
  minMonthTokens?: number;
  maxMonthTokens?: number;
  /**
   * Month-to-date cost as a decimal string (`"12.50"`) in the key's currency,
   * bounds inclusive.
   */
  minMonthCost?: string;
  maxMonthCost?: string;
  sort?: KeySortField;
  order?: SortOrder;
  limit?: number;
  offset?: number;
}

/** @public */
export interface KeyListResponse {
  items: ApiKey[];
  /** Keys matching the filters that the caller may see. */
  total: number;
  offset: number;
  limit: number;
}

/** `PATCH /keys/:id`; null clears a field. @public */
export interface UpdateKeyRequest {
  name?: string;
  ownerRef?: string | null;
  componentRef?: string | null;
  /** Replaces the key's tags. */
  tagIds?: string[];
  expiresAt?: string | null;
  notes?: string | null;
  /** Spending limit, set at the provider (where it supports it); null removes it. */
  limit?: CostAmount | null;
}

/** `POST /keys`: register a key by hand. @public */
export interface RegisterKeyRequest {
  accountId: string;
  name: string;
  /** Stored encrypted only; the masked hint is derived from it. */
  secret?: string;
  /** Used when no secret is given. */
  maskedHint?: string;
  providerKeyId?: string;
  ownerRef?: string | null;
  componentRef?: string | null;
  expiresAt?: string | null;
  notes?: string | null;
  tagIds?: string[];
}

/** `POST /keys/provider`: create a key at the provider (where supported). @public */
export interface CreateProviderKeyRequest {
  accountId: string;
  name: string;
  limit?: CostAmount;
  ownerRef?: string | null;
  componentRef?: string | null;
  expiresAt?: string | null;
  notes?: string | null;
  tagIds?: string[];
  /** Keep the secret encrypted in the inventory (default false). */
  storeSecret?: boolean;
}

/** @public */
export interface CreateProviderKeyResponse {
  key: ApiKey;
  /** Shown once; not retrievable later. */
  secret: string;
}

/** @public */
export const KEY_BATCH_ACTIONS = [
  'enable',
  'disable',
  'delete',
  'assignOwner',
  'assignComponent',
  'addTags',
  'removeTags',
] as const;
/** @public */
export type KeyBatchAction = (typeof KEY_BATCH_ACTIONS)[number];

/** `POST /keys/batch`. @public */
export interface KeyBatchRequest {
  action: KeyBatchAction;
  keyIds: string[];
  /** For `assignOwner` (null clears). */
  ownerRef?: string | null;
  /** For `assignComponent` (null clears). */
  componentRef?: string | null;
  /** For `addTags` / `removeTags`. */
  tagIds?: string[];
}

/** @public */
export interface KeyBatchResult {
  keyId: string;
  ok: boolean;
  /** Why it failed (e.g. not allowed, not found, provider error). */
  error?: string;
  /** Set when the action was done locally because the provider cannot do it. */
  localOnly?: boolean;
}

/** @public */
export interface KeyBatchResponse {
  results: KeyBatchResult[];
  succeeded: number;
  failed: number;
}

/**
 * `POST /keys/import`: CSV (header row) or a JSON array of rows. Columns:
 * accountId, name, secret, maskedHint, providerKeyId, ownerRef, componentRef,
 * expiresAt, notes, tags (tag names separated by `;` or `|`).
 *
 * @public
 */
export interface ImportKeysRequest {
  format: 'csv' | 'json';
  content: string;
  /** Validate and report without writing. */
  dryRun?: boolean;
}

/** @public */
export interface ImportKeysRowResult {
  /** 1-based data row (CSV: not counting the header). */
  row: number;
  outcome: 'created' | 'updated' | 'failed';
  keyId?: string;
  error?: string;
}

/** @public */
export interface ImportKeysResponse {
  rows: ImportKeysRowResult[];
  created: number;
  updated: number;
  failed: number;
  dryRun: boolean;
}

/** A tag with what it is used for. @public */
export interface TagWithStats extends KeyTag {
  keyCount: number;
  activeKeyCount: number;
  /** Month to date cost of its keys as the providers report it, per currency. */
  monthCost: CostAmount[];
  createdAt: string;
}

/** @public */
export interface ListTagsResponse {
  items: TagWithStats[];
}

/** `POST /tags`. @public */
export interface CreateTagRequest {
  name: string;
  /** CSS colour, e.g. `#1e88e5`. */
  color?: string | null;
}

/** `PATCH /tags/:id`. @public */
export interface UpdateTagRequest {
  name?: string;
  color?: string | null;
}
