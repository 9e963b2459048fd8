import type { RewrittenHour, RollupState } from '../rollup/RollupStore';

/**
 * The version of each rolled hour: the generation of the rollup that last
 * rewrote it after readers could already read it (late or re-priced calls),
 * 0 for an hour rolled once. Sums of an hour kept under its version stay
 * valid until that hour itself is rewritten, so a late call into one hour
 * leaves the sums of every other hour cached.
 *
 * Kept in step with the rollup state's hours' generation: only when it has
 * moved are the hours rewritten since read.
 */
export class HourVersions {
  private readonly versions = new Map<number, number>();
  /**
   * Every hour rewritten up to this hours' generation is known; at first 0,
   * the hours' generation of rollups that never rewrote an hour.
   */
  private known = 0;
  private reading?: Promise<void>;

  constructor(
    private readonly rewrittenSince: (
      generation: number,
    ) => Promise<RewrittenHour[]>,
  ) {}

  /** What to ask the next rollup state for (its `rewrittenSince`). */
  get knownUpTo(): number {
    return this.known;
  }

  /**
   * Learns the hours rewritten up to the hours' generation of `state`, a
   * rollup state read before this call: the rows it names are committed.
   * Those read with the state (`rewrittenHours`) suffice when they reach its
   * generation: every hours' generation is the version of an hour it
   * rewrote, and a statement that saw that rollup's rows saw every earlier
   * rollup's, since each commits holding the state row. Else they are read.
   */
  async catchUp(state: RollupState): Promise<void> {
    const upTo = state.hoursGeneration ?? state.generation;
    const readWithState = state.rewrittenHours;
    if (readWithState && this.known < upTo) {
      this.learn(readWithState.hours);
      const newest = Math.max(
        ...readWithState.hours.map(hour => hour.generation),
      );
      if (readWithState.since <= this.known && newest >= upTo) {
        this.known = upTo;
      }
    }
    while (this.known < upTo) {
      this.reading ??= this.read(this.known, upTo).finally(() => {
        this.reading = undefined;
      });
      await this.reading;
    }
  }

  versionOf(hourStart: number): number {
    return this.versions.get(hourStart) ?? 0;
  }

  private async read(since: number, upTo: number) {
    this.learn(await this.rewrittenSince(since));
    this.known = Math.max(this.known, upTo);
  }

  private learn(hours: RewrittenHour[]) {
    for (const { hourStart, generation } of hours) {
      if (generation > this.versionOf(hourStart)) {
        this.versions.set(hourStart, generation);
      }
    }
  }
}
