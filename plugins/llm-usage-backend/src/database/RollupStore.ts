import type { Knex } from 'knex';
import { toBigInt } from '../lib/money';
import {
  UsageAccumulator,
  countersFromRow,
} from '../usage/UsageAccumulator';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  DAY_MS,
  DIRTY_HOURS_TABLE,
  HOURLY_TABLE,
  HOUR_MS,
  ROLLUP_STATE_TABLE,
  WRITE_CHUNK_ROWS,
  chunk,
  dayStartOf,
} from './tables';

const STATE_ID = 'calls';

/** What readers need to know to trust the rollups. */
export interface RollupState {
  /** Every hour before this (epoch ms) was rolled, except the dirty ones. */
  rolledUntil: number;
  dirtyHours: Set<number>;
}

export interface DirtyHour {
  hourStart: number;
  token: string;
}

/** The dimensions of a rollup row. */
interface RollupKey {
  user_ref: string;
  project_id: string;
  api_key_id: string;
  provider: string;
  model: string;
  currency: string;
}

const KEY_COLUMNS: Array<keyof RollupKey> = [
  'user_ref',
  'project_id',
  'api_key_id',
  'provider',
  'model',
  'currency',
];

/** Groups accumulators by rollup key. */
class RollupGroups {
  readonly groups = new Map<string, { key: RollupKey; usage: UsageAccumulator }>();

  get(key: RollupKey): UsageAccumulator {
    const id = KEY_COLUMNS.map(column => key[column]).join('\u0000');
    let group = this.groups.get(id);
    if (!group) {
      const clean = Object.fromEntries(
        KEY_COLUMNS.map(column => [column, key[column]]),
      ) as unknown as RollupKey;
      group = { key: clean, usage: new UsageAccumulator() };
      this.groups.set(id, group);
    }
    return group.usage;
  }

  merge(other: RollupGroups) {
    for (const { key, usage } of other.groups.values()) {
      this.get(key).merge(usage);
    }
  }

  toRows(timeColumn: string, time: number) {
    return [...this.groups.values()].map(({ key, usage }) => {
      const c = usage.counters;
      return {
        [timeColumn]: time,
        ...key,
        call_count: c.calls,
        success_count: c.successCalls,
        failed_count: c.failedCalls,
        processing_count: c.processingCalls,
        input_tokens: c.inputTokens,
        output_tokens: c.outputTokens,
        cached_tokens: c.cachedTokens,
        cost_nanos: usage.costs.nanos(key.currency).toString(),
        latency_count: c.latencyCount,
        latency_sum_ms: c.latencySumMs,
        ttft_count: c.ttftCount,
        ttft_sum_ms: c.ttftSumMs,
        latency_sketch: usage.sketch.encode(),
        last_call_at: c.lastCallAt,
      };
    });
  }
}

/**
 * Maintains the hourly and daily rollups. Hours are rolled a UTC day at a
 * time, each day in one transaction together with its daily row, so a reader
 * never sees an hourly rollup that its daily rollup does not yet reflect.
 */
export class RollupStore {
  constructor(private readonly db: Knex) {}

  async getState(): Promise<RollupState> {
    const [state, dirty] = await Promise.all([
      this.db(ROLLUP_STATE_TABLE).where('id', STATE_ID).first(),
      this.db(DIRTY_HOURS_TABLE).select('hour_start'),
    ]);
    return {
      rolledUntil: state ? Number(state.rolled_until) : 0,
      dirtyHours: new Set(dirty.map(row => Number(row.hour_start))),
    };
  }

  /** Dirty hours that have closed, oldest first. */
  async closedDirtyHours(before: number): Promise<DirtyHour[]> {
    const rows = await this.db(DIRTY_HOURS_TABLE)
      .select('hour_start', 'token')
      .where('hour_start', '<', before)
      .orderBy('hour_start');
    return rows.map(row => ({
      hourStart: Number(row.hour_start),
      token: row.token,
    }));
  }

  /**
   * Re-rolls the given hours of one UTC day and that day's daily rows, then
   * clears the dirty marks that were not renewed meanwhile. Idempotent.
   */
  async rollDay(dayStart: number, hours: DirtyHour[]): Promise<number> {
    return this.db.transaction(async tx => {
      const dayGroups = new RollupGroups();
      const rolled = new Set(hours.map(h => h.hourStart));
      let callCount = 0;

      for (const { hourStart } of hours) {
        const hourGroups = await rollupCalls(tx, hourStart);
        await tx(HOURLY_TABLE).where('hour_start', hourStart).delete();
        const rows = hourGroups.toRows('hour_start', hourStart);
        for (const part of chunk(rows, WRITE_CHUNK_ROWS)) {
          await tx(HOURLY_TABLE).insert(part);
        }
        for (const row of rows) callCount += row.call_count;
        dayGroups.merge(hourGroups);
      }

      // The day's other hours are already rolled: take them as they are.
      const others = await tx(HOURLY_TABLE)
        .select('*')
        .where('hour_start', '>=', dayStart)
        .andWhere('hour_start', '<', dayStart + DAY_MS);
      for (const row of others) {
        if (!rolled.has(Number(row.hour_start))) {
          addRollupRow(dayGroups.get(row), row);
        }
      }

      await tx(DAILY_TABLE).where('day_start', dayStart).delete();
      for (const part of chunk(
        dayGroups.toRows('day_start', dayStart),
        WRITE_CHUNK_ROWS,
      )) {
        await tx(DAILY_TABLE).insert(part);
      }

      for (const { hourStart, token } of hours) {
        await tx(DIRTY_HOURS_TABLE)
          .where({ hour_start: hourStart, token })
          .delete();
      }
      return callCount;
    });
  }

  async setRolledUntil(rolledUntil: number) {
    await this.db(ROLLUP_STATE_TABLE)
      .insert({ id: STATE_ID, rolled_until: rolledUntil, updated_at: Date.now() })
      .onConflict('id')
      .merge(['rolled_until', 'updated_at']);
  }
}

/** Groups dirty hours by the UTC day they belong to, oldest day first. */
export function groupByDay(hours: DirtyHour[]): Map<number, DirtyHour[]> {
  const days = new Map<number, DirtyHour[]>();
  for (const hour of hours) {
    const day = dayStartOf(hour.hourStart);
    days.set(day, [...(days.get(day) ?? []), hour]);
  }
  return days;
}

async function rollupCalls(tx: Knex, hourStart: number): Promise<RollupGroups> {
  const groups = new RollupGroups();
  const calls = await tx(CALLS_TABLE)
    .select(
      'occurred_at',
      'user_ref',
      'project_id',
      'api_key_id',
      'provider',
      'model',
      'currency',
      'status',
      'duration_ms',
      'ttft_ms',
      'input_tokens',
      'output_tokens',
      'cached_tokens',
      'cost_nanos',
    )
    .where('occurred_at', '>=', hourStart)
    .andWhere('occurred_at', '<', hourStart + HOUR_MS);
  for (const call of calls) {
    const usage = groups.get(call);
    addCall(usage, call);
  }
  return groups;
}

/** Adds one raw call row (snake_case columns) to an accumulator. */
export function addCall(usage: UsageAccumulator, call: any) {
  const c = usage.counters;
  c.calls += 1;
  if (call.status === 'success') c.successCalls += 1;
  else if (call.status === 'failed') c.failedCalls += 1;
  else c.processingCalls += 1;
  c.inputTokens += Number(call.input_tokens);
  c.outputTokens += Number(call.output_tokens);
  c.cachedTokens += Number(call.cached_tokens);
  // A processing call's duration is not final yet; it is counted on completion.
  if (call.duration_ms !== null && call.status !== 'processing') {
    const duration = Number(call.duration_ms);
    c.latencyCount += 1;
    c.latencySumMs += duration;
    usage.sketch.add(duration);
  }
  if (call.ttft_ms !== null && call.status !== 'processing') {
    c.ttftCount += 1;
    c.ttftSumMs += Number(call.ttft_ms);
  }
  c.lastCallAt = Math.max(c.lastCallAt, Number(call.occurred_at));
  usage.addCost(call.currency, toBigInt(call.cost_nanos));
}

/** Adds one rollup row (hourly or daily) to an accumulator. */
export function addRollupRow(usage: UsageAccumulator, row: any) {
  usage.addCounters(countersFromRow(row));
  usage.addCost(row.currency, toBigInt(row.cost_nanos));
  usage.sketch.mergeEncoded(row.latency_sketch);
}
