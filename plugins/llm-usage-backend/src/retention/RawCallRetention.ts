import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { isPostgres } from '../database/bulkInsert';
import {
  CALLS_TABLE,
  DAY_MS,
  DIRTY_HOURS_TABLE,
  ROLLUP_STATE_TABLE,
  dayStartOf,
} from '../database/tables';

const STATE_ID = 'calls';

/** Calls deleted per statement: short transactions, no long lock. */
export const RETENTION_BATCH = 5_000;

export interface RetentionResult {
  /** Raw calls deleted by this run. */
  deleted: number;
  /** Raw calls before this (epoch ms) are gone; 0 when none ever were. */
  rawCallsSince: number;
}

/**
 * Deletes raw calls older than `llmUsage.retention.rawCallsDays`, in batches
 * of {@link RETENTION_BATCH} through the time index, so a first run over a
 * long history never holds a big lock or a long transaction.
 *
 * Summaries keep working: only calls of whole UTC days that are rolled up
 * (no dirty hour, before the rollup's watermark) are deleted, and the cutoff
 * is recorded as `raw_calls_since` first, so that late calls for those days
 * no longer mark them for a re-roll that would keep only the late calls (see
 * `markHoursDirty` and `CallRollup`). The call history reports how far back
 * it reaches from the same value.
 */
export class RawCallRetention {
  constructor(
    private readonly db: Knex,
    private readonly rawCallsDays: number,
    private readonly logger?: LoggerService,
    private readonly batchSize = RETENTION_BATCH,
  ) {}

  async run(now = Date.now()): Promise<RetentionResult> {
    const [state, oldestDirty] = await Promise.all([
      this.db(ROLLUP_STATE_TABLE)
        .where('id', STATE_ID)
        .first('rolled_until', 'raw_calls_since'),
      this.db(DIRTY_HOURS_TABLE).min({ hour: 'hour_start' }).first(),
    ]);
    const recorded = Number(state?.raw_calls_since ?? 0);
    let cutoff = dayStartOf(now - this.rawCallsDays * DAY_MS);
    cutoff = Math.min(cutoff, dayStartOf(Number(state?.rolled_until ?? 0)));
    if (oldestDirty?.hour !== null && oldestDirty?.hour !== undefined) {
      cutoff = Math.min(cutoff, dayStartOf(Number(oldestDirty.hour)));
    }
    if (cutoff <= recorded) {
      // Nothing new to drop; calls stored late before the cutoff still go.
      cutoff = recorded;
    } else {
      await this.db(ROLLUP_STATE_TABLE)
        .where('id', STATE_ID)
        .update({ raw_calls_since: cutoff });
    }
    if (cutoff <= 0) return { deleted: 0, rawCallsSince: recorded };

    let deleted = 0;
    for (;;) {
      const batch = await this.deleteBatch(cutoff);
      deleted += batch;
      if (batch < this.batchSize) break;
    }
    if (deleted > 0) {
      this.logger?.info(
        `Deleted ${deleted} raw call(s) before ${new Date(
          cutoff,
        ).toISOString()} (llmUsage.retention.rawCallsDays: ${
          this.rawCallsDays
        }); summaries of those days come from the rollups`,
      );
    }
    return { deleted, rawCallsSince: cutoff };
  }

  private async deleteBatch(cutoff: number): Promise<number> {
    if (isPostgres(this.db)) {
      // ctid: the rows found through the time index, no second lookup by id.
      const result = await this.db.raw(
        `DELETE FROM ${CALLS_TABLE} WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM ${CALLS_TABLE} WHERE occurred_at < ? LIMIT ?))`,
        [cutoff, this.batchSize],
      );
      return result.rowCount ?? 0;
    }
    return this.db(CALLS_TABLE)
      .whereIn(
        'id',
        this.db(CALLS_TABLE)
          .select('id')
          .where('occurred_at', '<', cutoff)
          .limit(this.batchSize),
      )
      .delete();
  }
}

/** How far back raw calls reach: 0 when retention never deleted any. */
export async function rawCallsSince(db: Knex): Promise<number> {
  const state = await db(ROLLUP_STATE_TABLE)
    .where('id', STATE_ID)
    .first('raw_calls_since');
  return Number(state?.raw_calls_since ?? 0);
}
