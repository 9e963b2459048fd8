import type { Knex } from 'knex';
import type {
  CallRecord,
  CallSortField,
  CallStatus,
  CallType,
  IngestCallsResponse,
  SortOrder,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { formatNanos, toBigInt } from '../lib/money';
import {
  CALLS_TABLE,
  DIRTY_HOURS_TABLE,
  WRITE_CHUNK_ROWS,
  chunk,
  hourStartOf,
} from './tables';
import { applyScope } from './scope';
import { UNCLAIMED } from './RollupStore';
import { BulkColumn, arrayLiteral, bulkInsert, isPostgres } from './bulkInsert';
import type { NormalizedCall, VisibilityScope } from './types';

/** Filters of the call history. */
export interface CallListFilter {
  scope: VisibilityScope;
  projectId?: string;
  from: number;
  to: number;
  model?: string;
  status?: CallStatus;
  type?: CallType;
}

/** A position in a sorted call list: the sort value and id of the last row. */
export interface CallCursor {
  sort: CallSortField;
  order: SortOrder;
  value: number;
  id: string;
}

export interface CallListPage {
  items: CallRecord[];
  next?: CallCursor;
}

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
  ['metadata', 'text'],
  ['received_at', 'bigint'],
  ['updated_at', 'bigint'],
];

/** Stores calls idempotently and serves the call history. */
export class CallStore {
  constructor(private readonly db: Knex) {}

  /**
   * Stores a batch atomically. A known id is left alone unless it is still
   * `processing`, in which case it takes the new values: nothing is counted
   * twice. Every hour touched is marked dirty for the rollup.
   */
  async ingest(calls: NormalizedCall[]): Promise<IngestCallsResponse> {
    const now = Date.now();
    return this.db.transaction(async tx => {
      const existing = await storedCalls(tx, [
        ...new Set(calls.map(c => c.id)),
      ]);

      const toInsert = new Map<string, NormalizedCall>();
      const toComplete = new Map<string, NormalizedCall>();
      const touchedHours = new Set<number>();
      let unchanged = 0;

      for (const call of calls) {
        const pending = toInsert.get(call.id);
        const stored = existing.get(call.id);
        if (pending) {
          // The same id twice in one batch behaves as two requests in a row.
          if (pending.status === 'processing') {
            toInsert.set(call.id, call);
          } else {
            unchanged++;
          }
        } else if (!stored) {
          toInsert.set(call.id, call);
        } else if (stored.status === 'processing') {
          touchedHours.add(hourStartOf(stored.occurredAt));
          toComplete.set(call.id, call);
          stored.status = call.status;
        } else {
          unchanged++;
        }
      }

      await bulkInsert(
        tx,
        CALLS_TABLE,
        CALL_COLUMNS,
        [...toInsert.values()].map(call => {
          const row = toRow(call, now);
          return CALL_COLUMNS.map(([name]) => row[name]);
        }),
        'id',
      );
      for (const call of toComplete.values()) {
        const { id, received_at: _receivedAt, ...values } = toRow(call, now);
        await tx(CALLS_TABLE)
          .where({ id, status: 'processing' })
          .update(values);
      }

      for (const call of [...toInsert.values(), ...toComplete.values()]) {
        touchedHours.add(hourStartOf(call.occurredAt));
      }
      await markHoursDirty(tx, touchedHours);

      return {
        received: calls.length,
        inserted: toInsert.size,
        completed: toComplete.size,
        unchanged,
      };
    });
  }

  /** Keyset-paginated call history; `limit` rows at most. */
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
    return { items, next };
  }

  /** Whether the scope can see any call of the project, at any time. */
  async hasVisibleCalls(scope: VisibilityScope, projectId: string) {
    const query = this.db(CALLS_TABLE)
      .select('id')
      .where('project_id', projectId)
      .limit(1);
    applyScope(query, scope);
    return (await query).length > 0;
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
      ? query.whereRaw('id = ANY(?::text[])', [arrayLiteral(part)])
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

/**
 * Marks hours for the rollup. A mark a rollup has claimed goes back to
 * unclaimed, so that rollup keeps it; an unclaimed mark is left as it is,
 * which spares a new row version per hour and batch.
 */
export async function markHoursDirty(db: Knex, hours: Iterable<number>) {
  // Sorted, so concurrent batches lock the rows in the same order and cannot deadlock.
  const sorted = [...hours].sort((a, b) => a - b);
  if (sorted.length === 0) return;
  if (isPostgres(db)) {
    await db.raw(
      `INSERT INTO ${DIRTY_HOURS_TABLE} AS marks (hour_start, token)
       SELECT hour_start, ? FROM unnest(?::bigint[]) AS hours (hour_start)
       ON CONFLICT (hour_start) DO UPDATE SET token = excluded.token
       WHERE marks.token <> excluded.token`,
      [UNCLAIMED, arrayLiteral(sorted)],
    );
    return;
  }
  for (const part of chunk(sorted, WRITE_CHUNK_ROWS)) {
    await db(DIRTY_HOURS_TABLE)
      .insert(part.map(hour_start => ({ hour_start, token: UNCLAIMED })))
      .onConflict('hour_start')
      .merge(['token']);
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
    metadata: call.metadata ? JSON.stringify(call.metadata) : null,
    received_at: now,
    updated_at: now,
  };
}

function toRecord(row: CallRow): CallRecord {
  return {
    id: row.id,
    timestamp: new Date(Number(row.occurred_at)).toISOString(),
    userRef: row.user_ref,
    projectId: row.project_id,
    apiKeyId: row.api_key_id || null,
    provider: row.provider,
    model: row.model,
    type: row.type as CallType,
    status: row.status as CallStatus,
    errorReason: row.error_reason,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    ttftMs: row.ttft_ms === null ? null : Number(row.ttft_ms),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedTokens: Number(row.cached_tokens),
    cost: formatNanos(toBigInt(row.cost_nanos)),
    currency: row.currency,
    metadata: row.metadata ? JSON.parse(row.metadata) : null,
  };
}
