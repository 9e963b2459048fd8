import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  llmUsageKeyManagePermission,
  type KeyRotationState,
  type RotateKeyResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Request } from 'express';
import { z } from 'zod/v3';
import type { AccountService } from '../accounts/AccountService';
import { type AuditLog, actionRecord, actorRefOf } from '../audit/AuditLog';
import { DAY_MS } from '../database/tables';
import type { KeyInventory } from '../keys/KeyInventory';
import type { KeyService } from '../keys/KeyService';
import { providerKeyCreateSchema } from '../keys/keySchemas';
import type { KeyUseReader } from './KeyUseReader';
import { type KeyRotationStore, toApiRotation } from './KeyRotationStore';

const HOUR_MS = 3_600_000;
export const DEFAULT_GRACE_DAYS = 7;
export const DEFAULT_QUIET_HOURS = 24;

export interface KeyRotationServiceOptions {
  store: KeyRotationStore;
  /** Permission-checked key operations: reads, creation, updates. */
  keys: KeyService;
  /** The inventory itself, for the scheduled deletion (no caller to check). */
  inventory: Pick<KeyInventory, 'requireKey' | 'remove'>;
  accounts: Pick<AccountService, 'require' | 'providerOf' | 'isInstalled'>;
  use: KeyUseReader;
  audit: Pick<AuditLog, 'record'>;
  /** The plugin's own credentials: who deletes an old key after its grace. */
  serviceCredentials: () => Promise<BackstageCredentials>;
  logger: LoggerService;
  /** Hours without any call after the grace period before the old key goes. */
  quietHours?: number;
  clock?: () => number;
}

/**
 * Rotation policies and guided rotations. A rotation creates the new key
 * at the provider with the old key's account, owner, Component, tags and
 * limit (the same permission checks as creating a key), keeps the old key
 * through a grace period (its expiry set to the end of it), and the scheduled {@link runDue}
 * deletes the old key once no call has used it for the quiet period.
 */
export class KeyRotationService {
  private readonly clock: () => number;

  constructor(private readonly options: KeyRotationServiceOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async state(
    credentials: BackstageCredentials,
    keyId: string,
  ): Promise<KeyRotationState> {
    const key = await this.options.keys.get(credentials, keyId);
    const maxAgeDays = await this.options.store.policyOf(keyId);
    const account = await this.options.accounts.require(key.accountId);
    const canRotate =
      this.options.accounts.isInstalled(account) &&
      account.settings.demo !== 'true' &&
      this.options.accounts
        .providerOf(account)
        .capabilities.includes('keys.create');
    return {
      maxAgeDays,
      dueAt:
        maxAgeDays === null
          ? null
          : new Date(
              Date.parse(key.createdAt) + maxAgeDays * DAY_MS,
            ).toISOString(),
      canRotate,
      rotations: (await this.options.store.of(keyId)).map(toApiRotation),
    };
  }

  async setPolicy(
    credentials: BackstageCredentials,
    keyId: string,
    maxAgeDays: number | null,
    request?: Request,
  ): Promise<KeyRotationState> {
    const key = await this.options.inventory.requireKey(keyId);
    await this.options.keys
      .decisions(credentials)
      .assertOnKey(llmUsageKeyManagePermission, key);
    const before = await this.options.store.policyOf(keyId);
    await this.options.store.setPolicy(
      keyId,
      maxAgeDays,
      actorRefOf(credentials),
      this.clock(),
    );
    await this.options.audit.record(
      actionRecord(credentials, 'key.rotationPolicy', keyId, {
        before: { maxAgeDays: before },
        after: { maxAgeDays },
        request,
      }),
    );
    return this.state(credentials, keyId);
  }

  async rotate(
    credentials: BackstageCredentials,
    keyId: string,
    input: RotateKeyInput,
    request?: Request,
  ): Promise<RotateKeyResponse> {
    const { keys, store } = this.options;
    const decisions = keys.decisions(credentials);
    const record = await this.options.inventory.requireKey(keyId);
    await decisions.assertOnKey(llmUsageKeyManagePermission, record);
    if (await store.openFor(keyId)) {
      throw new ConflictError(
        `Key ${keyId} is already being rotated; its replacement exists`,
      );
    }
    const old = await keys.get(credentials, keyId);
    const now = this.clock();
    const graceDays = input.graceDays ?? DEFAULT_GRACE_DAYS;
    const graceEndsAt = now + graceDays * DAY_MS;
    const created = await keys.createAtProvider(
      credentials,
      {
        accountId: old.accountId,
        name:
          input.name ??
          `${old.name} (${new Date(now).toISOString().slice(0, 10)})`,
        ownerRef: old.ownerRef,
        componentRef: old.componentRef,
        tagIds: old.tags.map(tag => tag.id),
        limit: old.limit ?? undefined,
        // As when a key is created at the provider: no expiry unless asked
        // for (or the provider sets one), the secret kept only if asked.
        expiresAt: input.expiresAt,
        storeSecret: input.storeSecret,
      },
      request,
    );
    // The old key expires when its grace ends, so its expiry reminders fire.
    await keys.update(
      credentials,
      keyId,
      { expiresAt: graceEndsAt },
      request,
      decisions,
    );
    const rotation = await store.start({
      oldKeyId: keyId,
      newKeyId: created.key.id,
      startedBy: actorRefOf(credentials),
      startedAt: now,
      graceEndsAt,
    });
    const maxAgeDays = await store.policyOf(keyId);
    if (maxAgeDays !== null) {
      await store.setPolicy(
        created.key.id,
        maxAgeDays,
        actorRefOf(credentials),
        now,
      );
    }
    await this.options.audit.record(
      actionRecord(credentials, 'key.rotate', keyId, {
        before: { status: old.status },
        after: {
          newKeyId: created.key.id,
          graceEndsAt: new Date(graceEndsAt).toISOString(),
        },
        request,
      }),
    );
    return { created, rotation: toApiRotation(rotation) };
  }

  /**
   * For each rotation past its grace period: an old key some call used in
   * the quiet period is kept (its last use noted) and checked again next
   * run; an unused one is deleted (at the provider where it can be) by the
   * plugin itself, audited.
   */
  async runDue(): Promise<{ deleted: number; inUse: number; failed: number }> {
    const { store, use, logger } = this.options;
    const now = this.clock();
    const quietMs = (this.options.quietHours ?? DEFAULT_QUIET_HOURS) * HOUR_MS;
    const result = { deleted: 0, inUse: 0, failed: 0 };
    for (const rotation of await store.due(now)) {
      try {
        const key = await this.options.inventory
          .requireKey(rotation.oldKeyId)
          .catch(error => {
            if (error instanceof NotFoundError) return undefined;
            throw error;
          });
        if (!key) {
          // Deleted by someone already: nothing left to do.
          await store.update(rotation.id, {
            status: 'deleted',
            finishedAt: now,
            checkedAt: now,
          });
          continue;
        }
        const lastUse = await use.lastUse(
          key,
          Math.max(rotation.startedAt, now - quietMs),
          now,
        );
        if (lastUse !== null) {
          result.inUse++;
          await store.update(rotation.id, {
            lastUsedAt: lastUse,
            checkedAt: now,
          });
          continue;
        }
        const account = await this.options.accounts.require(key.accountId);
        await this.options.inventory.remove(
          await this.options.serviceCredentials(),
          key,
          account,
        );
        await store.update(rotation.id, {
          status: 'deleted',
          finishedAt: now,
          checkedAt: now,
          lastError: null,
        });
        result.deleted++;
      } catch (error) {
        result.failed++;
        logger.warn(
          `Key rotation ${rotation.id}: the old key could not be deleted: ${error}`,
        );
        await store.update(rotation.id, {
          checkedAt: now,
          lastError: String(error).slice(0, 500),
        });
      }
    }
    return result;
  }
}

/**
 * `POST /keys/:id/rotate` bodies: the new key's expiry and secret storage
 * take the same values as when a key is created at the provider.
 */
export const rotateKeySchema = z
  .object({
    graceDays: z.number().int().min(0).max(90).optional(),
    name: z.string().trim().min(1).max(255).optional(),
  })
  .merge(providerKeyCreateSchema.pick({ expiresAt: true, storeSecret: true }))
  .strict();
export type RotateKeyInput = z.output<typeof rotateKeySchema>;

/** `PUT /keys/:id/rotation` bodies. */
export const rotationPolicySchema = z
  .object({ maxAgeDays: z.number().int().min(1).max(3650).nullable() })
  .strict();
