import type { CostAmount } from './types';

/** @public */
export const PROVIDER_ACCOUNT_STATUSES = [
  'ok',
  'error',
  'never_synced',
] as const;
/** @public */
export type ProviderAccountStatus = (typeof PROVIDER_ACCOUNT_STATUSES)[number];

/** Where an account is defined: app-config (read-only in the UI) or the API. @public */
export type ProviderAccountSource = 'config' | 'api';

/** @public */
export const SYNC_SCOPES = ['keys', 'usage', 'all'] as const;
/** What a sync run fetched: the key inventory, usage/costs/balances, or both. @public */
export type SyncScope = (typeof SYNC_SCOPES)[number];
/** @public */
export const SYNC_TRIGGERS = ['schedule', 'manual'] as const;
/** @public */
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];
/** @public */
export const SYNC_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
/** @public */
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

/** A field of an account's credentials form; secret values are write-only. @public */
export interface ProviderCredentialFieldInfo {
  name: string;
  /** English label; the frontend may translate by `name`. */
  label: string;
  secret: boolean;
  required: boolean;
}

/** A provider installed in the backend (through a backend module). @public */
export interface ProviderInfo {
  id: string;
  displayName: string;
  /** e.g. `keys.list`, `keys.create`, `keys.setEnabled`, `keys.delete`, `usage.byKey`, `costs`, `balance`. */
  capabilities: string[];
  /** Currency of its costs and balances. */
  currency: string;
  credentialFields: ProviderCredentialFieldInfo[];
  billingUrl: string | null;
  /** True when keys cannot be listed and are registered by hand. */
  manualKeyRegistration: boolean;
}

/** @public */
export interface ListProvidersResponse {
  items: ProviderInfo[];
}

/** The latest balance or credit of an account in one currency, amounts as exact decimal strings. @public */
export interface AccountBalance {
  accountId: string;
  currency: string;
  available: string;
  total: string | null;
  used: string | null;
  /** ISO 8601 time of the reading. */
  readAt: string;
}

/** How often an account is synced, in minutes. @public */
export interface AccountSyncSchedule {
  usageEveryMinutes: number;
  keysEveryMinutes: number;
}

/**
 * An account at a provider as the API shows it. Credentials are never
 * returned: `credentialsSet` only names the fields that hold a value.
 *
 * @public
 */
export interface ProviderAccountSummary {
  id: string;
  provider: string;
  providerDisplayName: string;
  /** False when no installed module handles `provider`; the account is not synced. */
  providerInstalled: boolean;
  name: string;
  ownerRef: string | null;
  source: ProviderAccountSource;
  status: ProviderAccountStatus;
  lastSyncAt: string | null;
  lastError: string | null;
  capabilities: string[];
  currency: string;
  billingUrl: string | null;
  manualKeyRegistration: boolean;
  credentialsSet: string[];
  /** Non-secret settings (organization id, base URL, …). */
  settings: Record<string, string>;
  schedule: AccountSyncSchedule;
  keyCount: number;
  /** The latest reading per currency. */
  balances: AccountBalance[];
  createdAt: string;
  updatedAt: string;
}

/** @public */
export interface ListProviderAccountsResponse {
  items: ProviderAccountSummary[];
}

/** `POST /accounts`. @public */
export interface CreateProviderAccountRequest {
  /** Optional stable id (letters, digits, `-`, `_`); generated when absent. */
  id?: string;
  provider: string;
  name: string;
  ownerRef?: string | null;
  /** Written encrypted, never returned. */
  credentials: Record<string, string>;
  settings?: Record<string, string>;
  schedule?: Partial<AccountSyncSchedule>;
}

/** `PATCH /accounts/:id` (accounts from the API only). Credentials given replace the stored ones field by field. @public */
export interface UpdateProviderAccountRequest {
  name?: string;
  ownerRef?: string | null;
  credentials?: Record<string, string>;
  settings?: Record<string, string>;
  schedule?: Partial<AccountSyncSchedule>;
}

/** `POST /accounts/:id/test`. @public */
export interface TestConnectionResponse {
  ok: boolean;
  /** Why it failed, free of secrets. */
  error: string | null;
}

/** One sync of an account. @public */
export interface SyncRun {
  id: string;
  accountId: string;
  scope: SyncScope;
  trigger: SyncTrigger;
  startedAt: string;
  finishedAt: string | null;
  status: SyncRunStatus;
  /** Keys, usage rows and balances written. */
  items: number;
  error: string | null;
}

/** `GET /sync-runs` filters. @public */
export interface SyncRunListQuery {
  accountId?: string;
  status?: SyncRunStatus;
  trigger?: SyncTrigger;
  /** ISO 8601, inclusive, on `startedAt`. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
  limit?: number;
  cursor?: string;
}

/** @public */
export interface SyncRunListResponse {
  items: SyncRun[];
  nextCursor?: string;
}

/** `POST /accounts/:id/sync`: the finished run(s). @public */
export interface SyncNowResponse {
  runs: SyncRun[];
}

/**
 * What the provider's cost and the recorded calls' cost of one currency
 * come to, side by side.
 *
 * @public
 */
export interface ReconciliationAmounts {
  currency: string;
  providerCost: string;
  recordedCost: string;
  /** providerCost - recordedCost. */
  difference: string;
  /** Difference relative to the provider's cost, in percent; null when it is 0. */
  differencePercent: number | null;
  /**
   * The difference is beyond the tolerance: its percentage's absolute value
   * exceeds it, or the provider reports nothing while calls cost something.
   */
  overTolerance: boolean;
}

/**
 * One day of one account in one currency: what the provider billed against
 * what the ingested calls for the same keys cost.
 *
 * @public
 */
export interface ReconciliationRow extends ReconciliationAmounts {
  accountId: string;
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
}

/** @public */
export interface ReconciliationQuery {
  accountId?: string;
  /** ISO 8601 or `YYYY-MM-DD`; defaults to 30 days ago. */
  from?: string;
  to?: string;
}

/** The sums of one account in one currency over the whole range. @public */
export interface ReconciliationTotal {
  accountId: string;
  accountName: string;
  provider: string;
  providerCost: CostAmount;
  recordedCost: CostAmount;
  difference: CostAmount;
  /** Over the range, relative to the provider's cost; null when it is 0. */
  differencePercent: number | null;
  overTolerance: boolean;
  /** Days of the range whose own difference is beyond the tolerance. */
  daysOverTolerance: number;
}

/** @public */
export interface ReconciliationResponse {
  /** The configured tolerance, in percent, rows are flagged against. */
  tolerancePercent: number;
  items: ReconciliationRow[];
  /** Sums over the range per account and currency. */
  totals: ReconciliationTotal[];
}

/**
 * One key of one account on one day in one currency. Provider usage that the
 * provider does not split by key has neither `keyId` nor `providerKeyId`;
 * usage of a key missing from the inventory has only `providerKeyId`.
 *
 * @public
 */
export interface ReconciliationKeyRow extends ReconciliationAmounts {
  /** The inventory id, when the key is in the inventory. */
  keyId: string | null;
  keyName: string | null;
  providerKeyId: string | null;
}

/** `GET /reconciliation/keys`: the keys behind one day of one account. @public */
export interface ReconciliationKeysResponse {
  accountId: string;
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  tolerancePercent: number;
  items: ReconciliationKeyRow[];
}
