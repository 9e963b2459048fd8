import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  DirtyHour,
  MAX_CALLS_PER_ROLL,
  RollupStore,
  batchesOfDays,
} from '../database/RollupStore';
import { dayStartOf, hourStartOf } from '../database/tables';

export interface RollupRunResult {
  hours: number;
  days: number;
  calls: number;
}

/**
 * Rolls every closed hour that received calls since its last rollup, then
 * moves the watermark to the current hour. Late calls re-mark their hour, so
 * the next run re-rolls it; re-running changes nothing.
 */
export class CallRollup {
  constructor(
    private readonly store: RollupStore,
    private readonly logger?: LoggerService,
    private readonly maxCallsPerRoll = MAX_CALLS_PER_ROLL,
  ) {}

  async run(now: number = Date.now()): Promise<RollupRunResult> {
    const currentHour = hourStartOf(now);
    const dirty = await this.store.claimClosedDirtyHours(currentHour);
    let calls = 0;
    for (const batch of batchesOfDays(dirty)) {
      calls += await this.rollWithinMemory(batch);
    }
    await this.store.setRolledUntil(currentHour);
    const days = new Set(dirty.map(hour => dayStartOf(hour.hourStart))).size;
    if (dirty.length > 0) {
      this.logger?.info(
        `Rolled up ${dirty.length} hour(s) over ${days} day(s), ${calls} call(s)`,
      );
    }
    return { hours: dirty.length, days, calls };
  }

  /** Rolls a batch, halved by days while it holds too many calls. */
  private async rollWithinMemory(batch: DirtyHour[]): Promise<number> {
    const days = new Set(batch.map(hour => dayStartOf(hour.hourStart)));
    if (
      days.size > 1 &&
      (await this.store.countCalls(batch)) > this.maxCallsPerRoll
    ) {
      const [first, second] = batchesOfDays(batch, Math.ceil(days.size / 2));
      return (
        (await this.rollWithinMemory(first)) +
        (await this.rollWithinMemory(second))
      );
    }
    return this.store.rollHours(batch);
  }
}
