import { isError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { type DirtyHour, batchesOfDays } from './dirtyHours';
import type { RollupStore } from './RollupStore';
import { rawDetailDaysFor } from './rawDetailDays';
import { dayStartOf, hourStartOf } from '../database/tables';
import { isDatabaseOutage } from '../lib/databaseErrors';

export interface RollupRunResult {
  hours: number;
  days: number;
  calls: number;
  /** Hours that could not be rolled: recorded, left dirty, retried next run. */
  failedHours: number[];
}

/**
 * Rolls every closed hour that received calls since its last rollup, then
 * moves the watermark to the current hour. Late calls re-mark their hour, so
 * the next run re-rolls it; re-running changes nothing.
 *
 * One bad hour must not hold the others back: a batch that fails is rolled
 * again hour by hour, and an hour that still fails keeps its dirty mark (so
 * reads answer it from raw calls and the next run retries it) with the error
 * recorded, which the alert evaluation raises as a rollup alert.
 */
export class CallRollup {
  constructor(
    private readonly store: RollupStore,
    private readonly logger?: LoggerService,
    private readonly maxDaysPerRoll?: number,
    /**
     * Called after a run that met failing hours or may have cleared some,
     * with the hours still failing (empty once all rolled): the rollup
     * alert opens and resolves without waiting for the hourly evaluation.
     */
    private readonly onFailedHours?: (hours: number[]) => void,
    private readonly options: {
      /**
       * `llmUsage.rollup.detailDays`: older days keep their detail in raw
       * calls only (see `rawDetailDays`). Unset: every day keeps it.
       */
      detailDays?: number;
      /** `llmUsage.retention.rawCallsDays`: those days keep their detail rows. */
      rawCallsDays?: number;
    } = {},
  ) {}

  async run(now: number = Date.now()): Promise<RollupRunResult> {
    const currentHour = hourStartOf(now);
    const failingBefore = this.onFailedHours
      ? (await this.store.failedHours()).length
      : 0;
    const claimed = await this.store.claimClosedDirtyHours(currentHour);
    // Retention deleted the raw calls of hours before rawCallsSince: rolling
    // one again would keep only its late calls. Its rollups stay as they were.
    const rawCallsSince = claimed.length ? await this.store.rawCallsSince() : 0;
    const expired = claimed.filter(hour => hour.hourStart < rawCallsSince);
    if (expired.length > 0) {
      await this.store.discardClaimedHours(expired);
      this.logger?.warn(
        `${expired.length} hour(s) with late calls before ${new Date(
          rawCallsSince,
        ).toISOString()} were not rolled: raw calls before then were deleted by retention, their rollups keep the totals they had`,
      );
    }
    const dirty = claimed.filter(hour => hour.hourStart >= rawCallsSince);
    const batches = batchesOfDays(dirty, this.maxDaysPerRoll);
    const failedHours: number[] = [];
    const calls = await rollInLanes(
      batches,
      this.store.rollLanes,
      async batch => {
        try {
          return await this.store.rollHours(batch);
        } catch (error) {
          if (batch.length === 1 || isDatabaseOutage(error)) throw error;
        }
        let rolled = 0;
        for (const hour of batch) {
          try {
            rolled += await this.store.rollHours([hour]);
          } catch (error) {
            if (isDatabaseOutage(error)) throw error;
            await this.recordFailure(hour.hourStart, error);
            failedHours.push(hour.hourStart);
          }
        }
        return rolled;
      },
      async (batch, error) => {
        await this.recordFailure(batch[0].hourStart, error);
        failedHours.push(batch[0].hourStart);
      },
    );
    await this.store.setRolledUntil(currentHour);
    await this.moveRawDetailDays(now, currentHour);
    const days = new Set(dirty.map(hour => dayStartOf(hour.hourStart))).size;
    if (dirty.length > 0) {
      this.logger?.info(
        `Rolled up ${
          dirty.length - failedHours.length
        } hour(s) over ${days} day(s), ${calls} call(s)`,
      );
    }
    failedHours.sort((a, b) => a - b);
    if (failedHours.length > 0 || failingBefore > 0) {
      this.onFailedHours?.(failedHours);
    }
    return { hours: dirty.length, days, calls, failedHours };
  }

  /**
   * After the rollup, in its task: no re-roll of those days runs meanwhile.
   * Without `detailDays`, days whose detail rows went get them back.
   */
  private async moveRawDetailDays(now: number, rolledUntil: number) {
    const { detailDays, rawCallsDays } = this.options;
    const target =
      detailDays === undefined
        ? undefined
        : rawDetailDaysFor({
            now,
            detailDays,
            rolledUntil,
            rawCallsSince: await this.store.rawCallsSince(),
            rawCallsDays,
          });
    const moved = await this.store.moveRawDetailDays(target);
    if (moved.restoredDays > 0 || moved.prunedRows > 0) {
      this.logger?.info(
        `Detail rollup rows: ${moved.prunedRows} deleted (their days are read from raw calls), ${moved.restoredDays} day(s) written back from raw calls`,
      );
    }
  }

  private async recordFailure(hourStart: number, error: unknown) {
    const message = reasonOf(error);
    this.logger?.error(
      `Rollup of hour ${new Date(
        hourStart,
      ).toISOString()} failed; it stays dirty and is retried next run: ${message}`,
    );
    await this.store.recordFailure([hourStart], message);
  }
}

/**
 * The reason of a failure, without the statement Knex puts before a
 * database's message (`INSERT … - bigint out of range`): the alert shows it.
 */
function reasonOf(error: unknown): string {
  // By shape: a native driver's error may come from another realm.
  const message = isError(error) ? error.message : String(error);
  const statement = /^\s*(insert|update|delete|select|with)\b[\s\S]* - /i;
  return message.replace(statement, '');
}

/**
 * Rolls the batches, oldest first, `lanes` at a time. A batch that fails
 * does not stop the others: `failed` records it and the lanes go on. An
 * outage stops every lane: no batch starts after it, and the run fails.
 */
async function rollInLanes(
  batches: DirtyHour[][],
  lanes: number,
  roll: (batch: DirtyHour[]) => Promise<number>,
  failed: (batch: DirtyHour[], error: unknown) => Promise<void>,
): Promise<number> {
  let next = 0;
  let stopped = false;
  let calls = 0;
  const lane = async () => {
    while (!stopped && next < batches.length) {
      const batch = batches[next++];
      try {
        const rolled = await roll(batch);
        calls += rolled;
      } catch (error) {
        if (isDatabaseOutage(error)) {
          stopped = true;
          throw error;
        }
        await failed(batch, error);
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
