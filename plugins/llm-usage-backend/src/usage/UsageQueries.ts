import type { Knex } from 'knex';
import { exactSumSql } from '../lib/exactSum';
import { toBigInt } from '../lib/money';
import { countersFromRow } from '../lib/usageCounters';
import { LEVEL_READ_FROM, type RollupLevel } from '../rollup/levels';
import type { RollupState, RollupStore } from '../rollup/RollupStore';
import {
  type TimeSpan,
  clipSpans,
  lowerBound,
  spansOutside,
} from '../time/spans';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  DAY_MS,
  HOURLY_TABLE,
  HOUR_MS,
  dayStartOf,
  PROJECT_DAYS_TABLE,
} from '../database/tables';
import {
  CALL_COUNTERS,
  COUNTER_COLUMNS,
  HAS_LATENCY,
  PRICED_COST_SQL,
} from '../database/callCounters';
import {
  type RangeWhere,
  callsInRangeExactly,
  columnRange,
  spansWhere,
} from '../database/timeRanges';
import type { VisibilityScope } from '../database/types';
import { type SourcePlan, planSources } from './queryPlanner';
import { HourVersions } from './HourVersions';
import { IdleWork } from './IdleWork';
import { RolledSumsCache } from './RolledSumsCache';
import { UsageAccumulator } from './UsageAccumulator';

/** A dimension usage can be grouped by. */
export type UsageDimension = 'project' | 'provider' | 'model' | 'user';

const DIMENSION_COLUMNS: Record<UsageDimension, string> = {
  project: 'project_id',
  user: 'user_ref',
  provider: 'provider',
  model: 'model',
};

export interface AggregateRequest {
  scope: VisibilityScope;
  from: number;
  to: number;
  projectId?: string;
  /** Only these projects. */
  projectIds?: string[];
  /** Only the calls of these users (read at the detail level, which keeps them). */
  userRefs?: string[];
  groupBy?: UsageDimension[];
  /** Sorted bucket starts (epoch ms); groups are split by the bucket they fall in. */
  buckets?: readonly number[];
  /** Also merge latency sketches, for percentiles. */
  withLatency?: boolean;
}

/** A request as read: with the days whose detail only raw calls keep. */
interface ReadRequest extends AggregateRequest {
  rawDetailDays?: TimeSpan;
}

export interface UsageGroup {
  dimensions: Partial<Record<UsageDimension, string>>;
  /** Index into `buckets`, or 0 when not bucketed. */
  bucket: number;
  usage: UsageAccumulator;
}

/**
 * How one table contributes to the additive counters: rollup tables store
 * them, raw calls derive them per row. With the same SQL shape for all three
 * sources, a range mixes them freely and sums stay exact.
 */
interface Source {
  table: string;
  /**
   * The stored level that answers reads at each level: rollups keep several
   * levels of detail, raw calls have one.
   */
  levels?: Record<RollupLevel, RollupLevel>;
  timeColumn: string;
  /** Its rows in a time range, as its indexes find them. */
  range: RangeWhere;
  /**
   * Rows of one hour each: reads name the hours instead of ranges, so the
   * table's key, (level, hour, project, …), finds a project's rows of each
   * hour directly.
   */
  listsHours?: boolean;
  /** Groups rows finely enough to be assigned to any bucket. */
  timeGroup: string;
  counters: Record<string, string>;
  /** The priced part of the cost. */
  pricedCost: string;
  lastCallAt: string;
  /** `encoded`: the selected column holds encoded sketches, not durations. */
  latency: { select: string; where: string; encoded: boolean };
}

/** Rollup rows store each counter in its own column. */
const ROLLUP_COUNTERS = Object.fromEntries(
  COUNTER_COLUMNS.map(column => [column, column]),
);

/** What every rollup table stores alike. */
const ROLLUP_SUMS = {
  counters: ROLLUP_COUNTERS,
  pricedCost: 'priced_cost_nanos',
  lastCallAt: 'last_call_at',
  latency: {
    select: 'latency_sketch',
    where: 'latency_count > 0',
    encoded: true,
  },
};

const DAILY_SOURCE: Source = {
  table: DAILY_TABLE,
  levels: LEVEL_READ_FROM.daily,
  timeColumn: 'day_start',
  range: columnRange('day_start'),
  timeGroup: 'day_start',
  ...ROLLUP_SUMS,
};

/**
 * One row per project, day and currency: what the daily project level holds
 * summed over providers and models, in a table of its own. It answers the
 * days of project-level reads that group by nothing finer than the project.
 */
const PROJECT_DAYS_SOURCE: Source = {
  ...DAILY_SOURCE,
  table: PROJECT_DAYS_TABLE,
  levels: undefined,
};

const SOURCES: Record<'daily' | 'hourly' | 'raw', Source> = {
  daily: DAILY_SOURCE,
  hourly: {
    table: HOURLY_TABLE,
    levels: LEVEL_READ_FROM.hourly,
    timeColumn: 'hour_start',
    range: columnRange('hour_start'),
    listsHours: true,
    timeGroup: 'hour_start',
    ...ROLLUP_SUMS,
  },
  raw: {
    table: CALLS_TABLE,
    timeColumn: 'occurred_at',
    range: callsInRangeExactly,
    // Minutes: every real time zone offset is a whole number of minutes.
    timeGroup: '(occurred_at - (occurred_at % 60000))',
    counters: CALL_COUNTERS,
    pricedCost: PRICED_COST_SQL,
    lastCallAt: 'occurred_at',
    latency: {
      select: 'duration_ms',
      where: HAS_LATENCY,
      encoded: false,
    },
  },
};

/**
 * Splits the rolled hours of a read by how long their sums stay valid.
 * Settled: hours of days already rolled whole that lie wholly in the range
 * (days a non-UTC zone's buckets cut, or with a late call's hour read raw):
 * they change only with their day, so they are kept with the whole days,
 * and their spans move only when the range's first or last day does.
 * Recent: the day being rolled and the range's partial first and last days,
 * whose spans move as "the last 30 days" (and the 30 before) move hour by
 * hour; they are kept in blocks of hours (see hourBlocks).
 */
function splitHours(
  request: AggregateRequest,
  plan: SourcePlan,
  state: RollupState,
): { settledHours: TimeSpan[]; recentHours: TimeSpan[] } {
  const firstWholeDay = dayStartOf(request.from + DAY_MS - 1);
  const wholeDaysEnd = Math.max(
    firstWholeDay,
    Math.min(dayStartOf(state.rolledUntil), dayStartOf(request.to)),
  );
  return {
    settledHours: clipSpans(plan.hourly, firstWholeDay, wholeDaysEnd),
    recentHours: [
      ...clipSpans(plan.hourly, -Infinity, firstWholeDay),
      ...clipSpans(plan.hourly, wholeDaysEnd, Infinity),
    ],
  };
}

/** Beyond this many hours a read names ranges: a long list costs more to plan. */
const MAX_LISTED_HOURS = 1000;

/** The start of every hour in hour-aligned spans. */
function hoursOf(spans: TimeSpan[]): number[] {
  const hours: number[] = [];
  for (const [start, end] of spans) {
    for (let hour = start; hour < end; hour += HOUR_MS) hours.push(hour);
  }
  return hours;
}

/**
 * The hours' cache's one generation: its keys name each hour's version, so
 * no rollup has to clear it.
 */
const KEYED_BY_VERSION = 0;

/**
 * The longest block of hours: blocks are aligned powers of two. A day's edge
 * is at most five blocks either way (24 hours are three of eight), and a
 * late call re-reads at most eight hours, one when it lands in the last
 * rolled hour.
 */
const MAX_BLOCK_HOURS = 8;

/** At most this many hours are read to put a day together from its blocks. */
const MAX_HOURS_READ_FOR_A_DAY = 4;

/**
 * Cuts hour-aligned spans into blocks of 1, 2, 4 or 8 hours, each
 * starting at a multiple of its length from its UTC day's start and lying in
 * one of the request's buckets. A range that moves by an hour keeps most of
 * its blocks, and the hours of a day's edge are at most five blocks.
 * The last rolled hour is a block of its own, and the blocks before it grow
 * longer the further back they lie: late calls mostly land in the last
 * hours, and then only those hours are read again.
 */
function hourBlocks(
  spans: TimeSpan[],
  state: RollupState,
  buckets?: readonly number[],
): TimeSpan[] {
  const lastHour = state.rolledUntil - HOUR_MS;
  const blocks: TimeSpan[] = [];
  for (const [start, end] of spans) {
    for (let at = start; at < end; ) {
      const dayStart = dayStartOf(at);
      let stop = Math.min(end, dayStart + DAY_MS);
      const nextBucket = buckets?.[lowerBound(buckets, at + 1)];
      if (nextBucket !== undefined) stop = Math.min(stop, nextBucket);
      if (at < lastHour) stop = Math.min(stop, lastHour);
      const hour = (at - dayStart) / HOUR_MS;
      let hours = MAX_BLOCK_HOURS;
      while (hours > 1 && (hour % hours !== 0 || at + hours * HOUR_MS > stop)) {
        hours /= 2;
      }
      blocks.push([at, at + hours * HOUR_MS]);
      at += hours * HOUR_MS;
    }
  }
  return blocks;
}

/** The two aligned blocks a block of more than one hour is made of. */
function halvesOf([start, end]: TimeSpan): TimeSpan[] {
  if (end - start <= HOUR_MS) return [];
  const middle = start + (end - start) / 2;
  return [
    [start, middle],
    [middle, end],
  ];
}

/** A rolled read and how its cached parts are keyed (see sumRolled). */
interface RolledRead {
  request: ReadRequest;
  state: RollupState;
  /** The read's key without its range. */
  readKey: string;
  /** A block of hours, under the newest version of its hours. */
  keyOf(block: TimeSpan): string;
  /** Settled days (by their key) summed with these hours, under their versions. */
  keyWithHours(settledKey: string, hours: TimeSpan[]): string;
}

/** Whether a read reaches the last day rolled, or is the period as long just before one. */
function reachesLastRolledDay(request: AggregateRequest, state: RollupState) {
  return 2 * request.to - request.from > state.rolledUntil - DAY_MS;
}

/**
 * Groups of one read by bucket and dimension values. Here a group's `bucket`
 * is its bucket's start, not its index: the start stays the same when the
 * range moves and gains or loses a bucket, so the sums of the hours and
 * days it keeps are still found in the cache ({@link withBucketIndexes}
 * turns starts into indexes for the caller).
 */
type GroupMap = Map<string, UsageGroup>;

function groupId(bucket: number, values: string[]): string {
  return `${bucket}\u0000${values.join('\u0000')}`;
}

/** The start of the request's bucket a time falls in; 0 when not bucketed. */
function bucketStartOf(request: AggregateRequest, time: number): number {
  const { buckets } = request;
  return buckets ? buckets[lowerBound(buckets, time + 1) - 1] : 0;
}

/** The groups as callers see them: by the index of their bucket. */
function withBucketIndexes(
  request: AggregateRequest,
  groups: GroupMap,
): UsageGroup[] {
  const { buckets } = request;
  if (!buckets) return [...groups.values()];
  return [...groups.values()].map(group => ({
    ...group,
    bucket: lowerBound(buckets, group.bucket + 1) - 1,
  }));
}

/** The starts of the buckets that times in these spans fall in. */
function bucketsTouching(
  buckets: readonly number[],
  spans: TimeSpan[],
): number[] {
  const touched = new Set<number>();
  for (const [start, end] of spans) {
    for (
      let i = Math.max(0, lowerBound(buckets, start + 1) - 1);
      i < buckets.length && buckets[i] < end;
      i++
    ) {
      touched.add(buckets[i]);
    }
  }
  return [...touched].sort((a, b) => a - b);
}

/**
 * The groups of all parts, summed. Parts may be cached and shared with
 * other reads: a group in more than one part is copied before it is added
 * to, once.
 */
function mergeParts(parts: GroupMap[]): GroupMap {
  const [first, ...rest] = parts.filter(part => part.size > 0);
  if (!first) return new Map();
  if (rest.length === 0) return first;
  const groups = new Map(first);
  const copied = new Set<string>();
  for (const part of rest) {
    for (const [id, group] of part) {
      const shared = groups.get(id);
      if (!shared) {
        groups.set(id, group);
      } else if (copied.has(id)) {
        shared.usage.merge(group.usage);
      } else {
        const usage = shared.usage.copy();
        usage.merge(group.usage);
        groups.set(id, { ...shared, usage });
        copied.add(id);
      }
    }
  }
  return groups;
}

/**
 * Cached sums are weighed in about kilobytes of heap: a group takes ~1 KB,
 * one with a latency sketch ~3.8 KB (measured), so the default cache holds
 * at most ~200 MB.
 */
const SKETCH_WEIGHT = 4;
const DEFAULT_CACHE_WEIGHT = 200_000;
/**
 * The part of the cache's weight that whole rolled days may take. A read
 * keeps one entry of days and about ten blocks of hours.
 */
const DAY_SHARE_OF_CACHE = 0.5;
/** The part of the hours' weight one read's blocks may take. */
const BLOCKS_SHARE = 0.5;
/** How many reads too heavy to keep in blocks are remembered. */
const MAX_TOO_HEAVY_READS = 1000;

function weighGroups(groups: GroupMap): number {
  let weight = 0;
  for (const group of groups.values()) {
    weight += group.usage.hasSketch() ? SKETCH_WEIGHT : 1;
  }
  return weight;
}

/**
 * Aggregates usage over any range by combining daily and hourly rollups for
 * closed, clean periods with raw calls for the rest.
 *
 * The rolled part of a read is cached (see {@link RolledSumsCache}): whole
 * days, and hours of days rolled whole, per days' generation, which only a
 * rollup that rewrites an already rolled day moves on, so the hourly rollup
 * leaves them cached; other hours in aligned blocks per newest version of
 * their hours, which only a rollup that rewrites an hour after it was rolled
 * moves on (see splitHours, hourBlocks and HourVersions).
 * The raw part (the open hour, range edges, hours with late calls) is read
 * every time, so results are always current.
 * Returned groups may be shared with other reads: treat them as read-only.
 */
export class UsageQueries {
  /** Sums of days rolled whole (daily rows and hours), per days' generation. */
  private readonly daySums?: RolledSumsCache<GroupMap>;
  /** Sums of blocks of other rolled hours, per their hours' versions. */
  private readonly hourSums?: RolledSumsCache<GroupMap>;
  private readonly hourVersions: HourVersions;
  private readonly inFlight = new Map<string, Promise<UsageGroup[]>>();
  private stateInFlight?: Promise<RollupState>;
  /** Above this weight a read's hours are kept as a whole only. */
  private readonly maxBlocksWeight: number = 0;
  /** Reads (without their range) whose blocks weighed more than that. */
  private readonly tooHeavyForBlocks = new Set<string>();

  private readonly runInBackground: (work: () => Promise<unknown>) => void;
  private readonly idleWork = new IdleWork();

  constructor(
    private readonly db: Knex,
    private readonly rollups: RollupStore,
    options: {
      cache?: boolean;
      cacheWeight?: number;
      /**
       * Runs reads that only fill the cache; by default once no read is in
       * progress, one at a time ({@link IdleWork}). Such a read that fails
       * leaves nothing cached, and the request that needs it reads again
       * and reports the error.
       */
      runInBackground?: (work: () => Promise<unknown>) => void;
    } = {},
  ) {
    this.runInBackground =
      options.runInBackground ?? (work => this.idleWork.add(work));
    this.hourVersions = new HourVersions(since =>
      rollups.rewrittenHoursSince(since),
    );
    if (options.cache !== false) {
      const budget = options.cacheWeight ?? DEFAULT_CACHE_WEIGHT;
      const cache = (maxWeight: number) =>
        new RolledSumsCache<GroupMap>({ maxWeight, weigh: weighGroups });
      // Days outlive many hourly rollups; hours change with each.
      this.daySums = cache(budget * DAY_SHARE_OF_CACHE);
      this.hourSums = cache(budget * (1 - DAY_SHARE_OF_CACHE));
      this.maxBlocksWeight = budget * (1 - DAY_SHARE_OF_CACHE) * BLOCKS_SHARE;
    }
  }

  /** Resolves once the reads handed to the background are done. */
  backgroundReadsDone(): Promise<void> {
    return this.idleWork.whenDone();
  }

  /**
   * The rollup state reads are planned against. A caller with other work to
   * do before its reads (authorizing the caller, listing budgets) may start
   * this alongside it and hand it to {@link aggregate}: one database round
   * trip less in sequence, and the state is still read during the request.
   * Requests that ask while a state read is in flight share it, as identical
   * reads share a computation: it is at most one state read older.
   */
  readRollupState(): Promise<RollupState> {
    // With the hours rewritten since the last state, read in the same round
    // trip: a late call does not add one in sequence (see HourVersions).
    this.stateInFlight ??= this.rollups
      .getState(
        this.hourSums ? { rewrittenSince: this.hourVersions.knownUpTo } : {},
      )
      .finally(() => {
        this.stateInFlight = undefined;
      });
    return this.stateInFlight;
  }

  /**
   * Identical reads that arrive while one is computed share its answer (a
   * dashboard opened by many people at once asks the same thing). It is at
   * most one computation older than a fresh one would be.
   */
  async aggregate(
    request: AggregateRequest,
    /** From {@link readRollupState}; read now when not given. */
    rollupState?: Promise<RollupState>,
  ): Promise<UsageGroup[]> {
    const key = JSON.stringify(request);
    const inFlight = this.inFlight.get(key);
    if (inFlight) return inFlight;
    const computed = this.idleWork.duringRead(() =>
      this.compute(request, rollupState ?? this.readRollupState()),
    );
    this.inFlight.set(key, computed);
    try {
      return await computed;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async compute(
    request: AggregateRequest,
    rollupState: Promise<RollupState>,
  ): Promise<UsageGroup[]> {
    const state = await rollupState;
    const plan = planSources(request.from, request.to, state, request.buckets);
    const { settledHours, recentHours } = splitHours(request, plan, state);
    const read: ReadRequest = {
      ...request,
      rawDetailDays: state.rawDetailDays,
    };
    const [rolled, raw] = await Promise.all([
      this.sumRolled(
        read,
        state,
        {
          daily: plan.daily,
          hourly: settledHours,
        },
        recentHours,
      ),
      this.sum(read, { raw: plan.raw }),
    ]);
    return withBucketIndexes(request, mergeParts([rolled, raw]));
  }

  /**
   * Sums of the rolled part of a read: the settled part (whole days and their
   * hours), kept per days' generation, and the recent hours, kept in aligned
   * blocks (see {@link hourBlocks}), each under the newest version of its
   * hours (see {@link HourVersions}): the hourly rollup adds the hour just
   * closed and "the last 30 days" moves by an hour, so the next read finds
   * its blocks cached or puts them together from cached blocks within them
   * and the hours that entered; a late call costs a read of its block. Both
   * parts summed are kept too, for the next identical read, and, in the
   * background, without the last rolled hour (the hour late calls land in)
   * and, at 23:00, without the first day's hours (what 00:00 builds on).
   */
  private async sumRolled(
    request: ReadRequest,
    state: RollupState,
    settledPart: Partial<SourcePlan>,
    recentHours: TimeSpan[],
  ): Promise<GroupMap> {
    const daysGeneration = state.daysGeneration ?? state.generation;
    const settledKey = rolledSumsKey(request, settledPart);
    const cache = this.hourSums;
    if (!cache || !this.daySums) {
      return mergeParts(
        await Promise.all([
          this.sum(request, settledPart),
          this.sum(request, { hourly: recentHours }),
        ]),
      );
    }
    await this.hourVersions.catchUp(state);
    const readKey = rolledSumsKey(request, {});
    const newestVersion = (spans: TimeSpan[]) =>
      // Versions only grow: any hour rewritten raises the newest.
      Math.max(
        ...hoursOf(spans).map(hour => this.hourVersions.versionOf(hour)),
      );
    // A block lies in one bucket, so that bucket is all it depends on.
    const keyOf = (block: TimeSpan) =>
      [
        readKey,
        block[0],
        block[1],
        bucketStartOf(request, block[0]),
        newestVersion([block]),
      ].join('\u0000');
    const keyWithHours = (daysKey: string, hours: TimeSpan[]) =>
      [
        daysGeneration,
        daysKey,
        rolledSumsKey(request, { hourly: hours }),
        newestVersion(hours),
      ].join('\u0000');
    const read: RolledRead = { request, state, readKey, keyOf, keyWithHours };
    const settled = () =>
      this.daySums!.get(daysGeneration, settledKey, () =>
        this.sumSettled(
          request,
          settledPart,
          daysGeneration,
          (kept, keptSums, day) =>
            this.sumWithEnteredDay(read, kept, keptSums, day),
        ),
      );
    // The recent hours read in one piece, beside the settled part.
    const settledAndHours = async () =>
      mergeParts(
        await Promise.all([
          settled(),
          this.sum(request, { hourly: recentHours }),
        ]),
      );
    if (recentHours.length === 0) {
      // Whole days: an hour on, the first of them is cut into blocks.
      this.readNextStepInBackground(read);
      return settled();
    }
    // The rolled part of these recent hours, under their versions.
    const rolledKey = (hours: TimeSpan[]) => keyWithHours(settledKey, hours);
    const daysAndBlocks = async (hours: TimeSpan[]) => {
      const spans = hourBlocks(hours, state, request.buckets);
      const [days, blocks] = await Promise.all([
        settled(),
        this.sumBlocks(request, spans, keyOf),
      ]);
      // Blocks that would push each other out of the cache are not kept
      // for this read again.
      const weight = blocks.reduce((sum, part) => sum + weighGroups(part), 0);
      if (weight > this.maxBlocksWeight) {
        if (this.tooHeavyForBlocks.size >= MAX_TOO_HEAVY_READS) {
          this.tooHeavyForBlocks.clear();
        }
        this.tooHeavyForBlocks.add(readKey);
      }
      return { days, blocks, spans };
    };
    return cache.get(KEYED_BY_VERSION, rolledKey(recentHours), async () => {
      if (this.tooHeavyForBlocks.has(readKey)) return settledAndHours();
      // Late calls mostly land in the last rolled hour (its own block, see
      // hourBlocks): the rest of the read is kept merged as well, so that
      // such a call costs a merge of two parts instead of every block's.
      const lastHour: TimeSpan = [
        state.rolledUntil - HOUR_MS,
        state.rolledUntil,
      ];
      const beforeLastHour = clipSpans(recentHours, -Infinity, lastHour[0]);
      const splitsLastHour =
        beforeLastHour.length > 0 &&
        recentHours.some(([, end]) => end === lastHour[1]);
      // Named before anything is read, by the versions this read reads.
      const beforeKey = splitsLastHour ? rolledKey(beforeLastHour) : undefined;
      if (beforeKey && cache.has(KEYED_BY_VERSION, beforeKey)) {
        const sums = await this.keptWithHour(
          read,
          beforeKey,
          async () => {
            const { days, blocks } = await daysAndBlocks(beforeLastHour);
            return mergeParts([days, ...blocks]);
          },
          lastHour,
        );
        this.readNextStepInBackground(read);
        return sums;
      }
      const parts = await daysAndBlocks(recentHours);
      this.readNextStepInBackground(read);
      this.keepSettledWithLastDayInBackground(read, settledKey, {
        ...parts,
        recentHours,
      });
      if (beforeKey && !this.tooHeavyForBlocks.has(readKey)) {
        this.keepMergedInBackground(beforeKey, parts, beforeLastHour);
      }
      return mergeParts([parts.days, ...parts.blocks]);
    });
  }

  /**
   * "The last 30 days" read now is read again an hour on: its partial first
   * day then starts an hour later and is cut into other blocks (all 23 hours
   * the step after midnight). For a range that reaches the last day rolled,
   * or the period as long just before one (an overview compares with it),
   * the blocks of that step not cached yet are read now, off the request's
   * path, under the keys that step will look for.
   */
  private readNextStepInBackground(read: RolledRead) {
    const { request, state, keyOf } = read;
    if (
      !reachesLastRolledDay(request, state) ||
      this.tooHeavyForBlocks.has(read.readKey)
    ) {
      return;
    }
    const from = request.from + HOUR_MS;
    const to = request.to + HOUR_MS;
    const { recentHours } = splitHours(
      { ...request, from, to },
      planSources(from, to, state, request.buckets),
      state,
    );
    // That step's last rolled hour is the hour after this one.
    const nextState = { ...state, rolledUntil: state.rolledUntil + HOUR_MS };
    const blocks = hourBlocks(recentHours, nextState, request.buckets).filter(
      block => !this.hourSums!.has(KEYED_BY_VERSION, keyOf(block)),
    );
    if (blocks.length > 0) {
      this.runInBackground(() => this.sumBlocks(request, blocks, keyOf));
    }
  }

  /**
   * At 23:00 "the last 30 days" holds its last day's first 23 hours; an hour
   * on that day is whole and joins the settled days. For a range that
   * reaches the last day rolled, the settled days with those hours are
   * merged now, off the request's path, so that step adds only the hour that
   * entered (see sumWithEnteredDay).
   */
  private keepSettledWithLastDayInBackground(
    read: RolledRead,
    settledKey: string,
    parts: {
      days: GroupMap;
      /** The sums of the recent hours' blocks, and those blocks. */
      blocks: GroupMap[];
      spans: TimeSpan[];
      recentHours: TimeSpan[];
    },
  ) {
    const end = Math.max(...parts.recentHours.map(([, to]) => to));
    const lastDay = dayStartOf(end - 1);
    const dayHours = clipSpans(parts.recentHours, lastDay, end);
    if (
      end !== lastDay + DAY_MS - HOUR_MS ||
      dayHours.length !== 1 ||
      dayHours[0][0] !== lastDay ||
      !reachesLastRolledDay(read.request, read.state) ||
      this.tooHeavyForBlocks.has(read.readKey)
    ) {
      return;
    }
    this.keepMergedInBackground(
      read.keyWithHours(settledKey, dayHours),
      parts,
      dayHours,
    );
  }

  /**
   * Keeps a read's settled days merged with its blocks that lie in `hours`,
   * off the request's path, under `key`. The key is named by the caller,
   * from the versions the read read, so a rollup meanwhile cannot put these
   * sums under newer versions.
   */
  private keepMergedInBackground(
    key: string,
    parts: { days: GroupMap; blocks: GroupMap[]; spans: TimeSpan[] },
    hours: TimeSpan[],
  ) {
    const kept = parts.blocks.filter((_sums, index) => {
      const [start, end] = parts.spans[index];
      return hours.some(([from, to]) => from <= start && end <= to);
    });
    this.runInBackground(() =>
      this.hourSums!.get(KEYED_BY_VERSION, key, async () =>
        mergeParts([parts.days, ...kept]),
      ),
    );
  }

  /**
   * A merged part kept under `key` (merged again only when evicted since it
   * was found), with the sums of one more hour.
   */
  private async keptWithHour(
    read: RolledRead,
    key: string,
    merge: () => Promise<GroupMap>,
    hour: TimeSpan,
  ): Promise<GroupMap> {
    const [kept, [hourSums]] = await Promise.all([
      this.hourSums!.get(KEYED_BY_VERSION, key, merge),
      this.sumBlocks(read.request, [hour], read.keyOf),
    ]);
    return mergeParts([kept, hourSums]);
  }

  /**
   * Sums of settled days not yet cached. When "the last 30 days" crosses
   * midnight it gains a whole day at one end: the days of the step before are
   * then cached, and only the day that entered is read. A day lost at the
   * other end cannot be taken out of a sum, so the days of that next step are
   * read in the background.
   */
  private async sumSettled(
    request: ReadRequest,
    part: Partial<SourcePlan>,
    daysGeneration: number,
    withEnteredDay: (
      kept: Partial<SourcePlan>,
      keptSums: () => Promise<GroupMap>,
      day: Partial<SourcePlan>,
    ) => Promise<GroupMap>,
  ): Promise<GroupMap> {
    const spans = spansOf(part);
    const start = dayStartOf(Math.min(...spans.map(([from]) => from)));
    const end = dayStartOf(Math.max(...spans.map(([, to]) => to)) - 1) + DAY_MS;
    // A single day has no step before it to build on.
    if (spans.length === 0 || end - start <= DAY_MS) {
      return this.sum(request, part);
    }
    // The part's own sources in its own order, so that the key of the days
    // of a step before is the one that step's read cached them under.
    const within = (from: number, to: number): Partial<SourcePlan> =>
      Object.fromEntries(
        Object.entries(part).map(([source, sourceSpans]) => [
          source,
          clipSpans(sourceSpans ?? [], from, to),
        ]),
      );
    const cached = (days: Partial<SourcePlan>) =>
      this.daySums!.get(daysGeneration, rolledSumsKey(request, days), () =>
        this.sum(request, days),
      );
    const steps = [
      {
        kept: within(start + DAY_MS, end),
        entered: within(start, start + DAY_MS),
        nextStep: within(start, end - DAY_MS),
      },
      {
        kept: within(start, end - DAY_MS),
        entered: within(end - DAY_MS, end),
        nextStep: within(start + DAY_MS, end),
      },
    ];
    for (const { kept, entered, nextStep } of steps) {
      if (this.daySums!.has(daysGeneration, rolledSumsKey(request, kept))) {
        const sums = await withEnteredDay(kept, () => cached(kept), entered);
        // Having gained a day at one end, the range loses one at the other
        // within the hour; those days are read now, off the request's path.
        this.runInBackground(() => cached(nextStep));
        return sums;
      }
    }
    return this.sum(request, part);
  }

  /**
   * Settled days kept from the step before, with a day that entered them.
   * When that step ended an hour before this day's end, the kept days with
   * the day's other hours were merged in the background then (see
   * keepSettledWithLastDayInBackground): only the day's last hour is added.
   */
  private async sumWithEnteredDay(
    read: RolledRead,
    kept: Partial<SourcePlan>,
    keptSums: () => Promise<GroupMap>,
    day: Partial<SourcePlan>,
  ): Promise<GroupMap> {
    const { request, state, keyOf } = read;
    const spans = spansOf(day);
    const dayStart = Math.min(...spans.map(([from]) => from));
    const dayEnd = Math.max(...spans.map(([, to]) => to));
    const covered = spans.reduce((sum, [from, to]) => sum + to - from, 0);
    if (covered === dayEnd - dayStart && covered > HOUR_MS) {
      const otherHours: TimeSpan[] = [[dayStart, dayEnd - HOUR_MS]];
      const withOtherHoursKey = read.keyWithHours(
        rolledSumsKey(request, kept),
        otherHours,
      );
      if (this.hourSums!.has(KEYED_BY_VERSION, withOtherHoursKey)) {
        return this.keptWithHour(
          read,
          withOtherHoursKey,
          async () =>
            mergeParts([
              await keptSums(),
              ...(await this.sumBlocks(
                request,
                hourBlocks(otherHours, state, request.buckets),
                keyOf,
              )),
            ]),
          [dayEnd - HOUR_MS, dayEnd],
        );
      }
    }
    return mergeParts(
      await Promise.all([keptSums(), this.sumEnteredDay(read, day)]),
    );
  }

  /**
   * The sums of a day that entered a range's settled days. Until this step
   * it was the range's partial last (or first) day, so most of its hours are
   * cached in blocks: those make it up when they leave few hours to read
   * (an hourly row per group and hour costs more than a day's row).
   * Otherwise the day is read.
   */
  private async sumEnteredDay(
    read: RolledRead,
    day: Partial<SourcePlan>,
  ): Promise<GroupMap> {
    const { request, state, readKey, keyOf } = read;
    const cache = this.hourSums!;
    const hoursToRead = (block: TimeSpan): number => {
      if (cache.has(KEYED_BY_VERSION, keyOf(block))) return 0;
      const halves = halvesOf(block);
      return halves.length === 0
        ? 1
        : hoursToRead(halves[0]) + hoursToRead(halves[1]);
    };
    const blocks = hourBlocks(
      [...(day.daily ?? []), ...(day.hourly ?? [])],
      state,
      request.buckets,
    );
    const missing = blocks.reduce((sum, block) => sum + hoursToRead(block), 0);
    if (
      blocks.length === 0 ||
      missing > MAX_HOURS_READ_FOR_A_DAY ||
      this.tooHeavyForBlocks.has(readKey)
    ) {
      return this.sum(request, day);
    }
    return mergeParts(await this.sumBlocks(request, blocks, keyOf));
  }

  /**
   * Each block's sums from the cache. A block not cached is put together from
   * the cached blocks within it and the rest of its hours; what every block
   * misses is read in one pass.
   */
  private async sumBlocks(
    request: ReadRequest,
    blocks: TimeSpan[],
    keyOf: (block: TimeSpan) => string,
  ): Promise<GroupMap[]> {
    const cache = this.hourSums!;
    const isCached = (block: TimeSpan) =>
      cache.has(KEYED_BY_VERSION, keyOf(block));
    const holdsCached = (block: TimeSpan): boolean =>
      isCached(block) || halvesOf(block).some(holdsCached);
    // A block read again while others are cached (a late call's, or one a
    // step of the range cuts) is read as its halves, which are kept too: the
    // next late call into it or step through it reads half as many hours.
    const readsAgain = blocks.some(holdsCached);
    const halvesToKeep: TimeSpan[] = [];
    const madeOf = (block: TimeSpan, cached: TimeSpan[], read: TimeSpan[]) => {
      const halves = halvesOf(block);
      if (isCached(block)) cached.push(block);
      else if (holdsCached(block)) {
        for (const half of halves) madeOf(half, cached, read);
      } else if (readsAgain && halves.length > 0) {
        read.push(...halves);
        halvesToKeep.push(...halves);
      } else read.push(block);
    };
    const parts = blocks.map(block => {
      const cached: TimeSpan[] = [];
      const read: TimeSpan[] = [];
      if (!isCached(block)) madeOf(block, cached, read);
      return { cached, read };
    });
    const toRead = parts.flatMap(part => part.read);
    const keepHalves = (spanSums: Map<number, GroupMap>) => {
      for (const half of halvesToKeep) {
        void cache.get(
          KEYED_BY_VERSION,
          keyOf(half),
          async () => spanSums.get(half[0])!,
        );
      }
    };
    let readSums: Promise<Map<number, GroupMap>> | undefined;
    const cachedOrRead = (block: TimeSpan) =>
      // Read alone when evicted since it was found.
      cache.get(KEYED_BY_VERSION, keyOf(block), () =>
        this.sum(request, { hourly: [block] }),
      );
    return Promise.all(
      blocks.map((block, index) =>
        cache.get(KEYED_BY_VERSION, keyOf(block), async () => {
          const { cached, read } = parts[index];
          if (read.length === 0 && cached.length === 0) {
            return this.sum(request, { hourly: [block] });
          }
          readSums ??= this.sumEachSpan(request, toRead).then(sums => {
            keepHalves(sums);
            return sums;
          });
          const spanSums = read.length > 0 ? await readSums : new Map();
          return mergeParts([
            ...(await Promise.all(cached.map(cachedOrRead))),
            ...read.map(([start]) => spanSums.get(start)!),
          ]);
        }),
      ),
    );
  }

  /** Sums of each of these rolled spans (sorted), read in one pass. */
  private async sumEachSpan(
    request: ReadRequest,
    spans: TimeSpan[],
  ): Promise<Map<number, GroupMap>> {
    const starts = spans.map(([start]) => start);
    // Each span its own bucket, then the groups moved to the request's own.
    const perSpan = await this.sum(
      { ...request, buckets: starts },
      { hourly: spans },
    );
    const sums = new Map(starts.map(start => [start, new Map() as GroupMap]));
    for (const group of perSpan.values()) {
      const start = group.bucket;
      const bucket = bucketStartOf(request, start);
      const values = (request.groupBy ?? []).map(d => group.dimensions[d]!);
      sums.get(start)!.set(groupId(bucket, values), { ...group, bucket });
    }
    return sums;
  }

  /** Sums the given sources' spans into groups. */
  private async sum(
    request: ReadRequest,
    plan: Partial<SourcePlan>,
  ): Promise<GroupMap> {
    const groups: GroupMap = new Map();
    const dimensions = request.groupBy ?? [];
    const groupOf = (row: any): UsageAccumulator => {
      const bucket = bucketStartOf(request, Number(row.t));
      const values = dimensions.map(d => String(row[DIMENSION_COLUMNS[d]]));
      const id = groupId(bucket, values);
      let group = groups.get(id);
      if (!group) {
        group = {
          dimensions: Object.fromEntries(
            dimensions.map((d, i) => [d, values[i]]),
          ),
          bucket,
          usage: new UsageAccumulator(),
        };
        groups.set(id, group);
      }
      return group.usage;
    };

    const work: Array<Promise<void>> = [];
    for (const part of scopeParts(request)) {
      for (const [source, spans] of sourcesOfPart(request, part, plan)) {
        work.push(
          this.countersQuery(source, spans, request, part).then(rows => {
            for (const row of rows) addCounterRow(groupOf(row), row);
          }),
        );
        if (request.withLatency) {
          work.push(
            this.latencyQuery(source, spans, request, part).then(rows => {
              for (const row of rows) {
                const usage = groupOf(row);
                if (source.latency.encoded)
                  usage.sketch.mergeEncoded(row.latency_sketch);
                else usage.sketch.add(Number(row.duration_ms));
              }
            }),
          );
        }
      }
    }
    await Promise.all(work);
    return groups;
  }

  private baseQuery(
    source: Source,
    spans: TimeSpan[],
    request: AggregateRequest,
    part: ScopePart,
  ) {
    const hours = source.listsHours ? hoursOf(spans) : [];
    const query =
      hours.length > 0 && hours.length <= MAX_LISTED_HOURS
        ? this.db(source.table).whereIn(source.timeColumn, hours)
        : this.db(source.table).where(spansWhere(source.range, spans));
    if (source.levels) {
      query.andWhere('level', source.levels[part.level]);
    }
    part.apply(query);
    if (!part.keepsOnlyRequestedProjects) {
      if (request.projectId !== undefined) {
        query.andWhere('project_id', request.projectId);
      }
      if (request.projectIds !== undefined) {
        query.whereIn('project_id', request.projectIds);
      }
    }
    if (request.userRefs !== undefined) {
      query.whereIn('user_ref', request.userRefs);
    }
    return query;
  }

  private groupColumns(request: AggregateRequest, timeGroup: string): string[] {
    const columns = (request.groupBy ?? []).map(d => DIMENSION_COLUMNS[d]);
    if (request.buckets) {
      columns.push(`${timeGroup} AS t`);
    }
    return columns;
  }

  private countersQuery(
    source: Source,
    spans: TimeSpan[],
    request: AggregateRequest,
    part: ScopePart,
  ) {
    const timeGroup = bucketStartSql(source, request.buckets);
    const groupColumns = this.groupColumns(request, timeGroup);
    const sums = Object.entries(source.counters).map(
      ([alias, expression]) => `SUM(${expression}) AS ${alias}`,
    );
    const groupBy = [
      ...(request.groupBy ?? []).map(d => DIMENSION_COLUMNS[d]),
      'currency',
      ...(request.buckets ? [timeGroup] : []),
    ];
    return this.baseQuery(source, spans, request, part)
      .select(
        this.db.raw(
          [
            ...groupColumns,
            'currency',
            ...sums,
            exactSumSql('cost_nanos', 'cost_nanos'),
            exactSumSql(source.pricedCost, 'priced_cost_nanos'),
            `MAX(${source.lastCallAt}) AS last_call_at`,
          ].join(', '),
        ),
      )
      .groupByRaw(groupBy.join(', '));
  }

  private latencyQuery(
    source: Source,
    spans: TimeSpan[],
    request: AggregateRequest,
    part: ScopePart,
  ) {
    return this.baseQuery(source, spans, request, part)
      .select(
        this.db.raw(
          [
            ...this.groupColumns(request, source.timeGroup),
            source.latency.select,
          ].join(', '),
        ),
      )
      .andWhereRaw(source.latency.where);
  }
}

/** Above this many buckets, grouping by the source's own time is as coarse. */
const MAX_BUCKETS_IN_SQL = 400;

/**
 * The bucket start of each row, so the database returns one row per bucket
 * instead of one per hour or day (e.g. Shanghai days over UTC hours). Buckets
 * are ascending and the first starts at or before the range, so a row lies in
 * the last bucket starting at or before its time. Falls back to the source's
 * time grouping, which any bucket can be computed from, for many buckets.
 */
function bucketStartSql(source: Source, buckets?: readonly number[]): string {
  if (
    !buckets ||
    buckets.length < 2 ||
    buckets.length > MAX_BUCKETS_IN_SQL ||
    !buckets.every(Number.isSafeInteger)
  ) {
    return source.timeGroup;
  }
  const cases = buckets
    .slice(1)
    .map((next, i) => `WHEN ${source.timeColumn} < ${next} THEN ${buckets[i]}`);
  return `(CASE ${cases.join(' ')} ELSE ${buckets[buckets.length - 1]} END)`;
}

/**
 * A disjoint slice of what the caller may see, with the coarsest rollup
 * level that can answer for it.
 */
interface ScopePart {
  level: RollupLevel;
  /** Its filter keeps only requested projects: the request's needs no repeat. */
  keepsOnlyRequestedProjects?: boolean;
  apply(query: Knex.QueryBuilder): void;
}

/**
 * Splits a visibility scope into disjoint parts, so owned projects are read
 * from the project level and only the caller's own calls elsewhere need the
 * detail level. Parts never overlap, so nothing is counted twice.
 */
function scopeParts(request: AggregateRequest): ScopePart[] {
  const { scope } = request;
  // Only detail rows keep the user.
  const byUser =
    request.userRefs !== undefined || request.groupBy?.includes('user');
  const byProject =
    request.projectId !== undefined ||
    request.projectIds !== undefined ||
    request.groupBy?.includes('project');
  const projectLevel: RollupLevel = byUser ? 'detail' : 'project';
  if (scope.kind === 'all') {
    let level: RollupLevel = 'model';
    if (byUser) level = 'detail';
    else if (byProject) level = 'project';
    return [{ level, apply: () => {} }];
  }
  const parts: ScopePart[] = [];
  const owned = scope.projectIds;
  const requested = requestedProjects(request);
  // One list of projects, not the owned and the requested ones: PostgreSQL
  // misjudges two lists on one column and scans the hourly table whole.
  const ownedRequested = requested
    ? owned.filter(projectId => requested.has(projectId))
    : owned;
  if (ownedRequested.length > 0) {
    parts.push({
      level: projectLevel,
      keepsOnlyRequestedProjects: requested !== undefined,
      apply: q => void q.whereIn('project_id', ownedRequested),
    });
  }
  parts.push({
    level: 'detail',
    apply: q => {
      q.where('user_ref', scope.userRef);
      if (owned.length > 0) q.whereNotIn('project_id', owned);
    },
  });
  return parts;
}

/** The projects a request is limited to (both filters hold), if any. */
function requestedProjects(request: AggregateRequest): Set<string> | undefined {
  const { projectId, projectIds } = request;
  if (projectIds === undefined) {
    return projectId === undefined ? undefined : new Set([projectId]);
  }
  return new Set(
    projectId === undefined
      ? projectIds
      : projectIds.filter(id => id === projectId),
  );
}

/**
 * The sources a part of a read is summed from, each with its spans. The
 * rollups' spans of days whose detail rows are gone (`rawDetailDays`) are
 * read from raw calls when the part needs the detail level there.
 */
function sourcesOfPart(
  request: ReadRequest,
  part: ScopePart,
  plan: Partial<SourcePlan>,
): Array<[Source, TimeSpan[]]> {
  const { rawDetailDays } = request;
  const sources: Array<[Source, TimeSpan[]]> = [];
  let raw = plan.raw ?? [];
  for (const name of ['daily', 'hourly'] as const) {
    let spans = plan[name] ?? [];
    const source =
      name === 'daily' && readsProjectDays(request, part)
        ? PROJECT_DAYS_SOURCE
        : SOURCES[name];
    if (rawDetailDays && source.levels?.[part.level] === 'detail') {
      raw = [...raw, ...clipSpans(spans, ...rawDetailDays)];
      spans = spansOutside(spans, rawDetailDays);
    }
    if (spans.length > 0) sources.push([source, spans]);
  }
  if (raw.length > 0) sources.push([SOURCES.raw, raw]);
  return sources;
}

/**
 * Whether the project-day table answers the daily part of a read: the part
 * is read at the project level and grouped by nothing finer than the project.
 */
function readsProjectDays(request: AggregateRequest, part: ScopePart) {
  return (
    part.level === 'project' &&
    (request.groupBy ?? []).every(dimension => dimension === 'project')
  );
}

function addCounterRow(usage: UsageAccumulator, row: any) {
  usage.addCounters(countersFromRow(row));
  usage.addCost(
    row.currency,
    toBigInt(row.cost_nanos),
    toBigInt(row.priced_cost_nanos),
  );
}

/**
 * What a rolled part of a read depends on besides its generation: the
 * request without its exact range (which moves with every read of "the last
 * 30 days"), the rolled spans of that part and the buckets they fall in
 * (the range's other buckets come and go as it moves).
 */
function rolledSumsKey(
  request: AggregateRequest,
  part: Partial<SourcePlan>,
): string {
  // Where rolled sums are read from does not change them.
  const {
    from: _from,
    to: _to,
    buckets,
    rawDetailDays: _rawDetailDays,
    ...rest
  } = request as ReadRequest;
  return JSON.stringify([
    rest,
    part,
    buckets && bucketsTouching(buckets, spansOf(part)),
  ]);
}

/** Every span of a part of a plan, whatever it is read from. */
function spansOf(part: Partial<SourcePlan>): TimeSpan[] {
  return Object.values(part).flatMap(spans => spans ?? []);
}
