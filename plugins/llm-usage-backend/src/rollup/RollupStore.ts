import type { TimeSpan } from '../time/spans';
import type { DirtyHour, FailedRollupHour } from './dirtyHours';
import type { RawDetailDaysMove } from './rawDetailDays';

/** What readers need to know to trust the rollups. */
export interface RollupState {
  /** Every hour before this (epoch ms) was rolled, except the dirty ones. */
  rolledUntil: number;
  dirtyHours: Set<number>;
  /**
   * Changes with every rollup transaction that rewrites rows, so sums of
   * rolled spans read under one generation stay valid while it lasts.
   */
  generation: number;
  /**
   * Changes only when a rollup rewrites an hour that was already rolled
   * (late or re-priced calls), so sums of rolled hours stay valid across the
   * hourly rollups that only add the hour just closed; which hours it
   * rewrote, {@link RollupStore.rewrittenHoursSince} tells. Absent: as
   * {@link RollupState.generation}.
   */
  hoursGeneration?: number;
  /**
   * Changes only when a rollup rewrites a day that was already rolled whole
   * (late or re-priced calls), so sums of whole rolled days stay valid across
   * the hourly rollups that rewrite only the current day. Absent: as
   * {@link RollupState.generation}.
   */
  daysGeneration?: number;
  /**
   * The days whose detail rows were deleted while their raw calls are kept
   * (see `rawDetailDays`): reads at the detail level sum their raw calls.
   */
  rawDetailDays?: TimeSpan;
  /**
   * Asked for with the state ({@link RollupStore.getState}): the hours
   * rewritten after the hours' generation `since`. A store may read them in
   * another snapshot than the state's, older or newer.
   */
  rewrittenHours?: { since: number; hours: RewrittenHour[] };
}

/** An hour a rollup rewrote after readers could already read it. */
export interface RewrittenHour {
  hourStart: number;
  /** The generation of the rollup that last rewrote it. */
  generation: number;
}

/**
 * Maintains the hourly and daily rollups.
 *
 * The database does the bulk: it sums each hour's calls per detail key and
 * each day's detail rows, and writes them with their latency sketches as key
 * lists (see `LatencySketch`), so the rows never travel through JavaScript.
 * JavaScript builds only the project and model levels, whose rows sum far
 * more calls and keep their sketches as bins (see `RollupRow`).
 *
 * A batch of days is one transaction, so a reader never sees an hourly
 * rollup that its daily rollup does not reflect.
 */
export interface RollupStore {
  /**
   * How many batches of days may be rolled at once. On PostgreSQL two, one
   * server process each, so both cores of a small machine work. SQLite has
   * one connection.
   */
  readonly rollLanes: number;
  /**
   * With `rewrittenSince`, the state also says which hours were rewritten
   * after that hours' generation, in the same round trip: a reader learns
   * them without one of its own.
   */
  getState(options?: { rewrittenSince?: number }): Promise<RollupState>;
  /**
   * The hours last rewritten after this generation whose earlier rows
   * readers could already read (late or re-priced calls): what a reader
   * that has seen the hours' generation `generation` needs to learn.
   */
  rewrittenHoursSince(generation: number): Promise<RewrittenHour[]>;
  /** Claims the closed dirty hours for one rollup; see `dirtyHours`. */
  claimClosedDirtyHours(before: number): Promise<DirtyHour[]>;
  /**
   * Re-rolls the given hours (sorted, of at most `MAX_DAYS_PER_ROLL` UTC
   * days) and every level of their days, then clears the dirty marks that
   * were not renewed meanwhile. Idempotent. Returns the number of calls
   * rolled.
   */
  rollHours(hours: DirtyHour[]): Promise<number>;
  /** Records that rolling these hours failed; see `dirtyHours`. */
  recordFailure(hours: number[], error: string, now?: number): Promise<void>;
  /** The hours whose last rollup failed and that are still not rolled, oldest first. */
  failedHours(): Promise<FailedRollupHour[]>;
  setRolledUntil(rolledUntil: number): Promise<void>;
  /**
   * Raw calls before this (epoch ms) were deleted by retention: hours before
   * it are summed by their rollups alone and never re-rolled. 0: none.
   */
  rawCallsSince(): Promise<number>;
  /**
   * Moves the days whose detail rows only raw calls keep (see
   * `rawDetailDays`); undefined: every day keeps its detail rows.
   */
  moveRawDetailDays(target: TimeSpan | undefined): Promise<RawDetailDaysMove>;
  /** Releases claimed hours without rolling them (they are before {@link rawCallsSince}). */
  discardClaimedHours(hours: DirtyHour[]): Promise<void>;
}
