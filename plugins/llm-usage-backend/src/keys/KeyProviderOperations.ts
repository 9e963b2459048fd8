import { InputError } from '@backstage/errors';
import type {
  CreatedProviderKey,
  ProviderMoney,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import type { AccountService } from '../accounts/AccountService';
import type { AccountRecord } from '../accounts/AccountStore';
import { providerErrorToHttp } from '../accounts/providerErrors';
import { parseDecimalToNanos } from '../lib/money';
import type { KeyRecord } from './KeyStore';

/** A provider's failure as an HTTP error: refused credentials 502, down 503. */
function providerFailure(error: unknown): never {
  throw providerErrorToHttp(error);
}

/** A change to a key its provider may be able to make. */
export type KeyProviderChange = 'keys.setEnabled' | 'keys.delete';

/**
 * What is done to a key at its provider, through its account's credentials.
 * Callers have checked that the caller may use the account.
 */
export class KeyProviderOperations {
  constructor(private readonly accounts: AccountService) {}

  /** Whether this key can be enabled, disabled or deleted at its provider. */
  can(
    account: AccountRecord,
    key: KeyRecord,
    capability: KeyProviderChange,
  ): boolean {
    if (!key.providerKeyId || key.removedAt !== null) return false;
    if (!this.accounts.isInstalled(account)) return false;
    if (account.settings.demo === 'true') return false;
    return this.accounts.providerOf(account).capabilities.includes(capability);
  }

  /**
   * Creates keys on this account; refuses (400) an account whose provider
   * cannot before anything else is checked or sent.
   */
  creatorFor(
    account: AccountRecord,
  ): (input: {
    name: string;
    limit?: ProviderMoney;
  }) => Promise<CreatedProviderKey> {
    const provider = this.accounts.providerOf(account);
    const client = this.accounts.clientFor(account);
    if (!provider.capabilities.includes('keys.create') || !client.createKey) {
      throw new InputError(
        `Invalid field 'accountId': ${provider.displayName} keys cannot be created from LLM Usage`,
      );
    }
    const createKey = client.createKey.bind(client);
    return input => createKey(input).catch(providerFailure);
  }

  /** A limit lives at the provider: set it there and keep what it answers. */
  async setLimit(
    account: AccountRecord,
    key: KeyRecord,
    limit: ProviderMoney | null,
  ): Promise<{ limitNanos: bigint | null; limitCurrency: string | null }> {
    const client = this.accounts.isInstalled(account)
      ? this.accounts.clientFor(account)
      : undefined;
    if (
      !key.providerKeyId ||
      !client?.setKeyLimit ||
      !this.accounts.providerOf(account).capabilities.includes('keys.setLimit')
    ) {
      throw new InputError(
        `Invalid field 'limit': the provider of this key does not support limits set from LLM Usage`,
      );
    }
    const updated = await client
      .setKeyLimit(key.providerKeyId, limit)
      .catch(providerFailure);
    return {
      limitNanos: updated.limit
        ? parseDecimalToNanos(updated.limit.amount) ?? null
        : null,
      limitCurrency: updated.limit?.currency ?? null,
    };
  }

  /** Only for a key that {@link can} `keys.setEnabled`. */
  async setEnabled(
    account: AccountRecord,
    key: KeyRecord,
    enabled: boolean,
  ): Promise<void> {
    const client = this.accounts.clientFor(account);
    await client.setKeyEnabled!(key.providerKeyId!, enabled).catch(
      providerFailure,
    );
  }

  /** Only for a key that {@link can} `keys.delete`. */
  async delete(account: AccountRecord, key: KeyRecord): Promise<void> {
    const client = this.accounts.clientFor(account);
    await client.deleteKey!(key.providerKeyId!, {
      providerProjectId: key.providerProjectId,
    }).catch(providerFailure);
  }
}
