import type { LoggerService } from '@backstage/backend-plugin-api';
import { RollupStore, batchesOfDays } from '../database/RollupStore';
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
  ) {}

  async run(now: number = Date.now()): Promise<RollupRunResult> {
    const currentHour = hourStartOf(now);
    const dirty = await this.store.claimClosedDirtyHours(currentHour);
    let calls = 0;
    for (const batch of batchesOfDays(dirty)) {
      calls += await this.store.rollHours(batch);
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
}
