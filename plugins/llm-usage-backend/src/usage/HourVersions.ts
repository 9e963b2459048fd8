import type { RewrittenHour } from '../rollup/RollupStore';

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
  /** Every hour rewritten up to this hours' generation is known. */
  private knownUpTo = -1;
  private reading?: Promise<void>;

  constructor(
    private readonly rewrittenSince: (
      generation: number,
    ) => Promise<RewrittenHour[]>,
  ) {}

  /**
   * Learns the hours rewritten up to `hoursGeneration`, which must come from
   * a rollup state read before this call: the rows it names are committed.
   */
  async catchUp(hoursGeneration: number): Promise<void> {
    while (this.knownUpTo < hoursGeneration) {
      this.reading ??= this.read(this.knownUpTo, hoursGeneration).finally(
        () => {
          this.reading = undefined;
        },
      );
      await this.reading;
    }
  }

  versionOf(hourStart: number): number {
    return this.versions.get(hourStart) ?? 0;
  }

  private async read(since: number, upTo: number) {
    for (const { hourStart, generation } of await this.rewrittenSince(since)) {
      if (generation > this.versionOf(hourStart)) {
        this.versions.set(hourStart, generation);
      }
    }
    this.knownUpTo = Math.max(this.knownUpTo, upTo);
  }
}
