import type {
  DigestCadence,
  DigestPreferences,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/**
 * Digest opt-outs (digests are on unless an owner opts out) and the record of
 * digests sent, which makes sending idempotent across runs and instances.
 */
export interface DigestPreferenceStore {
  preferencesOf(ownerRefs: string[]): Promise<DigestPreferences[]>;
  /** Owners who opted out of a cadence. */
  optedOut(cadence: DigestCadence): Promise<Set<string>>;
  set(
    ownerRef: string,
    cadence: DigestCadence,
    enabled: boolean,
    updatedBy: string,
    now?: number,
  ): Promise<void>;
  /**
   * Claims the digest of one owner and period; false when another run already
   * did. Claim first, send second: a crash in between loses one digest
   * rather than sending it twice.
   */
  claim(
    ownerRef: string,
    cadence: DigestCadence,
    periodStart: number,
    now?: number,
  ): Promise<boolean>;
  /** Gives a claim back after a failed send, so the next run retries it. */
  release(
    ownerRef: string,
    cadence: DigestCadence,
    periodStart: number,
  ): Promise<void>;
}
