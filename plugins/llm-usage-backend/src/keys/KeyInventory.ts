import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  ApiKey,
  CreateProviderKeyResponse,
  KeyListResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Request } from 'express';
import type { AccountRecord } from '../accounts/AccountStore';
import {
  type AuditLog,
  type AuditRecord,
  actionRecord,
} from '../audit/AuditLog';
import { parseDecimalToNanos } from '../lib/money';
import type { OwnerFilter } from '../permissions/LlmUsageAuthorizer';
import { maskSecret, type SecretBox } from '../secrets/SecretBox';
import type { TagStore } from '../tags/TagStore';
import type { KeyProviderOperations } from './KeyProviderOperations';
import type { KeyRecord, KeyStore, NewKey } from './KeyStore';
import { auditView, type KeyMapping } from './keyMapping';
import type {
  KeyListInput,
  KeyRegisterInput,
  KeyUpdateInput,
  ProviderKeyCreateInput,
} from './keySchemas';

export interface KeyInventoryOptions {
  keys: KeyStore;
  tags: Pick<TagStore, 'requireAll'>;
  operations: KeyProviderOperations;
  mapping: KeyMapping;
  secrets: Pick<SecretBox, 'encrypt'>;
  audit: Pick<AuditLog, 'record'>;
  now?: () => number;
}

/**
 * The key inventory's changes and reads, each audited. It trusts its caller:
 * permissions are checked before it is reached (see AuthorizedKeyService),
 * and the keys and accounts it is handed are ones the caller may act on.
 */
export class KeyInventory {
  private readonly now: () => number;

  constructor(private readonly options: KeyInventoryOptions) {
    this.now = options.now ?? Date.now;
  }

  async requireKey(id: string): Promise<KeyRecord> {
    const key = await this.options.keys.get(id);
    if (!key) {
      throw new NotFoundError(`No key '${id}'`);
    }
    return key;
  }

  async requireTags(tagIds: string[] | undefined): Promise<void> {
    if (tagIds) await this.options.tags.requireAll(tagIds);
  }

  async toApiKey(key: KeyRecord): Promise<ApiKey> {
    return (await this.options.mapping.toApiKeys([key]))[0];
  }

  /** The keys matching the query among those `owners` lets through. */
  async list(
    owners: OwnerFilter,
    query: KeyListInput,
  ): Promise<KeyListResponse> {
    const { sort, order, limit, offset, ...filter } = query;
    const { records, total } = await this.options.keys.list(
      filter,
      owners,
      { sort, order, limit, offset },
      this.now(),
    );
    return {
      items: await this.options.mapping.toApiKeys(records),
      total,
      offset,
      limit,
    };
  }

  /** `account` is the key's, needed (and usable) when the limit changes. */
  async update(
    actor: BackstageCredentials,
    key: KeyRecord,
    input: KeyUpdateInput,
    request?: Request,
    account?: AccountRecord,
  ): Promise<ApiKey> {
    const { id } = key;
    await this.requireTags(input.tagIds);
    let limit;
    if (input.limit !== undefined) {
      if (!account)
        throw new Error(`update of key '${id}' without its account`);
      limit = await this.options.operations.setLimit(account, key, input.limit);
    }
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
    await this.options.audit.record(
      actionRecord(actor, 'key.update', id, {
        before: auditView(
          key,
          tagsBefore.map(tag => tag.id),
        ),
        after: auditView(
          updated,
          input.tagIds ?? tagsBefore.map(tag => tag.id),
        ),
        request,
      }),
    );
    return this.toApiKey(updated);
  }

  /** Registers a key by hand on `account`. */
  async register(
    actor: BackstageCredentials,
    account: AccountRecord,
    input: KeyRegisterInput,
    request?: Request,
  ): Promise<ApiKey> {
    await this.requireTags(input.tagIds);
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
    const key = await this.keepNewKey(
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
      input.tagIds,
      { actor, action: 'key.register', request },
      { hasSecret: Boolean(input.secret) },
    );
    return this.toApiKey(key);
  }

  /** Creates a key at `account`'s provider and keeps it in the inventory. */
  async createAtProvider(
    actor: BackstageCredentials,
    account: AccountRecord,
    input: ProviderKeyCreateInput,
    request?: Request,
  ): Promise<CreateProviderKeyResponse> {
    const createKey = this.options.operations.creatorFor(account);
    await this.requireTags(input.tagIds);
    const created = await createKey({ name: input.name, limit: input.limit });
    const limitNanos = created.key.limit
      ? parseDecimalToNanos(created.key.limit.amount) ?? null
      : null;
    const key = await this.keepNewKey(
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
      input.tagIds,
      { actor, action: 'key.create', request },
      { providerKeyId: created.key.providerKeyId, limit: input.limit ?? null },
    );
    return { key: await this.toApiKey(key), secret: created.secret };
  }

  /**
   * Inserts a new key with its tags and records it in the audit log (the
   * key, its account and `details`); returns the key as stored.
   */
  private async keepNewKey(
    newKey: NewKey,
    tagIds: string[] | undefined,
    event: {
      actor: AuditRecord['actor'];
      action: `key.${string}`;
      request?: Request;
    },
    details: Record<string, unknown>,
  ): Promise<KeyRecord> {
    const id = await this.options.keys.insert(newKey, this.now());
    if (tagIds?.length) await this.options.keys.setTags(id, tagIds);
    const key = await this.requireKey(id);
    await this.options.audit.record(
      actionRecord(event.actor, event.action, id, {
        after: {
          ...auditView(key, tagIds ?? []),
          accountId: newKey.accountId,
          ...details,
        },
        request: event.request,
      }),
    );
    return key;
  }

  /** Enables or disables at the provider when it can, else only here. */
  async setEnabled(
    actor: BackstageCredentials,
    key: KeyRecord,
    account: AccountRecord,
    enabled: boolean,
    request?: Request,
  ): Promise<{ key: ApiKey; localOnly: boolean }> {
    const atProvider = this.options.operations.can(
      account,
      key,
      'keys.setEnabled',
    );
    if (atProvider) {
      await this.options.operations.setEnabled(account, key, enabled);
    }
    await this.options.keys.update(
      key.id,
      { status: enabled ? 'active' : 'disabled' },
      this.now(),
    );
    const updated = await this.requireKey(key.id);
    await this.options.audit.record(
      actionRecord(actor, enabled ? 'key.enable' : 'key.disable', key.id, {
        before: { status: key.status },
        after: { status: updated.status, atProvider },
        request,
      }),
    );
    return { key: await this.toApiKey(updated), localOnly: !atProvider };
  }

  /** Deletes at the provider when it can, and from the inventory. */
  async remove(
    actor: BackstageCredentials,
    key: KeyRecord,
    account: AccountRecord,
    request?: Request,
  ): Promise<{ localOnly: boolean }> {
    const atProvider = this.options.operations.can(account, key, 'keys.delete');
    if (atProvider) await this.options.operations.delete(account, key);
    await this.options.keys.markDeleted(key.id, this.now());
    await this.options.audit.record(
      actionRecord(actor, 'key.delete', key.id, {
        before: auditView(key),
        after: { atProvider },
        request,
      }),
    );
    return { localOnly: !atProvider };
  }

  /** Adds or removes tags on one key. */
  async changeTags(
    actor: BackstageCredentials,
    key: KeyRecord,
    action: 'addTags' | 'removeTags',
    tagIds: string[],
    request?: Request,
  ): Promise<void> {
    const keyId = key.id;
    const before = (await this.options.keys.tagsOf([keyId])).get(keyId) ?? [];
    if (action === 'addTags') {
      await this.options.keys.addTags(keyId, tagIds);
    } else {
      await this.options.keys.removeTags(keyId, tagIds);
    }
    const after = (await this.options.keys.tagsOf([keyId])).get(keyId) ?? [];
    const tagAction = action === 'addTags' ? 'key.tag' : 'key.untag';
    await this.options.audit.record(
      actionRecord(actor, tagAction, keyId, {
        before: { tagIds: before.map(tag => tag.id) },
        after: { tagIds: after.map(tag => tag.id) },
        request,
      }),
    );
  }
}
