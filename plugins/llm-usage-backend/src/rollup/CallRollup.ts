import type { LoggerService } from '@backstage/backend-plugin-api';
import { DirtyHour, RollupStore, batchesOfDays } from '../database/RollupStore';
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
    private readonly maxDaysPerRoll?: number,
  ) {}

  async run(now: number = Date.now()): Promise<RollupRunResult> {
    const currentHour = hourStartOf(now);
    const dirty = await this.store.claimClosedDirtyHours(currentHour);
    const batches = batchesOfDays(dirty, this.maxDaysPerRoll);
    const calls = await rollInLanes(batches, this.store.rollLanes, batch =>
      this.store.rollHours(batch),
    );
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

/**
 * Rolls the batches, oldest first, `lanes` at a time. After a failure no
 * batch starts; the batches already rolled stay committed and the failed
 * one's hours stay dirty for the next run.
 */
async function rollInLanes(
  batches: DirtyHour[][],
  lanes: number,
  roll: (batch: DirtyHour[]) => Promise<number>,
): Promise<number> {
  let next = 0;
  let failed = false;
  let calls = 0;
  const lane = async () => {
    while (!failed && next < batches.length) {
      const batch = batches[next++];
      try {
        const rolled = await roll(batch);
        calls += rolled;
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(lanes, batches.length) }, lane),
  );
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason;
  }
  return calls;
}
