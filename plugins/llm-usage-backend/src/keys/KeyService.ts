import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  llmUsageKeyDeletePermission,
  llmUsageKeyManagePermission,
  llmUsageKeyReadPermission,
  type ApiKey,
  type CreateProviderKeyResponse,
  type KeyBatchResponse,
  type KeyBatchResult,
  type KeyExpiryState,
  type KeyListResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Request } from 'express';
import type { AccountService } from '../accounts/AccountService';
import type { AccountRecord, AccountStore } from '../accounts/AccountStore';
import { providerErrorToHttp } from '../accounts/providerErrors';
import type { AuditLog } from '../audit/AuditLog';
import { DAY_MS } from '../database/tables';
import { formatNanos, parseDecimalToNanos } from '../lib/money';
import type { LlmUsageAuthorizer } from '../permissions/LlmUsageAuthorizer';
import type { OwnedResource } from '../permissions/rules';
import { maskSecret, type SecretBox } from '../secrets/SecretBox';
import { monthKey, type ProviderDataStore } from '../sync/ProviderDataStore';
import type { TagStore } from '../tags/TagStore';
import type { KeyRecord, KeyStore } from './KeyStore';
import type {
  KeyBatchInput,
  KeyListInput,
  KeyRegisterInput,
  KeyUpdateInput,
  ProviderKeyCreateInput,
} from './keySchemas';
import { itemErrorMessage } from '../lib/itemError';

export interface KeyServiceOptions {
  keys: KeyStore;
  tags: TagStore;
  accounts: AccountService;
  accountStore: AccountStore;
  data: ProviderDataStore;
  secrets: SecretBox;
  audit: AuditLog;
  authorizer: LlmUsageAuthorizer;
  /** Where batch items' internal errors go instead of the response. */
  logger?: LoggerService;
  now?: () => number;
}

/** Decisions asked once per request, so a batch of 500 keys asks 1–3 times. */
export class DecisionCache {
  private readonly decisions = new Map<string, Promise<PolicyDecision>>();

  constructor(
    private readonly authorizer: LlmUsageAuthorizer,
    private readonly credentials: BackstageCredentials,
  ) {}

  decide(permission: ResourcePermission): Promise<PolicyDecision> {
    return this.cached(permission, () =>
      this.authorizer.keys.decide(this.credentials, permission),
    );
  }

  /** Account permissions (using an account's credentials), cached the same way. */
  decideAccount(permission: ResourcePermission): Promise<PolicyDecision> {
    return this.cached(permission, () =>
      this.authorizer.accounts.decide(this.credentials, permission),
    );
  }

  private cached(
    permission: ResourcePermission,
    ask: () => Promise<PolicyDecision>,
  ): Promise<PolicyDecision> {
    const id = `${permission.resourceType}:${permission.name}`;
    let decision = this.decisions.get(id);
    if (!decision) {
      decision = ask();
      this.decisions.set(id, decision);
    }
    return decision;
  }

  /** For a key as it would be stored (a new key, a new owner). */
  async assert(
    permission: ResourcePermission,
    resource: OwnedResource,
  ): Promise<void> {
    if (!this.authorizer.keys.allows(await this.decide(permission), resource)) {
      throw new NotAllowedError(
        `Not allowed: ${permission.name} on a key owned by ${
          resource.ownerRef ?? 'nobody'
        }`,
      );
    }
  }

  /**
   * For a stored key: one the caller may not read is not found (its owner is
   * not told); one they read but may not change is refused.
   */
  async assertOnKey(
    permission: ResourcePermission,
    key: KeyRecord,
  ): Promise<void> {
    if (this.authorizer.keys.allows(await this.decide(permission), key)) return;
    if (
      permission === llmUsageKeyReadPermission ||
      !this.authorizer.keys.allows(
        await this.decide(llmUsageKeyReadPermission),
        key,
      )
    ) {
      throw new NotFoundError(`No key '${key.id}'`);
    }
    throw new NotAllowedError(
      `Not allowed: ${permission.name} on key '${key.id}'`,
    );
  }
}

/** The audit trail's view of a key: what a person can change, never a secret. */
function auditView(key: KeyRecord, tagIds?: string[]) {
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

/** A provider's failure as an HTTP error: refused credentials 502, down 503. */
function providerFailure(error: unknown): never {
  throw providerErrorToHttp(error);
}

const iso = (value: number | null) =>
  value === null ? null : new Date(value).toISOString();

/** The key inventory: reads scoped by permission, audited changes. */
export class KeyService {
  private readonly now: () => number;

  constructor(private readonly options: KeyServiceOptions) {
    this.now = options.now ?? Date.now;
  }

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
    const { sort, order, limit, offset, ...filter } = query;
    const { records, total } = await this.options.keys.list(
      filter,
      owners,
      { sort, order, limit, offset },
      this.now(),
    );
    return { items: await this.toApiKeys(records), total, offset, limit };
  }

  async get(credentials: BackstageCredentials, id: string): Promise<ApiKey> {
    const key = await this.requireKey(id);
    await this.decisions(credentials).assertOnKey(
      llmUsageKeyReadPermission,
      key,
    );
    const [apiKey] = await this.toApiKeys([key]);
    return apiKey;
  }

  async update(
    credentials: BackstageCredentials,
    id: string,
    input: KeyUpdateInput,
    request?: Request,
    decisions = this.decisions(credentials),
  ): Promise<ApiKey> {
    const key = await this.requireKey(id);
    await decisions.assertOnKey(llmUsageKeyManagePermission, key);
    if (input.ownerRef !== undefined && input.ownerRef !== key.ownerRef) {
      // Handing a key to another owner needs the right on the new owner too.
      await decisions.assert(llmUsageKeyManagePermission, {
        ownerRef: input.ownerRef,
      });
    }
    if (input.tagIds) await this.options.tags.requireAll(input.tagIds);
    const limit =
      input.limit === undefined
        ? undefined
        : await this.setLimitAtProvider(
            credentials,
            key,
            input.limit,
            decisions,
          );
    const tagsBefore = (await this.options.keys.tagsOf([id])).get(id) ?? [];
    await this.options.keys.update(
      id,
      {
        ...limit,
        name: input.name,
        ownerRef: input.ownerRef,
        componentRef: input.componentRef,
        notes: input.notes,
        expiresAt: input.expiresAt,
      },
      this.now(),
    );
    if (input.tagIds) await this.options.keys.setTags(id, input.tagIds);
    const updated = await this.requireKey(id);
    await this.options.audit.record({
      actor: credentials,
      action: 'key.update',
      targetType: 'key',
      targetId: id,
      before: auditView(
        key,
        tagsBefore.map(tag => tag.id),
      ),
      after: auditView(updated, input.tagIds ?? tagsBefore.map(tag => tag.id)),
      request,
    });
    return (await this.toApiKeys([updated]))[0];
  }

  async register(
    credentials: BackstageCredentials,
    input: KeyRegisterInput,
    request?: Request,
    decisions = this.decisions(credentials),
  ): Promise<ApiKey> {
    // A key on an account is the account's: registering needs its use.
    const account = await this.options.accounts.requireUsable(
      credentials,
      input.accountId,
      permission => decisions.decideAccount(permission),
    );
    await decisions.assert(llmUsageKeyManagePermission, {
      ownerRef: input.ownerRef ?? null,
    });
    if (input.tagIds) await this.options.tags.requireAll(input.tagIds);
    if (input.providerKeyId) {
      const existing = await this.options.keys.findByProviderKeyId(
        account.id,
        input.providerKeyId,
      );
      if (existing) {
        throw new ConflictError(
          `Key '${input.providerKeyId}' is already in account '${account.id}'`,
        );
      }
    }
    const id = await this.options.keys.insert(
      {
        accountId: account.id,
        provider: account.provider,
        providerKeyId: input.providerKeyId ?? null,
        providerProjectId: null,
        name: input.name,
        maskedHint: input.secret
          ? maskSecret(input.secret)
          : input.maskedHint ?? null,
        status: 'active',
        ownerRef: input.ownerRef ?? null,
        componentRef: input.componentRef ?? null,
        notes: input.notes ?? null,
        expiresAt: input.expiresAt ?? null,
        source: 'manual',
        secretEncrypted: input.secret
          ? this.options.secrets.encrypt(input.secret)
          : null,
      },
      this.now(),
    );
    if (input.tagIds?.length) await this.options.keys.setTags(id, input.tagIds);
    const key = await this.requireKey(id);
    await this.options.audit.record({
      actor: credentials,
      action: 'key.register',
      targetType: 'key',
      targetId: id,
      after: {
        ...auditView(key, input.tagIds ?? []),
        accountId: account.id,
        hasSecret: Boolean(input.secret),
      },
      request,
    });
    return (await this.toApiKeys([key]))[0];
  }

  async createAtProvider(
    credentials: BackstageCredentials,
    input: ProviderKeyCreateInput,
    request?: Request,
  ): Promise<CreateProviderKeyResponse> {
    const account = await this.options.accounts.requireUsable(
      credentials,
      input.accountId,
    );
    const provider = this.options.accounts.providerOf(account);
    const client = this.options.accounts.clientFor(account);
    if (!provider.capabilities.includes('keys.create') || !client.createKey) {
      throw new InputError(
        `Invalid field 'accountId': ${provider.displayName} keys cannot be created from LLM Usage`,
      );
    }
    await this.decisions(credentials).assert(llmUsageKeyManagePermission, {
      ownerRef: input.ownerRef ?? null,
    });
    if (input.tagIds) await this.options.tags.requireAll(input.tagIds);
    const created = await client
      .createKey({ name: input.name, limit: input.limit })
      .catch(providerFailure);
    const limitNanos = created.key.limit
      ? parseDecimalToNanos(created.key.limit.amount) ?? null
      : null;
    const id = await this.options.keys.insert(
      {
        accountId: account.id,
        provider: account.provider,
        providerKeyId: created.key.providerKeyId,
        providerProjectId: created.key.providerProjectId,
        name: input.name,
        maskedHint: created.key.maskedHint ?? maskSecret(created.secret),
        status: created.key.status,
        ownerRef: input.ownerRef ?? null,
        componentRef: input.componentRef ?? null,
        notes: input.notes ?? null,
        expiresAt:
          input.expiresAt ??
          (created.key.expiresAt ? Date.parse(created.key.expiresAt) : null),
        source: 'provider',
        secretEncrypted: input.storeSecret
          ? this.options.secrets.encrypt(created.secret)
          : null,
        providerCreatedAt: created.key.createdAt
          ? Date.parse(created.key.createdAt)
          : null,
        limitNanos,
        limitCurrency: created.key.limit?.currency ?? null,
        syncedAt: this.now(),
      },
      this.now(),
    );
    if (input.tagIds?.length) await this.options.keys.setTags(id, input.tagIds);
    const key = await this.requireKey(id);
    await this.options.audit.record({
      actor: credentials,
      action: 'key.create',
      targetType: 'key',
      targetId: id,
      after: {
        ...auditView(key, input.tagIds ?? []),
        accountId: account.id,
        providerKeyId: created.key.providerKeyId,
        limit: input.limit ?? null,
      },
      request,
    });
    return { key: (await this.toApiKeys([key]))[0], secret: created.secret };
  }

  /** A limit lives at the provider: set it there and keep what it answers. */
  private async setLimitAtProvider(
    credentials: BackstageCredentials,
    key: KeyRecord,
    limit: { amount: string; currency: string } | null,
    decisions: DecisionCache,
  ): Promise<{ limitNanos: bigint | null; limitCurrency: string | null }> {
    const account = await this.options.accounts.requireUsable(
      credentials,
      key.accountId,
      permission => decisions.decideAccount(permission),
    );
    const client = this.options.accounts.isInstalled(account)
      ? this.options.accounts.clientFor(account)
      : undefined;
    if (
      !key.providerKeyId ||
      !client?.setKeyLimit ||
      !this.options.accounts
        .providerOf(account)
        .capabilities.includes('keys.setLimit')
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

  /** Enables or disables at the provider when it can, else only here. */
  async setEnabled(
    credentials: BackstageCredentials,
    id: string,
    enabled: boolean,
    request?: Request,
    decisions = this.decisions(credentials),
  ): Promise<{ key: ApiKey; localOnly: boolean }> {
    const key = await this.requireKey(id);
    await decisions.assertOnKey(llmUsageKeyManagePermission, key);
    const account = await this.options.accounts.require(key.accountId);
    const atProvider = this.providerCan(account, key, 'keys.setEnabled');
    if (atProvider) {
      // The provider is reached with the account's credentials.
      await this.options.accounts.requireUsable(
        credentials,
        account.id,
        permission => decisions.decideAccount(permission),
      );
      const client = this.options.accounts.clientFor(account);
      await client.setKeyEnabled!(key.providerKeyId!, enabled).catch(
        providerFailure,
      );
    }
    await this.options.keys.update(
      id,
      { status: enabled ? 'active' : 'disabled' },
      this.now(),
    );
    const updated = await this.requireKey(id);
    await this.options.audit.record({
      actor: credentials,
      action: enabled ? 'key.enable' : 'key.disable',
      targetType: 'key',
      targetId: id,
      before: { status: key.status },
      after: { status: updated.status, atProvider },
      request,
    });
    return {
      key: (await this.toApiKeys([updated]))[0],
      localOnly: !atProvider,
    };
  }

  /** Deletes at the provider when it can, and from the inventory. */
  async remove(
    credentials: BackstageCredentials,
    id: string,
    request?: Request,
    decisions = this.decisions(credentials),
  ): Promise<{ localOnly: boolean }> {
    const key = await this.requireKey(id);
    await decisions.assertOnKey(llmUsageKeyDeletePermission, key);
    const account = await this.options.accounts.require(key.accountId);
    const atProvider = this.providerCan(account, key, 'keys.delete');
    if (atProvider) {
      await this.options.accounts.requireUsable(
        credentials,
        account.id,
        permission => decisions.decideAccount(permission),
      );
      const client = this.options.accounts.clientFor(account);
      await client.deleteKey!(key.providerKeyId!, {
        providerProjectId: key.providerProjectId,
      }).catch(providerFailure);
    }
    await this.options.keys.markDeleted(id, this.now());
    await this.options.audit.record({
      actor: credentials,
      action: 'key.delete',
      targetType: 'key',
      targetId: id,
      before: auditView(key),
      after: { atProvider },
      request,
    });
    return { localOnly: !atProvider };
  }

  /** One action on many keys; each key succeeds or fails on its own. */
  async batch(
    credentials: BackstageCredentials,
    input: KeyBatchInput,
    request?: Request,
  ): Promise<KeyBatchResponse> {
    const decisions = this.decisions(credentials);
    if (input.tagIds) await this.options.tags.requireAll(input.tagIds);
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
        await this.update(
          credentials,
          keyId,
          { ownerRef: input.ownerRef ?? null },
          request,
          decisions,
        );
        return {};
      case 'assignComponent':
        await this.update(
          credentials,
          keyId,
          { componentRef: input.componentRef ?? null },
          request,
          decisions,
        );
        return {};
      case 'addTags':
      case 'removeTags': {
        const key = await this.requireKey(keyId);
        await decisions.assertOnKey(llmUsageKeyManagePermission, key);
        const before =
          (await this.options.keys.tagsOf([keyId])).get(keyId) ?? [];
        if (input.action === 'addTags') {
          await this.options.keys.addTags(keyId, input.tagIds ?? []);
        } else {
          await this.options.keys.removeTags(keyId, input.tagIds ?? []);
        }
        const after =
          (await this.options.keys.tagsOf([keyId])).get(keyId) ?? [];
        await this.options.audit.record({
          actor: credentials,
          action: input.action === 'addTags' ? 'key.tag' : 'key.untag',
          targetType: 'key',
          targetId: keyId,
          before: { tagIds: before.map(tag => tag.id) },
          after: { tagIds: after.map(tag => tag.id) },
          request,
        });
        return {};
      }
      default:
        throw new InputError(`Invalid field 'action'`);
    }
  }

  async requireKey(id: string): Promise<KeyRecord> {
    const key = await this.options.keys.get(id);
    if (!key) {
      throw new NotFoundError(`No key '${id}'`);
    }
    return key;
  }

  private providerCan(
    account: AccountRecord,
    key: KeyRecord,
    capability: 'keys.setEnabled' | 'keys.delete',
  ): boolean {
    if (!key.providerKeyId || key.removedAt !== null) return false;
    if (!this.options.accounts.isInstalled(account)) return false;
    if (account.settings.demo === 'true') return false;
    return this.options.accounts
      .providerOf(account)
      .capabilities.includes(capability);
  }

  expiryState(key: KeyRecord, now: number, withinDays = 7): KeyExpiryState {
    if (key.status === 'expired') return 'expired';
    if (key.expiresAt === null) return 'none';
    if (key.expiresAt <= now) return 'expired';
    if (key.expiresAt <= now + withinDays * DAY_MS) return 'expiring';
    return 'valid';
  }

  async toApiKeys(records: KeyRecord[]): Promise<ApiKey[]> {
    if (records.length === 0) return [];
    const now = this.now();
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
        ? month.get(monthKey(key.accountId, key.providerKeyId))
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
        createdAt: new Date(
          key.providerCreatedAt ?? key.createdAt,
        ).toISOString(),
        expiresAt: iso(key.expiresAt),
        expiryState: this.expiryState(key, now),
        lastUsedAt: iso(key.lastUsedAt),
        limit:
          key.limitNanos !== null && key.limitCurrency
            ? {
                amount: formatNanos(key.limitNanos),
                currency: key.limitCurrency,
              }
            : null,
        providerUsage:
          key.usageNanos !== null && key.usageCurrency
            ? {
                amount: formatNanos(key.usageNanos),
                currency: key.usageCurrency,
              }
            : null,
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
        syncedAt: iso(key.syncedAt),
        removedAtProviderAt: iso(key.removedAt),
        capabilities: {
          setEnabledAtProvider: account
            ? this.providerCan(account, key, 'keys.setEnabled')
            : false,
          deleteAtProvider: account
            ? this.providerCan(account, key, 'keys.delete')
            : false,
        },
        updatedAt: new Date(key.updatedAt).toISOString(),
      };
    });
  }
}
