import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  llmUsageKeyDeletePermission,
  llmUsageKeyManagePermission,
  llmUsageKeyReadPermission,
  type ApiKey,
  type CreateProviderKeyResponse,
  type KeyBatchResponse,
  type KeyBatchResult,
  type KeyListResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Request } from 'express';
import type { AccountService } from '../accounts/AccountService';
import type { AccountRecord } from '../accounts/AccountStore';
import { itemErrorMessage } from '../lib/itemError';
import type { LlmUsageAuthorizer } from '../permissions/LlmUsageAuthorizer';
import { DecisionCache } from './DecisionCache';
import type { KeyInventory } from './KeyInventory';
import type {
  KeyProviderChange,
  KeyProviderOperations,
} from './KeyProviderOperations';
import type { KeyRecord } from './KeyStore';
import type {
  KeyBatchInput,
  KeyListInput,
  KeyRegisterInput,
  KeyUpdateInput,
  ProviderKeyCreateInput,
} from './keySchemas';

export interface AuthorizedKeyServiceOptions {
  inventory: KeyInventory;
  operations: Pick<KeyProviderOperations, 'can'>;
  accounts: Pick<AccountService, 'require' | 'requireUsable'>;
  authorizer: LlmUsageAuthorizer;
  /** Where batch items' internal errors go instead of the response. */
  logger?: LoggerService;
}

/**
 * The key inventory as callers reach it: every permission is checked here,
 * before the inventory (which trusts its caller) is asked. Reading a key
 * needs its read permission, changing it manage (and manage on a new
 * owner), deleting it delete; reaching its provider needs the use of its
 * account. A key the caller may not read is not found.
 */
export class AuthorizedKeyService {
  constructor(private readonly options: AuthorizedKeyServiceOptions) {}

  /** A permission cache for one caller, to pass to the methods below. */
  decisions(credentials: BackstageCredentials): DecisionCache {
    return new DecisionCache(this.options.authorizer, credentials);
  }

  async list(
    credentials: BackstageCredentials,
    query: KeyListInput,
  ): Promise<KeyListResponse> {
    const owners = await this.options.authorizer.keys.filter(
      credentials,
      llmUsageKeyReadPermission,
    );
    return this.options.inventory.list(owners, query);
  }

  async get(credentials: BackstageCredentials, id: string): Promise<ApiKey> {
    const key = await this.permittedKey(
      id,
      llmUsageKeyReadPermission,
      this.decisions(credentials),
    );
    return this.options.inventory.toApiKey(key);
  }

  async update(
    credentials: BackstageCredentials,
    id: string,
    input: KeyUpdateInput,
    request?: Request,
    decisions = this.decisions(credentials),
  ): Promise<ApiKey> {
    const key = await this.permittedKey(
      id,
      llmUsageKeyManagePermission,
      decisions,
    );
    if (input.ownerRef !== undefined && input.ownerRef !== key.ownerRef) {
      // Handing a key to another owner needs the right on the new owner too.
      await decisions.assert(llmUsageKeyManagePermission, {
        ownerRef: input.ownerRef,
      });
    }
    // A limit lives at the provider: setting it uses the account.
    const account =
      input.limit === undefined
        ? undefined
        : await this.usableAccount(credentials, key.accountId, decisions);
    return this.options.inventory.update(
      credentials,
      key,
      input,
      request,
      account,
    );
  }

  async register(
    credentials: BackstageCredentials,
    input: KeyRegisterInput,
    request?: Request,
    decisions = this.decisions(credentials),
  ): Promise<ApiKey> {
    const account = await this.accountForNewKey(credentials, input, decisions);
    return this.options.inventory.register(
      credentials,
      account,
      input,
      request,
    );
  }

  async createAtProvider(
    credentials: BackstageCredentials,
    input: ProviderKeyCreateInput,
    request?: Request,
  ): Promise<CreateProviderKeyResponse> {
    const account = await this.accountForNewKey(
      credentials,
      input,
      this.decisions(credentials),
    );
    return this.options.inventory.createAtProvider(
      credentials,
      account,
      input,
      request,
    );
  }

  /**
   * A key on an account is the account's: a new one needs the account's use,
   * and managing keys of the owner it will have.
   */
  private async accountForNewKey(
    credentials: BackstageCredentials,
    input: { accountId: string; ownerRef?: string | null },
    decisions: DecisionCache,
  ) {
    const account = await this.usableAccount(
      credentials,
      input.accountId,
      decisions,
    );
    await decisions.assert(llmUsageKeyManagePermission, {
      ownerRef: input.ownerRef ?? null,
    });
    return account;
  }

  /** Enables or disables at the provider when it can, else only here. */
  async setEnabled(
    credentials: BackstageCredentials,
    id: string,
    enabled: boolean,
    request?: Request,
    decisions = this.decisions(credentials),
  ): Promise<{ key: ApiKey; localOnly: boolean }> {
    const { key, account } = await this.keyForProviderChange(
      credentials,
      id,
      llmUsageKeyManagePermission,
      'keys.setEnabled',
      decisions,
    );
    return this.options.inventory.setEnabled(
      credentials,
      key,
      account,
      enabled,
      request,
    );
  }

  /** Deletes at the provider when it can, and from the inventory. */
  async remove(
    credentials: BackstageCredentials,
    id: string,
    request?: Request,
    decisions = this.decisions(credentials),
  ): Promise<{ localOnly: boolean }> {
    const { key, account } = await this.keyForProviderChange(
      credentials,
      id,
      llmUsageKeyDeletePermission,
      'keys.delete',
      decisions,
    );
    return this.options.inventory.remove(credentials, key, account, request);
  }

  /** One action on many keys; each key succeeds or fails on its own. */
  async batch(
    credentials: BackstageCredentials,
    input: KeyBatchInput,
    request?: Request,
  ): Promise<KeyBatchResponse> {
    const decisions = this.decisions(credentials);
    await this.options.inventory.requireTags(input.tagIds);
    const results: KeyBatchResult[] = [];
    for (const keyId of [...new Set(input.keyIds)]) {
      try {
        results.push({
          keyId,
          ok: true,
          ...(await this.batchOne(
            credentials,
            keyId,
            input,
            request,
            decisions,
          )),
        });
      } catch (error) {
        results.push({
          keyId,
          ok: false,
          error: itemErrorMessage(
            error,
            this.options.logger,
            `Key batch ${input.action} of ${keyId}`,
          ),
        });
      }
    }
    const succeeded = results.filter(result => result.ok).length;
    return { results, succeeded, failed: results.length - succeeded };
  }

  private async batchOne(
    credentials: BackstageCredentials,
    keyId: string,
    input: KeyBatchInput,
    request: Request | undefined,
    decisions: DecisionCache,
  ): Promise<{ localOnly?: boolean }> {
    switch (input.action) {
      case 'enable':
      case 'disable': {
        const { localOnly } = await this.setEnabled(
          credentials,
          keyId,
          input.action === 'enable',
          request,
          decisions,
        );
        return { localOnly };
      }
      case 'delete':
        return this.remove(credentials, keyId, request, decisions);
      case 'assignOwner':
      case 'assignComponent': {
        const patch =
          input.action === 'assignOwner'
            ? { ownerRef: input.ownerRef ?? null }
            : { componentRef: input.componentRef ?? null };
        await this.update(credentials, keyId, patch, request, decisions);
        return {};
      }
      case 'addTags':
      case 'removeTags': {
        const key = await this.permittedKey(
          keyId,
          llmUsageKeyManagePermission,
          decisions,
        );
        await this.options.inventory.changeTags(
          credentials,
          key,
          input.action,
          input.tagIds ?? [],
          request,
        );
        return {};
      }
      default:
        throw new InputError(`Invalid field 'action'`);
    }
  }

  /** The account, when the caller may use its credentials (cached decisions). */
  private usableAccount(
    credentials: BackstageCredentials,
    accountId: string,
    decisions: DecisionCache,
  ): Promise<AccountRecord> {
    return this.options.accounts.requireUsable(
      credentials,
      accountId,
      permission => decisions.decideAccount(permission),
    );
  }

  /** The key, when the caller has the permission on it; else not found or not allowed. */
  private async permittedKey(
    id: string,
    permission: ResourcePermission,
    decisions: DecisionCache,
  ): Promise<KeyRecord> {
    const key = await this.options.inventory.requireKey(id);
    await decisions.assertOnKey(permission, key);
    return key;
  }

  /**
   * The key, when the caller has the permission on it, and its account; when
   * the provider can make the change, the caller must be allowed to use the
   * account's credentials too.
   */
  private async keyForProviderChange(
    credentials: BackstageCredentials,
    id: string,
    permission: ResourcePermission,
    change: KeyProviderChange,
    decisions: DecisionCache,
  ): Promise<{ key: KeyRecord; account: AccountRecord }> {
    const key = await this.permittedKey(id, permission, decisions);
    const account = await this.options.accounts.require(key.accountId);
    if (this.options.operations.can(account, key, change)) {
      await this.usableAccount(credentials, account.id, decisions);
    }
    return { key, account };
  }
}
