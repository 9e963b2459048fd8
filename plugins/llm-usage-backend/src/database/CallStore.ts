import type {
  CallRecord,
  CallSortField,
  CallStatus,
  CallType,
  IngestCallsResponse,
  SortOrder,
} from '@llm-usage/backstage-plugin-llm-usage-common';
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
  /** Raw calls before this (epoch ms) were deleted by retention; absent: none. */
  rawCallsSince?: number;
}

/** Stores calls idempotently and serves the call history. */
export interface CallStore {
  /**
   * Stores a batch atomically. A call's life is processing → success | failed,
   * whatever order its requests arrive in: a stored `processing` call takes
   * the values of any later request for its id; a final call never changes
   * again, so of two finals the first stored wins. Nothing is counted twice,
   * and every hour a write touched is marked dirty for the rollup.
   */
  ingest(calls: NormalizedCall[]): Promise<IngestCallsResponse>;
  /** Keyset-paginated call history; `limit` rows at most. */
  list(
    filter: CallListFilter,
    sort: CallSortField,
    order: SortOrder,
    limit: number,
    after?: CallCursor,
  ): Promise<CallListPage>;
  /** Whether the scope can see any call of the project, at any time. */
  hasVisibleCalls(scope: VisibilityScope, projectId: string): Promise<boolean>;
}
