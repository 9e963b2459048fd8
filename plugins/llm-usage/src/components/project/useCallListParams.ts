import { useState } from 'react';
import {
  CALL_SORT_FIELDS,
  CALL_STATUSES,
  type CallListQuery,
  type CallStatus,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { useUrlParams } from '../../hooks';
import { oneOf } from '../../lib/params';

/** @internal */
export const CALL_PAGE_SIZES = [25, 50, 100];

const ORDERS = ['asc', 'desc'] as const;

/** What the call list shows: its filters, its sort and its page size. */
export type CallListView = Pick<CallListQuery, 'model' | 'status'> &
  Required<Pick<CallListQuery, 'sort' | 'order' | 'limit'>>;

/** Moving through the call list one keyset page at a time. */
export interface CallListPaging {
  isFirstPage: boolean;
  canGoBack: boolean;
  first: () => void;
  previous: () => void;
  next: (cursor: string) => void;
}

/**
 * The project page's call list as its URL says (`model`, `status`, `sort`,
 * `order`, `limit`, `cursor`), so that a shared link opens on the same page.
 * Cursors of the pages before it are kept in memory for "previous"; "first
 * page" still works from a shared link.
 */
export function useCallListParams() {
  const [params, setParams] = useUrlParams();
  const [previousCursors, setPreviousCursors] = useState<
    Array<string | undefined>
  >([]);

  const statusParam = params.get('status');
  const view: CallListView = {
    model: params.get('model') ?? undefined,
    status: (CALL_STATUSES as readonly string[]).includes(statusParam ?? '')
      ? (statusParam as CallStatus)
      : undefined,
    sort: oneOf(params.get('sort'), CALL_SORT_FIELDS, 'time'),
    order: oneOf(params.get('order'), ORDERS, 'desc'),
    limit: Number(
      oneOf(params.get('limit'), CALL_PAGE_SIZES.map(String), '25'),
    ),
  };
  const cursor = params.get('cursor') ?? undefined;

  /** Changing what the list shows starts again from its first page. */
  const setView = (patch: Partial<CallListView>) => {
    setPreviousCursors([]);
    const { limit, ...rest } = patch;
    setParams({
      ...rest,
      ...(limit === undefined ? {} : { limit: String(limit) }),
      cursor: undefined,
    });
  };

  const paging: CallListPaging = {
    isFirstPage: !cursor,
    canGoBack: previousCursors.length > 0,
    first: () => setView({}),
    previous: () => {
      setPreviousCursors(previousCursors.slice(0, -1));
      setParams({ cursor: previousCursors[previousCursors.length - 1] });
    },
    next: nextCursor => {
      setPreviousCursors([...previousCursors, cursor]);
      setParams({ cursor: nextCursor });
    },
  };

  return {
    view,
    cursor,
    setView,
    paging,
    /** For a change that leaves the list's first page by itself (the range). */
    forgetPreviousPages: () => setPreviousCursors([]),
  };
}
