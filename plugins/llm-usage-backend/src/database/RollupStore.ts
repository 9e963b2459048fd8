import type { Knex } from 'knex';
import { toBigInt } from '../lib/money';
import { UsageAccumulator, countersFromRow } from '../usage/UsageAccumulator';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  DAY_MS,
  DIRTY_HOURS_TABLE,
  HOURLY_TABLE,
  ROLLUP_STATE_TABLE,
  WRITE_CHUNK_ROWS,
  chunk,
  dayStartOf,
  hourStartOf,
} from './tables';
import { hourSpans } from '../usage/segments';

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

/** The levels of detail each rollup is kept at; see the migration. */
export type RollupLevel = 'detail' | 'project' | 'model';

/** Stands for "all values" in a dimension a level collapses. */
export const COLLAPSED = '*';

/** The dimensions of a rollup row. */
interface RollupKey {
  level: RollupLevel;
  user_ref: string;
  project_id: string;
  api_key_id: string;
  provider: string;
  model: string;
  currency: string;
}

const KEY_COLUMNS: Array<keyof RollupKey> = [
  'level',
  'user_ref',
  'project_id',
  'api_key_id',
  'provider',
  'model',
  'currency',
];

/** The keys one call (or detail row) contributes to, one per level. */
function keysOf(row: Omit<RollupKey, 'level'>): RollupKey[] {
  const { provider, model, currency } = row;
  return [
    {
      level: 'detail',
      user_ref: row.user_ref,
      project_id: row.project_id,
      api_key_id: row.api_key_id,
      provider,
      model,
      currency,
    },
    {
      level: 'project',
      user_ref: COLLAPSED,
      project_id: row.project_id,
      api_key_id: COLLAPSED,
      provider,
      model,
      currency,
    },
    {
      level: 'model',
      user_ref: COLLAPSED,
      project_id: COLLAPSED,
      api_key_id: COLLAPSED,
      provider,
      model,
      currency,
    },
  ];
}

/** Accumulators by rollup key. */
class RollupGroups {
  readonly groups = new Map<
    string,
    { key: RollupKey; usage: UsageAccumulator }
  >();

  get(key: RollupKey): UsageAccumulator {
    const id = KEY_COLUMNS.map(column => key[column]).join('\u0000');
    let group = this.groups.get(id);
    if (!group) {
      group = { key, usage: new UsageAccumulator() };
      this.groups.set(id, group);
    }
    return group.usage;
  }

  merge(other: RollupGroups) {
    for (const { key, usage } of other.groups.values()) {
      this.get(key).merge(usage);
    }
  }

  /** Total calls, counted once (at the detail level). */
  callCount(): number {
    let calls = 0;
    for (const { key, usage } of this.groups.values()) {
      if (key.level === 'detail') calls += usage.counters.calls;
    }
    return calls;
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
 * time, each day in one transaction together with its daily rows, so a
 * reader never sees an hourly rollup that its daily rollup does not reflect.
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
   * Returns the number of calls rolled.
   */
  async rollDay(dayStart: number, hours: DirtyHour[]): Promise<number> {
    const hourStarts = hours.map(h => h.hourStart);
    return this.db.transaction(async tx => {
      const byHour = await rollupCalls(tx, hourStarts);
      const dayGroups = new RollupGroups();
      const rows = [];
      for (const [hourStart, groups] of byHour) {
        rows.push(...groups.toRows('hour_start', hourStart));
        dayGroups.merge(groups);
      }
      for (const part of chunk(hourStarts, WRITE_CHUNK_ROWS)) {
        await tx(HOURLY_TABLE).whereIn('hour_start', part).delete();
      }
      for (const part of chunk(rows, WRITE_CHUNK_ROWS)) {
        await tx(HOURLY_TABLE).insert(part);
      }

      // The day's other hours are already rolled: take them as they are.
      if (hourStarts.length < 24) {
        const others = await tx(HOURLY_TABLE)
          .select('*')
          .where('hour_start', '>=', dayStart)
          .andWhere('hour_start', '<', dayStart + DAY_MS)
          .whereNotIn('hour_start', hourStarts);
        for (const row of others) {
          addRollupRow(dayGroups.get(keyOf(row)), row);
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
      return dayGroups.callCount();
    });
  }

  async setRolledUntil(rolledUntil: number) {
    await this.db(ROLLUP_STATE_TABLE)
      .insert({
        id: STATE_ID,
        rolled_until: rolledUntil,
        updated_at: Date.now(),
      })
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

/** Reads the calls of the given hours once and groups them per hour and key. */
async function rollupCalls(
  tx: Knex,
  hourStarts: number[],
): Promise<Map<number, RollupGroups>> {
  const byHour = new Map<number, RollupGroups>(
    hourStarts.map(hour => [hour, new RollupGroups()]),
  );
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
    .where(inner => {
      for (const [start, end] of hourSpans(hourStarts)) {
        inner.orWhere(span =>
          span
            .where('occurred_at', '>=', start)
            .andWhere('occurred_at', '<', end),
        );
      }
    });
  for (const call of calls) {
    const groups = byHour.get(hourStartOf(Number(call.occurred_at)))!;
    for (const key of keysOf(call)) {
      addCall(groups.get(key), call);
    }
  }
  return byHour;
}

function keyOf(row: any): RollupKey {
  return Object.fromEntries(
    KEY_COLUMNS.map(column => [column, row[column]]),
  ) as unknown as RollupKey;
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
