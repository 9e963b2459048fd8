import type { LoggerService } from '@backstage/backend-plugin-api';
import { RollupStore, groupByDay } from '../database/RollupStore';
import { hourStartOf } from '../database/tables';

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
    const dirty = await this.store.closedDirtyHours(currentHour);
    const days = groupByDay(dirty);
    let calls = 0;
    for (const [dayStart, hours] of days) {
      calls += await this.store.rollDay(dayStart, hours);
    }
    await this.store.setRolledUntil(currentHour);
    if (dirty.length > 0) {
      this.logger?.info(
        `Rolled up ${dirty.length} hour(s) over ${days.size} day(s), ${calls} call(s)`,
      );
    }
    return { hours: dirty.length, days: days.size, calls };
  }
}
