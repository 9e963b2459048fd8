import type { KeyRotation } from '@llm-usage/backstage-plugin-llm-usage-common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { KEYS_TABLE } from '../accounts/tables';

export const POLICIES_TABLE = 'llm_usage_key_rotation_policies';
export const ROTATIONS_TABLE = 'llm_usage_key_rotations';

/** A live key with a rotation policy, for reminders. */
export interface PolicyFact {
  keyId: string;
  accountId: string;
  name: string;
  ownerRef: string | null;
  createdAt: number;
  maxAgeDays: number;
  /** The key is being replaced: no reminders for it any more. */
  replaced: boolean;
}

export interface RotationRecord {
  id: string;
  oldKeyId: string;
  newKeyId: string;
  startedBy: string;
  startedAt: number;
  graceEndsAt: number;
  status: KeyRotation['status'];
  lastUsedAt: number | null;
  checkedAt: number | null;
  finishedAt: number | null;
  lastError: string | null;
}

const num = (value: unknown) =>
  value === null || value === undefined ? null : Number(value);

function toRecord(row: any): RotationRecord {
  return {
    id: row.id,
    oldKeyId: row.old_key_id,
    newKeyId: row.new_key_id,
    startedBy: row.started_by,
    startedAt: Number(row.started_at),
    graceEndsAt: Number(row.grace_ends_at),
    status: row.status,
    lastUsedAt: num(row.last_used_at),
    checkedAt: num(row.checked_at),
    finishedAt: num(row.finished_at),
    lastError: row.last_error ?? null,
  };
}

export function toApiRotation(record: RotationRecord): KeyRotation {
  const iso = (time: number | null) =>
    time === null ? null : new Date(time).toISOString();
  return {
    id: record.id,
    oldKeyId: record.oldKeyId,
    newKeyId: record.newKeyId,
    startedBy: record.startedBy,
    startedAt: iso(record.startedAt)!,
    graceEndsAt: iso(record.graceEndsAt)!,
    status: record.status,
    lastUsedAt: iso(record.lastUsedAt),
    checkedAt: iso(record.checkedAt),
    finishedAt: iso(record.finishedAt),
  };
}

/** Rotation policies and guided rotations (migration 20261204203000). */
export class KeyRotationStore {
  constructor(private readonly db: Knex) {}

  async policyOf(keyId: string): Promise<number | null> {
    const row = await this.db(POLICIES_TABLE)
      .where({ key_id: keyId })
      .first('max_age_days');
    return row ? Number(row.max_age_days) : null;
  }

  async setPolicy(
    keyId: string,
    maxAgeDays: number | null,
    actorRef: string,
    now: number,
    db: Knex = this.db,
  ): Promise<void> {
    if (maxAgeDays === null) {
      await db(POLICIES_TABLE).where({ key_id: keyId }).delete();
      return;
    }
    await db(POLICIES_TABLE)
      .insert({
        key_id: keyId,
        max_age_days: maxAgeDays,
        updated_by: actorRef,
        updated_at: now,
      })
      .onConflict('key_id')
      .merge();
  }

  /** Live keys with a policy, and whether each is being replaced. */
  async policies(): Promise<PolicyFact[]> {
    const rows = await this.db(`${POLICIES_TABLE} as p`)
      .join(`${KEYS_TABLE} as k`, 'k.id', 'p.key_id')
      .whereNull('k.deleted_at')
      .whereNull('k.removed_at')
      .whereNot('k.status', 'archived')
      .select(
        'k.id',
        'k.account_id',
        'k.name',
        'k.owner_ref',
        this.db.raw(
          'COALESCE(k.provider_created_at, k.created_at) AS created_at',
        ),
        'p.max_age_days',
        this.db.raw(
          `EXISTS (SELECT 1 FROM ${ROTATIONS_TABLE} r WHERE r.old_key_id = k.id AND r.status = 'grace') AS replaced`,
        ),
      );
    return rows.map(row => ({
      keyId: row.id,
      accountId: row.account_id,
      name: row.name,
      ownerRef: row.owner_ref ?? null,
      createdAt: Number(row.created_at),
      maxAgeDays: Number(row.max_age_days),
      replaced: Boolean(Number(row.replaced)) || row.replaced === true,
    }));
  }

  async start(
    rotation: Omit<
      RotationRecord,
      'id' | 'status' | 'lastUsedAt' | 'checkedAt' | 'finishedAt' | 'lastError'
    >,
  ): Promise<RotationRecord> {
    const id = randomUUID();
    await this.db(ROTATIONS_TABLE).insert({
      id,
      old_key_id: rotation.oldKeyId,
      new_key_id: rotation.newKeyId,
      started_by: rotation.startedBy,
      started_at: rotation.startedAt,
      grace_ends_at: rotation.graceEndsAt,
      status: 'grace',
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<RotationRecord | undefined> {
    const row = await this.db(ROTATIONS_TABLE).where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  /** The open rotation replacing this key, if any. */
  async openFor(oldKeyId: string): Promise<RotationRecord | undefined> {
    const row = await this.db(ROTATIONS_TABLE)
      .where({ old_key_id: oldKeyId, status: 'grace' })
      .first();
    return row ? toRecord(row) : undefined;
  }

  /** Rotations the key was part of, newest first. */
  async of(keyId: string): Promise<RotationRecord[]> {
    const rows = await this.db(ROTATIONS_TABLE)
      .where('old_key_id', keyId)
      .orWhere('new_key_id', keyId)
      .orderBy('started_at', 'desc')
      .limit(20);
    return rows.map(toRecord);
  }

  /** Rotations whose grace period is over and whose old key is still kept. */
  async due(now: number): Promise<RotationRecord[]> {
    const rows = await this.db(ROTATIONS_TABLE)
      .where('status', 'grace')
      .where('grace_ends_at', '<=', now)
      .orderBy('grace_ends_at');
    return rows.map(toRecord);
  }

  async update(
    id: string,
    change: Partial<
      Pick<
        RotationRecord,
        'status' | 'lastUsedAt' | 'checkedAt' | 'finishedAt' | 'lastError'
      >
    >,
  ): Promise<void> {
    const row: Record<string, unknown> = {};
    if (change.status !== undefined) row.status = change.status;
    if (change.lastUsedAt !== undefined) row.last_used_at = change.lastUsedAt;
    if (change.checkedAt !== undefined) row.checked_at = change.checkedAt;
    if (change.finishedAt !== undefined) row.finished_at = change.finishedAt;
    if (change.lastError !== undefined) row.last_error = change.lastError;
    await this.db(ROTATIONS_TABLE).where({ id }).update(row);
  }
}
