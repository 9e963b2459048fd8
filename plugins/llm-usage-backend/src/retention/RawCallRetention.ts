import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { isPostgres } from '../database/bulkInsert';
import { type CallPartition, CallPartitions } from '../database/callPartitions';
import { callsInRange } from '../database/timeRanges';
import { rawDetailDaysOf } from '../rollup/rawDetailDays';
import {
  CALLS_TABLE,
  DAY_MS,
  DIRTY_HOURS_TABLE,
  ROLLUP_STATE_ID,
  ROLLUP_STATE_TABLE,
  dayStartOf,
} from '../database/tables';

/** Calls deleted per statement: short transactions, no long lock. */
export const RETENTION_BATCH = 5_000;

export interface RetentionResult {
  /** Raw calls deleted by this run. */
  deleted: number;
  /** Raw calls before this (epoch ms) are gone; 0 when none ever were. */
  rawCallsSince: number;
}

/**
 * Deletes raw calls older than `llmUsage.retention.rawCallsDays`. On
 * PostgreSQL a month wholly before the cutoff goes as a table (the calls are
 * partitioned by month); the rest, and every call on SQLite, go in batches
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
        .where('id', ROLLUP_STATE_ID)
        .first(
          'rolled_until',
          'raw_calls_since',
          'raw_detail_from',
          'raw_detail_until',
        ),
      this.db(DIRTY_HOURS_TABLE).min({ hour: 'hour_start' }).first(),
    ]);
    const recorded = Number(state?.raw_calls_since ?? 0);
    let cutoff = dayStartOf(now - this.rawCallsDays * DAY_MS);
    cutoff = Math.min(cutoff, dayStartOf(Number(state?.rolled_until ?? 0)));
    if (oldestDirty?.hour !== null && oldestDirty?.hour !== undefined) {
      cutoff = Math.min(cutoff, dayStartOf(Number(oldestDirty.hour)));
    }
    // Days whose detail rows are gone keep their raw calls until the rollup
    // writes those rows back.
    const rawDetail = rawDetailDaysOf(state);
    if (rawDetail) cutoff = Math.min(cutoff, rawDetail[0]);
    if (cutoff <= recorded) {
      // Nothing new to drop; calls stored late before the cutoff still go.
      cutoff = recorded;
    } else {
      await this.db(ROLLUP_STATE_TABLE)
        .where('id', ROLLUP_STATE_ID)
        .update({ raw_calls_since: cutoff });
    }
    if (cutoff <= 0) return { deleted: 0, rawCallsSince: recorded };

    let deleted = 0;
    for (const table of await this.tablesBefore(cutoff)) {
      const dropped = await this.dropWholeMonth(table, cutoff);
      if (dropped !== undefined) {
        deleted += dropped;
        continue;
      }
      for (;;) {
        const batch = await this.deleteBatch(table.name, cutoff);
        deleted += batch;
        if (batch < this.batchSize) break;
      }
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

  /**
   * Where calls before the cutoff may be: on PostgreSQL each month partition
   * that starts before it and the default partition; on SQLite the table.
   */
  private async tablesBefore(cutoff: number): Promise<CallPartition[]> {
    if (!isPostgres(this.db)) return [{ name: CALLS_TABLE }];
    const partitions = await new CallPartitions(this.db).list();
    return partitions.filter(p => !p.span || p.span.from < cutoff);
  }

  /**
   * Drops a month partition wholly before the cutoff: no row is deleted one
   * by one. Returns the calls it held; undefined when it was not dropped (a
   * partial month, or its lock not granted in time), and the batches delete
   * its calls instead.
   */
  private async dropWholeMonth(
    partition: CallPartition,
    cutoff: number,
  ): Promise<number | undefined> {
    if (!partition.span || partition.span.to > cutoff) return undefined;
    try {
      return await this.db.transaction(async tx => {
        await tx.raw(`SET LOCAL lock_timeout = '5s'`);
        const [{ count }] = await tx(partition.name).count({ count: '*' });
        await tx.raw('DROP TABLE ??', [partition.name]);
        return Number(count);
      });
    } catch (error) {
      this.logger?.warn(
        `Could not drop ${partition.name}; deleting its calls in batches instead: ${error}`,
      );
      return undefined;
    }
  }

  private async deleteBatch(table: string, cutoff: number): Promise<number> {
    const before = this.db(table)
      .where(callsInRange(-Infinity, cutoff))
      .limit(this.batchSize);
    if (isPostgres(this.db)) {
      // ctid: the rows found through the hour index, no second lookup by id.
      // A ctid is unique within one partition, hence one table at a time.
      const result = await this.db.raw(
        'DELETE FROM ?? WHERE ctid = ANY(ARRAY(?))',
        [table, before.select('ctid')],
      );
      return result.rowCount ?? 0;
    }
    return this.db(table).whereIn('id', before.select('id')).delete();
  }
}

/** How far back raw calls reach: 0 when retention never deleted any. */
export async function rawCallsSince(db: Knex): Promise<number> {
  const state = await db(ROLLUP_STATE_TABLE)
    .where('id', ROLLUP_STATE_ID)
    .first('raw_calls_since');
  return Number(state?.raw_calls_since ?? 0);
}
