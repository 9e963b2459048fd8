import type {
  ApiKey,
  CostAmount,
  KeyExpiryState,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { AccountStore } from '../accounts/AccountStore';
import { DAY_MS } from '../database/tables';
import { isoTime, isoTimeOrNull } from '../lib/columnValues';
import { formatNanos } from '../lib/money';
import { providerKeyRef } from '../providerUsage/keyUsageJoin';
import type { ProviderDataStore } from '../sync/ProviderDataStore';
import type { KeyProviderOperations } from './KeyProviderOperations';
import type { KeyRecord, KeyStore } from './KeyStore';

/** The audit trail's view of a key: what a person can change, never a secret. */
export function auditView(key: KeyRecord, tagIds?: string[]) {
  return {
    name: key.name,
    limit:
      key.limitNanos !== null
        ? `${formatNanos(key.limitNanos)} ${key.limitCurrency}`
        : null,
    status: key.status,
    ownerRef: key.ownerRef,
    componentRef: key.componentRef,
    notes: key.notes,
    expiresAt: key.expiresAt ? new Date(key.expiresAt).toISOString() : null,
    ...(tagIds ? { tagIds } : {}),
  };
}

export function expiryState(
  key: KeyRecord,
  now: number,
  withinDays = 7,
): KeyExpiryState {
  if (key.status === 'expired') return 'expired';
  if (key.expiresAt === null) return 'none';
  if (key.expiresAt <= now) return 'expired';
  if (key.expiresAt <= now + withinDays * DAY_MS) return 'expiring';
  return 'valid';
}

/** An amount of a key (its limit, its usage), when it has one. */
function costAmount(
  nanos: bigint | null,
  currency: string | null,
): CostAmount | null {
  return nanos !== null && currency
    ? { amount: formatNanos(nanos), currency }
    : null;
}

export interface KeyMappingOptions {
  keys: Pick<KeyStore, 'tagsOf'>;
  accountStore: Pick<AccountStore, 'list'>;
  data: Pick<ProviderDataStore, 'monthByKey'>;
  operations: Pick<KeyProviderOperations, 'can'>;
  now?: () => number;
}

/**
 * Key rows as the API answers them: account name, tags, this month's
 * provider usage and what can be done at the provider. Secrets only ever
 * leave as their masked hint and `hasSecret`.
 */
export class KeyMapping {
  private readonly now: () => number;

  constructor(private readonly options: KeyMappingOptions) {
    this.now = options.now ?? Date.now;
  }

  async toApiKeys(records: KeyRecord[]): Promise<ApiKey[]> {
    if (records.length === 0) return [];
    const now = this.now();
    const { operations } = this.options;
    const accounts = new Map(
      (await this.options.accountStore.list()).map(account => [
        account.id,
        account,
      ]),
    );
    const tags = await this.options.keys.tagsOf(records.map(key => key.id));
    const month = await this.options.data.monthByKey(
      [...new Set(records.map(key => key.accountId))],
      now,
    );
    return records.map(key => {
      const account = accounts.get(key.accountId);
      const usage = key.providerKeyId
        ? month.get(providerKeyRef(key.accountId, key.providerKeyId))
        : undefined;
      return {
        id: key.id,
        accountId: key.accountId,
        accountName: account?.name ?? key.accountId,
        provider: key.provider,
        providerKeyId: key.providerKeyId,
        providerProjectId: key.providerProjectId,
        name: key.name,
        maskedHint: key.maskedHint,
        status: key.status,
        source: key.source,
        ownerRef: key.ownerRef,
        componentRef: key.componentRef,
        notes: key.notes,
        tags: tags.get(key.id) ?? [],
        createdAt: isoTime(key.providerCreatedAt ?? key.createdAt),
        expiresAt: isoTimeOrNull(key.expiresAt),
        expiryState: expiryState(key, now),
        lastUsedAt: isoTimeOrNull(key.lastUsedAt),
        limit: costAmount(key.limitNanos, key.limitCurrency),
        providerUsage: costAmount(key.usageNanos, key.usageCurrency),
        month: {
          inputTokens: usage?.inputTokens ?? 0,
          outputTokens: usage?.outputTokens ?? 0,
          requests: usage?.requests ?? 0,
          cost: [...(usage?.cost.entries() ?? [])]
            .map(([currency, nanos]) => ({
              currency,
              amount: formatNanos(nanos),
            }))
            .sort((a, b) => a.currency.localeCompare(b.currency)),
        },
        hasSecret: key.secretEncrypted !== null,
        lastError: key.lastError,
        syncedAt: isoTimeOrNull(key.syncedAt),
        removedAtProviderAt: isoTimeOrNull(key.removedAt),
        capabilities: {
          setEnabledAtProvider: account
            ? operations.can(account, key, 'keys.setEnabled')
            : false,
          deleteAtProvider: account
            ? operations.can(account, key, 'keys.delete')
            : false,
        },
        updatedAt: isoTime(key.updatedAt),
      };
    });
  }
}
