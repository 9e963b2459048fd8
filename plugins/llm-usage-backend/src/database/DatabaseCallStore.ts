import type { Knex } from 'knex';
import type {
  CallRecord,
  CallSortField,
  IngestCallsResponse,
  SortOrder,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { decimalOf, isoTime, numberOrNull } from '../lib/columnValues';
import { isRetryableConflict } from '../lib/databaseErrors';
import {
  CALLS_TABLE,
  DAILY_TABLE,
  HOUR_MS,
  WRITE_CHUNK_ROWS,
  chunk,
  hourStartOf,
} from './tables';
import { applyScope } from './scope';
import { markHoursDirty } from '../rollup/dirtyHours';
import { rawCallsSince } from '../retention/RawCallRetention';
import { BulkColumn, arrayLiteral, isPostgres, unnestOf } from './bulkInsert';
import { CallPartitions } from './callPartitions';
import type { CallCostSource, NormalizedCall, VisibilityScope } from './types';
import {
  type CallStore,
  type CallListFilter,
  type CallCursor,
  type CallListPage,
} from './CallStore';

type CallRow = {
  id: string;
  occurred_at: number | string;
  user_ref: string;
  project_id: string;
  api_key_id: string;
  provider: string;
  model: string;
  type: string;
  status: string;
  error_reason: string | null;
  duration_ms: number | null;
  ttft_ms: number | null;
  input_tokens: number | string;
  output_tokens: number | string;
  cached_tokens: number | string;
  cost_nanos: number | string;
  currency: string;
  cost_source: string | null;
  metadata: string | null;
};

/** The columns of a stored call, in the order {@link bulkInsert} sends them. */
const CALL_COLUMNS: BulkColumn[] = [
  ['id', 'text'],
  ['occurred_at', 'bigint'],
  ['user_ref', 'text'],
  ['project_id', 'text'],
  ['api_key_id', 'text'],
  ['provider', 'text'],
  ['model', 'text'],
  ['type', 'text'],
  ['status', 'text'],
  ['error_reason', 'text'],
  ['duration_ms', 'integer'],
  ['ttft_ms', 'integer'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cached_tokens', 'bigint'],
  ['cost_nanos', 'bigint'],
  ['currency', 'text'],
  ['cost_source', 'text'],
  ['metadata', 'text'],
  ['received_at', 'bigint'],
  ['updated_at', 'bigint'],
];

/** The {@link CallStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseCallStore implements CallStore {
  private readonly partitions: CallPartitions;

  constructor(private readonly db: Knex) {
    this.partitions = new CallPartitions(db);
  }

  async ingest(calls: NormalizedCall[]): Promise<IngestCallsResponse> {
    const now = Date.now();
    // The same id twice in one batch behaves as two requests in a row: a
    // processing request followed by another request for its id is one step
    // of the call's life, counted with the request that replaced it.
    const latest = new Map<string, NormalizedCall>();
    const superseded = new Map<string, number>();
    let ignored = 0;
    for (const call of calls) {
      const pending = latest.get(call.id);
      if (!pending) {
        latest.set(call.id, call);
      } else if (pending.status === 'processing') {
        latest.set(call.id, call);
        superseded.set(call.id, (superseded.get(call.id) ?? 0) + 1);
      } else {
        ignored++;
      }
    }
    // One global order for every batch: two batches that share ids lock
    // them in the same order, so neither can wait on the other in a cycle.
    const rows = [...latest.values()].sort(byId);
    await this.partitions.prepare(
      rows.map(call => call.occurredAt),
      now,
    );
    const written = await withDeadlockRetry(() =>
      this.db.transaction(tx => writeCalls(tx, rows, now)),
    );
    let inserted = 0;
    let completed = 0;
    for (const [id, wasInserted] of written) {
      if (wasInserted) inserted++;
      else completed++;
      completed += superseded.get(id) ?? 0;
    }
    return {
      received: calls.length,
      inserted,
      completed,
      unchanged: calls.length - inserted - completed,
    };
  }

  async list(
    filter: CallListFilter,
    sort: CallSortField,
    order: SortOrder,
    limit: number,
    after?: CallCursor,
  ): Promise<CallListPage> {
    // Calls without a duration sort as the fastest.
    const sortSql =
      sort === 'time' ? 'occurred_at' : 'coalesce(duration_ms, -1)';
    const query = this.db<CallRow>(CALLS_TABLE)
      .select('*')
      .where('occurred_at', '>=', filter.from)
      .andWhere('occurred_at', '<', filter.to);
    applyScope(query, filter.scope);
    if (filter.projectId !== undefined) {
      query.andWhere('project_id', filter.projectId);
    }
    if (filter.model) query.andWhere('model', filter.model);
    if (filter.status) query.andWhere('status', filter.status);
    if (filter.type) query.andWhere('type', filter.type);
    if (after) {
      // A row comparison, not "a < v OR (a = v AND id < x)": the database
      // then starts the index scan at the cursor instead of walking every
      // earlier page, so page 1000 costs what page 1 does.
      const op = order === 'desc' ? '<' : '>';
      query.andWhereRaw(`(${sortSql}, id) ${op} (?, ?)`, [
        after.value,
        after.id,
      ]);
    }
    const rows: CallRow[] = await query
      .orderByRaw(`${sortSql} ${order}, id ${order}`)
      .limit(limit + 1);

    const items = rows.slice(0, limit).map(toRecord);
    const last = items[items.length - 1];
    const next =
      rows.length > limit && last
        ? {
            sort,
            order,
            id: last.id,
            value:
              sort === 'time'
                ? Date.parse(last.timestamp)
                : last.durationMs ?? -1,
          }
        : undefined;
    const since = await rawCallsSince(this.db);
    return { items, next, ...(since > 0 ? { rawCallsSince: since } : {}) };
  }

  /**
   * Whether the scope can see any call of the project, at any time: a raw
   * call, or (once retention deleted them) a day of its rollups.
   */
  async hasVisibleCalls(scope: VisibilityScope, projectId: string) {
    const raw = this.db(CALLS_TABLE)
      .select('id')
      .where('project_id', projectId)
      .limit(1);
    applyScope(raw, scope);
    if ((await raw).length > 0) return true;
    const rolled = this.db(DAILY_TABLE)
      .select('project_id')
      .where({ level: 'detail', project_id: projectId })
      .limit(1);
    applyScope(rolled, scope);
    return (await rolled).length > 0;
  }
}

/** The stored status and time of the given ids, where known. */
async function storedCalls(
  db: Knex,
  ids: string[],
): Promise<Map<string, { status: string; occurredAt: number }>> {
  const stored = new Map<string, { status: string; occurredAt: number }>();
  const parts = isPostgres(db) ? [ids] : chunk(ids, WRITE_CHUNK_ROWS);
  for (const part of parts) {
    const query = db(CALLS_TABLE).select('id', 'status', 'occurred_at');
    const rows = await (isPostgres(db)
      ? // An array the planner does not look into: given the ids themselves
        // it expects each to be found in every month partition, and scans a
        // small partition whole instead of probing its id index 1,000 times.
        query.whereRaw('id = ANY(ARRAY(SELECT unnest(?::text[])))', [
          arrayLiteral(part),
        ])
      : query.whereIn('id', part));
    for (const row of rows) {
      stored.set(row.id, {
        status: row.status,
        occurredAt: Number(row.occurred_at),
      });
    }
  }
  return stored;
}

/** Code-unit order of ids: the same in every batch, whatever the collation. */
function byId(a: NormalizedCall, b: NormalizedCall): number {
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/** Columns a later request for a processing call replaces. */
const UPDATED_COLUMNS = CALL_COLUMNS.map(([name]) => name).filter(
  name => name !== 'id' && name !== 'received_at',
);

/** A completion's columns: the id, the stored row's time, what it replaces. */
const COMPLETION_COLUMNS: BulkColumn[] = [
  ['id', 'text'],
  ['stored_at', 'bigint'],
  ...CALL_COLUMNS.filter(([name]) => UPDATED_COLUMNS.includes(name)),
];

/** The array parameters of {@link unnestOf}: each column's values. */
function callArrays(
  columns: BulkColumn[],
  rows: Record<string, unknown>[],
): string[] {
  return columns.map(([name]) =>
    arrayLiteral(rows.map(row => row[name] ?? null)),
  );
}

/** The advisory lock class of call ids (any fixed number the plugin owns). */
const CALL_ID_LOCKS = 0x11a0_ca11;

/**
 * Serialises the batches that write the same ids, in one order (so that no
 * two wait on each other). On PostgreSQL this lock, not a unique key, keeps
 * each id once: the calls are partitioned by time, and a completion or a
 * repeat may come with another time (migration 20261206010000). Released
 * when the transaction ends.
 */
async function lockCallIds(tx: Knex.Transaction, ids: string[]) {
  await tx.raw(
    `SELECT pg_advisory_xact_lock(${CALL_ID_LOCKS}, key) FROM (
       SELECT DISTINCT hashtext(id) AS key FROM unnest(?::text[]) AS id
       ORDER BY key) AS keys`,
    [arrayLiteral(ids)],
  );
}

/**
 * Inserts new calls and completes processing ones, in rounds, under the
 * state machine: only a `processing` row is replaced. A write also requires
 * the stored row's hour to be one this batch marks dirty. On PostgreSQL the
 * batch's ids are locked first, so what it reads stays what is stored; a row
 * that changed after the read anyway (deleted by retention) is read again and
 * retried, so its old hour is re-rolled too.
 */
async function writeCalls(
  tx: Knex.Transaction,
  rows: NormalizedCall[],
  now: number,
): Promise<Map<string, boolean>> {
  const ids = rows.map(call => call.id);
  if (isPostgres(tx)) await lockCallIds(tx, ids);
  const stored = await storedCalls(tx, ids);
  const hours = new Set(rows.map(call => hourStartOf(call.occurredAt)));
  for (const call of stored.values()) {
    if (call.status === 'processing') hours.add(hourStartOf(call.occurredAt));
  }
  const written = new Map<string, boolean>();
  let pending = rows.filter(call => {
    const status = stored.get(call.id)?.status;
    return status === undefined || status === 'processing';
  });
  for (let round = 0; pending.length > 0 && round < 5; round++) {
    const roundWritten = await upsertCalls(tx, pending, hours, stored, now);
    for (const [id, wasInserted] of roundWritten) written.set(id, wasInserted);
    const missed = pending.filter(call => !roundWritten.has(call.id));
    if (missed.length === 0) break;
    const again = await storedCalls(
      tx,
      missed.map(call => call.id),
    );
    pending = [];
    for (const call of missed) {
      const current = again.get(call.id);
      if (!current) {
        // Deleted by retention meanwhile: store it anew.
        stored.delete(call.id);
        pending.push(call);
      } else if (current.status === 'processing') {
        stored.set(call.id, current);
        hours.add(hourStartOf(current.occurredAt));
        pending.push(call);
      }
    }
  }
  if (written.size > 0) await markHoursDirty(tx, hours);
  return written;
}

/**
 * One upsert round. Returns the ids written, each with whether it was
 * inserted (true) or a processing row it completed (false).
 */
async function upsertCalls(
  tx: Knex.Transaction,
  calls: NormalizedCall[],
  hours: Set<number>,
  stored: Map<string, { status: string; occurredAt: number }>,
  now: number,
): Promise<Map<string, boolean>> {
  const written = new Map<string, boolean>();
  const hourList = [...hours].sort((a, b) => a - b);
  const storedHour = `(${CALLS_TABLE}.occurred_at - ((${CALLS_TABLE}.occurred_at % ${HOUR_MS}) + ${HOUR_MS}) % ${HOUR_MS})`;
  const rows = calls.map(call => toRow(call, now));
  if (isPostgres(tx)) {
    // The ids are locked (lockCallIds): what writeCalls read is what is
    // stored, so the fresh ones are not stored under any time.
    const fresh = rows.filter(row => !stored.has(row.id as string));
    const completing = rows.filter(row => stored.has(row.id as string));
    if (fresh.length > 0) {
      const inserted = await tx.raw(
        `INSERT INTO ${CALLS_TABLE} (${CALL_COLUMNS.map(([name]) => name).join(
          ', ',
        )})
         SELECT * FROM ${unnestOf(CALL_COLUMNS)}
         RETURNING id`,
        callArrays(CALL_COLUMNS, fresh),
      );
      for (const row of inserted.rows) written.set(row.id, true);
    }
    if (completing.length === 0) return written;
    // A completion may move the call to another month: PostgreSQL moves the
    // row to that month's partition.
    const updated = await tx.raw(
      `UPDATE ${CALLS_TABLE} SET ${UPDATED_COLUMNS.map(
        name => `${name} = v.${name}`,
      ).join(', ')}
       FROM ${unnestOf(COMPLETION_COLUMNS)} AS v(${COMPLETION_COLUMNS.map(
        ([name]) => name,
      ).join(', ')})
       WHERE ${CALLS_TABLE}.id = v.id
         AND ${CALLS_TABLE}.occurred_at = v.stored_at
         AND ${CALLS_TABLE}.status = 'processing'
         AND ${storedHour} = ANY(?::bigint[])
       RETURNING ${CALLS_TABLE}.id`,
      [
        ...callArrays(
          COMPLETION_COLUMNS,
          completing.map(row => ({
            ...row,
            stored_at: stored.get(row.id as string)!.occurredAt,
          })),
        ),
        arrayLiteral(hourList),
      ],
    );
    for (const row of updated.rows) written.set(row.id, false);
    return written;
  }
  // SQLite runs one writing transaction at a time, so what this transaction
  // read is still what is stored.
  for (const part of chunk(rows, WRITE_CHUNK_ROWS)) {
    const returned: { id: string }[] = await tx(CALLS_TABLE)
      .insert(part)
      .onConflict('id')
      .merge(UPDATED_COLUMNS)
      .where(`${CALLS_TABLE}.status`, 'processing')
      .andWhereRaw(
        `${storedHour} IN (${hourList.map(() => '?').join(', ')})`,
        hourList,
      )
      .returning('id');
    for (const { id } of returned) written.set(id, !stored.has(id));
  }
  return written;
}

/**
 * Runs `work` again when PostgreSQL broke a lock cycle or a serialization
 * conflict it was in; the rolled-back attempt left nothing behind. The
 * ordered writes above avoid cycles among batches; this covers the rare
 * ones with other writers (a rollup claiming dirty hours).
 */
async function withDeadlockRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 5 || !isRetryableConflict(error)) throw error;
    }
  }
}

export function toRow(
  call: NormalizedCall,
  now: number,
): Record<string, unknown> {
  return {
    id: call.id,
    occurred_at: call.occurredAt,
    user_ref: call.userRef,
    project_id: call.projectId,
    api_key_id: call.apiKeyId,
    provider: call.provider,
    model: call.model,
    type: call.type,
    status: call.status,
    error_reason: call.errorReason,
    duration_ms: call.durationMs,
    ttft_ms: call.ttftMs,
    input_tokens: call.inputTokens,
    output_tokens: call.outputTokens,
    cached_tokens: call.cachedTokens,
    cost_nanos: call.costNanos.toString(),
    currency: call.currency,
    cost_source: costSourceOf(call),
    metadata: call.metadata ? JSON.stringify(call.metadata) : null,
    received_at: now,
    updated_at: now,
  };
}

function toRecord(row: CallRow): CallRecord {
  return {
    id: row.id,
    timestamp: isoTime(row.occurred_at),
    userRef: row.user_ref,
    projectId: row.project_id,
    apiKeyId: row.api_key_id || null,
    provider: row.provider,
    model: row.model,
    type: row.type as CallRecord['type'],
    status: row.status as CallRecord['status'],
    errorReason: row.error_reason,
    durationMs: numberOrNull(row.duration_ms),
    ttftMs: numberOrNull(row.ttft_ms),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedTokens: Number(row.cached_tokens),
    cost: decimalOf(row.cost_nanos),
    currency: row.currency,
    costSource: (row.cost_source as CallCostSource | null) ?? null,
    metadata: row.metadata ? JSON.parse(row.metadata) : null,
  };
}

/** A call built in code without a source reports its cost when it has one. */
function costSourceOf(call: NormalizedCall): CallCostSource | null {
  if (call.costSource !== undefined) return call.costSource;
  return call.costNanos > 0n ? 'reported' : null;
}
