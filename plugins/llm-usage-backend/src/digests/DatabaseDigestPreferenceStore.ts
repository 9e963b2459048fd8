import type {
  DigestCadence,
  DigestPreferences,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { type DigestPreferenceStore } from './DigestPreferenceStore';

const OPTOUTS_TABLE = 'llm_usage_digest_optouts';
const DELIVERIES_TABLE = 'llm_usage_digest_deliveries';

/**
 * Digest opt-outs (digests are on unless an owner opts out) and the record of
 * digests sent, which makes sending idempotent across runs and instances.
 */
export class DatabaseDigestPreferenceStore implements DigestPreferenceStore {
  constructor(private readonly db: Knex) {}

  async preferencesOf(ownerRefs: string[]): Promise<DigestPreferences[]> {
    const rows =
      ownerRefs.length > 0
        ? await this.db(OPTOUTS_TABLE).whereIn('owner_ref', ownerRefs)
        : [];
    const optedOut = new Set(rows.map(r => `${r.owner_ref} ${r.cadence}`));
    return ownerRefs.map(ownerRef => ({
      ownerRef,
      weekly: !optedOut.has(`${ownerRef} weekly`),
      monthly: !optedOut.has(`${ownerRef} monthly`),
    }));
  }

  /** Owners who opted out of a cadence. */
  async optedOut(cadence: DigestCadence): Promise<Set<string>> {
    const rows = await this.db(OPTOUTS_TABLE)
      .where({ cadence })
      .select('owner_ref');
    return new Set(rows.map(r => r.owner_ref));
  }

  async set(
    ownerRef: string,
    cadence: DigestCadence,
    enabled: boolean,
    updatedBy: string,
    now = Date.now(),
  ): Promise<void> {
    if (enabled) {
      await this.db(OPTOUTS_TABLE)
        .where({ owner_ref: ownerRef, cadence })
        .delete();
      return;
    }
    await this.db(OPTOUTS_TABLE)
      .insert({
        owner_ref: ownerRef,
        cadence,
        updated_by: updatedBy,
        updated_at: now,
      })
      .onConflict(['owner_ref', 'cadence'])
      .merge(['updated_by', 'updated_at']);
  }

  /**
   * Claims the digest of one owner and period; false when another run already
   * did. Claim first, send second: a crash in between loses one digest
   * rather than sending it twice.
   */
  async claim(
    ownerRef: string,
    cadence: DigestCadence,
    periodStart: number,
    now = Date.now(),
  ): Promise<boolean> {
    const inserted = await this.db(DELIVERIES_TABLE)
      .insert({
        owner_ref: ownerRef,
        cadence,
        period_start: periodStart,
        sent_at: now,
      })
      .onConflict(['owner_ref', 'cadence', 'period_start'])
      .ignore()
      .returning('owner_ref');
    return inserted.length > 0;
  }

  /** Gives a claim back after a failed send, so the next run retries it. */
  async release(
    ownerRef: string,
    cadence: DigestCadence,
    periodStart: number,
  ): Promise<void> {
    await this.db(DELIVERIES_TABLE)
      .where({ owner_ref: ownerRef, cadence, period_start: periodStart })
      .delete();
  }
}
