import type { Knex } from 'knex';
import { toBigInt } from '../lib/money';
import {
  addCounters,
  countersFromRow,
  emptyCounters,
} from '../lib/usageCounters';
import {
  DAILY_TABLE,
  DAY_MS,
  HOURLY_TABLE,
  PROJECT_DAYS_TABLE,
} from '../database/tables';
import { type TimeSpan, clipSpans } from '../time/spans';
import { LatencyBins } from './LatencySketch';
import {
  COARSE_DIMENSIONS,
  COLLAPSED,
  DETAIL_DIMENSIONS,
  PROJECT_DAY_COLUMNS,
  PROJECT_DAY_DIMENSIONS,
} from './levels';
import { insertRows, sumDetailRows } from './rollupSql';

/**
 * A project, model or project-day rollup row built in JavaScript from summed
 * detail rows. Its sketch is kept as bins: such a row sums many calls.
 */
class RollupRow {
  private readonly counters = emptyCounters();
  private costNanos = 0n;
  private pricedCostNanos = 0n;
  private readonly bins = new LatencyBins();

  /** `key`: the values of the row's table's columns before its sums. */
  private constructor(private readonly key: string[]) {}

  /** An empty row of `level` for the dimensions of a detail sums row. */
  static of(sums: any, level: 'project' | 'model'): RollupRow {
    const kept: string[] = COARSE_DIMENSIONS[level];
    return new RollupRow([
      level,
      ...DETAIL_DIMENSIONS.map(column =>
        kept.includes(column) ? sums[column] : COLLAPSED,
      ),
    ]);
  }

  /** An empty project-day row for the project and currency of a sums row. */
  static projectDayOf(sums: any): RollupRow {
    return new RollupRow(PROJECT_DAY_DIMENSIONS.map(column => sums[column]));
  }

  /** Adds a row of detail sums (see {@link sumDetailRows}). */
  add(sums: any): this {
    addCounters(this.counters, countersFromRow(sums));
    this.costNanos += toBigInt(sums.cost_nanos);
    this.pricedCostNanos += toBigInt(sums.priced_cost_nanos);
    this.bins.addEncoded(sums.latency_sketch);
    return this;
  }

  merge(other: RollupRow) {
    addCounters(this.counters, other.counters);
    this.costNanos += other.costNanos;
    this.pricedCostNanos += other.pricedCostNanos;
    this.bins.addBins(other.bins);
  }

  /**
   * The row's values: the time, then its table's columns (`ROLLUP_COLUMNS`
   * or `PROJECT_DAY_COLUMNS`).
   */
  values(time: number): unknown[] {
    const c = this.counters;
    return [
      time,
      ...this.key,
      c.calls,
      c.successCalls,
      c.failedCalls,
      c.processingCalls,
      c.inputTokens,
      c.outputTokens,
      c.cachedTokens,
      this.costNanos.toString(),
      this.pricedCostNanos.toString(),
      c.latencyCount,
      c.latencySumMs,
      c.ttftCount,
      c.ttftSumMs,
      this.bins.encode(),
      c.lastCallAt,
    ];
  }
}

/**
 * Writes the model rows of the re-rolled hours of one day and the project,
 * model and project-day rows of the day, from the detail rows written before them.
 * Returns the number of calls in those hours.
 */
export async function writeCoarseLevels(
  tx: Knex.Transaction,
  dayStart: number,
  rerolledHours: TimeSpan[],
): Promise<number> {
  const dayEnd = dayStart + DAY_MS;
  let calls = 0;
  const hourModels = await sumDetailRows(tx, {
    table: HOURLY_TABLE,
    timeColumn: 'hour_start',
    spans: clipSpans(rerolledHours, dayStart, dayEnd),
    level: 'model',
  });
  const hourRows = hourModels.map(sums => {
    calls += Number(sums.call_count);
    return RollupRow.of(sums, 'model')
      .add(sums)
      .values(Number(sums.time_start));
  });
  await insertRows(tx, HOURLY_TABLE, 'hour_start', hourRows);

  const dayProjects = await sumDetailRows(tx, {
    table: DAILY_TABLE,
    timeColumn: 'day_start',
    spans: [[dayStart, dayEnd]],
    level: 'project',
  });
  const dayModels = new Map<string, RollupRow>();
  const projectDays = new Map<string, RollupRow>();
  const dayRows: unknown[][] = [];
  for (const sums of dayProjects) {
    const project = RollupRow.of(sums, 'project').add(sums);
    dayRows.push(project.values(dayStart));
    mergeInto(dayModels, COARSE_DIMENSIONS.model, sums, project, () =>
      RollupRow.of(sums, 'model'),
    );
    mergeInto(projectDays, PROJECT_DAY_DIMENSIONS, sums, project, () =>
      RollupRow.projectDayOf(sums),
    );
  }
  for (const model of dayModels.values()) dayRows.push(model.values(dayStart));
  await insertRows(tx, DAILY_TABLE, 'day_start', dayRows);
  await insertRows(
    tx,
    PROJECT_DAYS_TABLE,
    'day_start',
    [...projectDays.values()].map(row => row.values(dayStart)),
    PROJECT_DAY_COLUMNS,
  );
  return calls;
}

/** Merges `row` into the row of `rows` with its values of `dimensions`. */
function mergeInto(
  rows: Map<string, RollupRow>,
  dimensions: string[],
  sums: any,
  row: RollupRow,
  create: () => RollupRow,
) {
  const id = dimensions.map(column => sums[column]).join('\u0000');
  let into = rows.get(id);
  if (!into) {
    into = create();
    rows.set(id, into);
  }
  into.merge(row);
}
