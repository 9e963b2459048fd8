import { randomUUID } from 'node:crypto';
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
      const existing = new Map<
        string,
        { status: string; occurredAt: number }
      >();
      for (const ids of chunk(
        [...new Set(calls.map(c => c.id))],
        WRITE_CHUNK_ROWS,
      )) {
        const rows = await tx(CALLS_TABLE)
          .select('id', 'status', 'occurred_at')
          .whereIn('id', ids);
        for (const row of rows) {
          existing.set(row.id, {
            status: row.status,
            occurredAt: Number(row.occurred_at),
          });
        }
      }

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

      for (const rows of chunk([...toInsert.values()], WRITE_CHUNK_ROWS)) {
        await tx(CALLS_TABLE)
          .insert(rows.map(call => toRow(call, now)))
          .onConflict('id')
          .ignore();
      }
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
      const op = order === 'desc' ? '<' : '>';
      query.andWhere(inner =>
        inner
          .whereRaw(`${sortSql} ${op} ?`, [after.value])
          .orWhere(tie =>
            tie
              .whereRaw(`${sortSql} = ?`, [after.value])
              .andWhere('id', op, after.id),
          ),
      );
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

/** Marks hours for the rollup; a new token per write invalidates a rollup in flight. */
export async function markHoursDirty(db: Knex, hours: Iterable<number>) {
  // Sorted, so concurrent batches lock the rows in the same order and cannot deadlock.
  const rows = [...hours]
    .sort((a, b) => a - b)
    .map(hour_start => ({
      hour_start,
      token: randomUUID(),
    }));
  for (const part of chunk(rows, WRITE_CHUNK_ROWS)) {
    await db(DIRTY_HOURS_TABLE)
      .insert(part)
      .onConflict('hour_start')
      .merge(['token']);
  }
}

export function toRow(call: NormalizedCall, now: number) {
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
