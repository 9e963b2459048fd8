import type { Knex } from 'knex';
import { DATABASE_ERROR_CODES, errorCodeOf } from '../lib/databaseErrors';
import { monthStartOf } from '../time/months';
import { isPostgres } from './bulkInsert';
import { CALLS_TABLE } from './tables';

/*
 * On PostgreSQL the raw calls are partitioned by UTC month (migration
 * 20261205220000), so that retention drops a month as a table instead of
 * deleting its rows. SQLite keeps one table.
 */

/** Calls of months with no partition of their own: see {@link CallPartitions}. */
export const DEFAULT_CALL_PARTITION = `${CALLS_TABLE}_default`;

/**
 * Months this far back or ahead of the current one get a partition. Calls
 * further away (a mistaken timestamp, a very old backfill) go to the default
 * partition, so that no client can make the database create tables without
 * bound.
 */
const MONTHS_BACK = 36;
const MONTHS_AHEAD = 1;

/** How long creating a partition may wait for its locks before it is left for a later batch. */
const LOCK_TIMEOUT = '2s';

/** A month's partition, e.g. `llm_usage_calls_y2026m12`. */
export function callPartitionName(monthStart: number): string {
  const date = new Date(monthStart);
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  return `${CALLS_TABLE}_y${date.getUTCFullYear()}m${month}`;
}

const PARTITION_NAME = new RegExp(`^${CALLS_TABLE}_y(\\d{4})m(\\d{2})$`);

export interface CallPartition {
  name: string;
  /** The month's start and the next month's (epoch ms); none for the default partition. */
  span?: { from: number; to: number };
}

/**
 * Creates the month partitions that calls about to be written need, once per
 * month and store. A partition is made as a plain table and attached, which
 * locks the calls table only against other partition changes, never against
 * reads and writes. Where that cannot happen (another replica creating the
 * same month, a lock not granted in time) the calls go to the default
 * partition and a later batch tries again. Once the default partition holds
 * calls of a month, that month stays there: attaching it would have to move
 * them first.
 */
export class CallPartitions {
  private readonly settled = new Set<number>();

  constructor(private readonly db: Knex) {}

  /** Makes sure the months of `times`, this one and the next have their partitions where they may. */
  async prepare(times: Iterable<number>, now = Date.now()): Promise<void> {
    if (!isPostgres(this.db)) return;
    const months = new Set([monthStartOf(now), monthStartOf(now, 1)]);
    for (const time of times) months.add(monthStartOf(time));
    const earliest = monthStartOf(now, -MONTHS_BACK);
    const latest = monthStartOf(now, MONTHS_AHEAD);
    for (const month of [...months].sort((a, b) => a - b)) {
      if (this.settled.has(month) || month < earliest || month > latest) {
        continue;
      }
      if (await this.create(month)) this.settled.add(month);
    }
  }

  /** Whether the month has its partition, or never will. */
  private async create(month: number): Promise<boolean> {
    const name = callPartitionName(month);
    try {
      await this.db.transaction(async tx => {
        await tx.raw(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
        const found = await tx.raw('SELECT to_regclass(?) AS found', [name]);
        if (found.rows[0].found) return;
        await tx.raw(
          `CREATE TABLE ?? (LIKE ?? INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
          [name, CALLS_TABLE],
        );
        await tx.raw(
          `ALTER TABLE ?? ATTACH PARTITION ?? FOR VALUES FROM (${month}) TO (${monthStartOf(
            month,
            1,
          )})`,
          [CALLS_TABLE, name],
        );
      });
      return true;
    } catch (error) {
      // Settled only when the default partition holds calls of the month
      // already; anything else (a lock not granted, another replica making
      // the same month) is tried again by a later batch.
      return errorCodeOf(error) === DATABASE_ERROR_CODES.checkViolation;
    }
  }

  /** The calls table's partitions, oldest month first, the default one last. */
  async list(): Promise<CallPartition[]> {
    if (!isPostgres(this.db)) return [];
    const result = await this.db.raw(
      `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = to_regclass(?)`,
      [CALLS_TABLE],
    );
    const partitions: CallPartition[] = result.rows.map(
      ({ name }: { name: string }) => {
        const match = PARTITION_NAME.exec(name);
        if (!match) return { name };
        const from = Date.UTC(Number(match[1]), Number(match[2]) - 1, 1);
        return { name, span: { from, to: monthStartOf(from, 1) } };
      },
    );
    return partitions.sort(
      (a, b) =>
        (a.span?.from ?? Infinity) - (b.span?.from ?? Infinity) ||
        a.name.localeCompare(b.name),
    );
  }
}
