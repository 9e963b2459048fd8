import type { KeyRotation } from '@llm-usage/backstage-plugin-llm-usage-common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { KEYS_TABLE } from '../accounts/tables';
import { integer, nullable, rowMapping, text } from '../lib/rowMapping';

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

const rotationRows = rowMapping<RotationRecord>({
  id: text(),
  oldKeyId: text(),
  newKeyId: text(),
  startedBy: text(),
  startedAt: integer,
  graceEndsAt: integer,
  status: text(),
  lastUsedAt: nullable(integer),
  checkedAt: nullable(integer),
  finishedAt: nullable(integer),
  lastError: nullable(text()),
});

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
    await this.db(ROTATIONS_TABLE).insert(
      rotationRows.toRow({ ...rotation, id, status: 'grace' }),
    );
    return (await this.get(id))!;
  }

  async get(id: string): Promise<RotationRecord | undefined> {
    const row = await this.db(ROTATIONS_TABLE).where({ id }).first();
    return row ? rotationRows.fromRow(row) : undefined;
  }

  /** The open rotation replacing this key, if any. */
  async openFor(oldKeyId: string): Promise<RotationRecord | undefined> {
    const row = await this.db(ROTATIONS_TABLE)
      .where({ old_key_id: oldKeyId, status: 'grace' })
      .first();
    return row ? rotationRows.fromRow(row) : undefined;
  }

  /** Rotations the key was part of, newest first. */
  async of(keyId: string): Promise<RotationRecord[]> {
    const rows = await this.db(ROTATIONS_TABLE)
      .where('old_key_id', keyId)
      .orWhere('new_key_id', keyId)
      .orderBy('started_at', 'desc')
      .limit(20);
    return rows.map(rotationRows.fromRow);
  }

  /** Rotations whose grace period is over and whose old key is still kept. */
  async due(now: number): Promise<RotationRecord[]> {
    const rows = await this.db(ROTATIONS_TABLE)
      .where('status', 'grace')
      .where('grace_ends_at', '<=', now)
      .orderBy('grace_ends_at');
    return rows.map(rotationRows.fromRow);
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
    await this.db(ROTATIONS_TABLE)
      .where({ id })
      .update(rotationRows.toRow(change));
  }
}
