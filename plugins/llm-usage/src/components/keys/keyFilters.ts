import {
  API_KEY_STATUSES,
  ApiKeyStatus,
  KEY_EXPIRY_STATES,
  KEY_SORT_FIELDS,
  KeyExpiryState,
  KeyListQuery,
  KeySortField,
  SortOrder,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import { nonNegativeInt, oneOf } from '../../lib/params';

/**
 * What the API Keys page shows: search, filters, sort and page. It lives in
 * the URL (so a view can be shared) and the last one is remembered in
 * localStorage (so the page opens where the user left it).
 */
export interface KeyFilters {
  q: string;
  providers: string[];
  accountIds: string[];
  ownerRefs: string[];
  statuses: ApiKeyStatus[];
  expiry: KeyExpiryState[];
  tagIds: string[];
  orphaned: boolean;
  /** `yyyy-MM-dd` in the viewer's zone, first day included. */
  createdFrom?: string;
  /** `yyyy-MM-dd` in the viewer's zone, last day included. */
  createdTo?: string;
  /** Month-to-date usage bounds (inclusive): whole tokens, decimal cost. */
  minMonthTokens?: string;
  maxMonthTokens?: string;
  minMonthCost?: string;
  maxMonthCost?: string;
  sort: KeySortField;
  order: SortOrder;
}

export const KEY_PAGE_SIZES = [25, 50, 100] as const;
const ORDERS = ['asc', 'desc'] as const;
const DEFAULT_SORT: KeySortField = 'name';
const DEFAULT_ORDER: SortOrder = 'asc';

export const EMPTY_KEY_FILTERS: KeyFilters = {
  q: '',
  providers: [],
  accountIds: [],
  ownerRefs: [],
  statuses: [],
  expiry: [],
  tagIds: [],
  orphaned: false,
  sort: DEFAULT_SORT,
  order: DEFAULT_ORDER,
};

/** URL params the page owns; everything else in the URL is left alone. */
export const KEY_FILTER_PARAMS = [
  'q',
  'provider',
  'account',
  'owner',
  'status',
  'expiry',
  'tag',
  'orphaned',
  'createdFrom',
  'createdTo',
  'minMonthTokens',
  'maxMonthTokens',
  'minMonthCost',
  'maxMonthCost',
  'sort',
  'order',
] as const;

function list(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
}

function listOf<T extends string>(
  value: string | null,
  allowed: readonly T[],
): T[] {
  return list(value).filter((v): v is T =>
    (allowed as readonly string[]).includes(v),
  );
}

function isoDay(value: string | null): string | undefined {
  return value && DateTime.fromISO(value).isValid ? value : undefined;
}

const WHOLE_NUMBER = /^\d{1,15}$/;
// As the API takes it: up to nine digits each side of the point.
const DECIMAL_AMOUNT = /^\d{1,9}(\.\d{1,9})?$/;

function matching(value: string | null, pattern: RegExp): string | undefined {
  return value && pattern.test(value) ? value : undefined;
}

export function filtersFromParams(params: URLSearchParams): KeyFilters {
  return {
    q: params.get('q') ?? '',
    providers: list(params.get('provider')),
    accountIds: list(params.get('account')),
    ownerRefs: list(params.get('owner')),
    statuses: listOf(params.get('status'), API_KEY_STATUSES),
    expiry: listOf(params.get('expiry'), KEY_EXPIRY_STATES),
    tagIds: list(params.get('tag')),
    orphaned: params.get('orphaned') === 'true',
    createdFrom: isoDay(params.get('createdFrom')),
    createdTo: isoDay(params.get('createdTo')),
    minMonthTokens: matching(params.get('minMonthTokens'), WHOLE_NUMBER),
    maxMonthTokens: matching(params.get('maxMonthTokens'), WHOLE_NUMBER),
    minMonthCost: matching(params.get('minMonthCost'), DECIMAL_AMOUNT),
    maxMonthCost: matching(params.get('maxMonthCost'), DECIMAL_AMOUNT),
    sort: oneOf(params.get('sort'), KEY_SORT_FIELDS, DEFAULT_SORT),
    order: oneOf(params.get('order'), ORDERS, DEFAULT_ORDER),
  };
}

/** A list filter as sent: absent when nothing is chosen. */
function chosen<T>(values: T[]): T[] | undefined {
  return values.length > 0 ? values : undefined;
}

/** The filters as URL params; defaults and empty values are left out. */
export function filtersToParams(
  filters: KeyFilters,
): Record<(typeof KEY_FILTER_PARAMS)[number], string | undefined> {
  return {
    q: filters.q.trim() || undefined,
    provider: chosen(filters.providers)?.join(','),
    account: chosen(filters.accountIds)?.join(','),
    owner: chosen(filters.ownerRefs)?.join(','),
    status: chosen(filters.statuses)?.join(','),
    expiry: chosen(filters.expiry)?.join(','),
    tag: chosen(filters.tagIds)?.join(','),
    orphaned: filters.orphaned ? 'true' : undefined,
    createdFrom: filters.createdFrom,
    createdTo: filters.createdTo,
    minMonthTokens: filters.minMonthTokens,
    maxMonthTokens: filters.maxMonthTokens,
    minMonthCost: filters.minMonthCost,
    maxMonthCost: filters.maxMonthCost,
    sort: filters.sort === DEFAULT_SORT ? undefined : filters.sort,
    order: filters.order === DEFAULT_ORDER ? undefined : filters.order,
  };
}

/** Whether anything narrows the list (sort alone does not). */
export function hasActiveFilters(filters: KeyFilters): boolean {
  const { sort: _sort, order: _order, ...narrowing } = filters;
  const { sort: _s, order: _o, ...empty } = EMPTY_KEY_FILTERS;
  return JSON.stringify(narrowing) !== JSON.stringify(empty);
}

/** The filters as the `GET /keys` query, days turned into instants. */
export function toKeyListQuery(filters: KeyFilters): KeyListQuery {
  const dayStart = (day?: string, plusDays = 0) =>
    day
      ? DateTime.fromISO(day)
          .startOf('day')
          .plus({ days: plusDays })
          .toUTC()
          .toISO() ?? undefined
      : undefined;
  const tokens = (value?: string) =>
    value === undefined ? undefined : Number(value);
  return {
    q: filters.q.trim() || undefined,
    provider: chosen(filters.providers),
    accountId: chosen(filters.accountIds),
    ownerRef: chosen(filters.ownerRefs),
    status: chosen(filters.statuses),
    expiry: chosen(filters.expiry),
    tag: chosen(filters.tagIds),
    orphaned: filters.orphaned || undefined,
    createdFrom: dayStart(filters.createdFrom),
    // The last day is included: the API's bound is exclusive.
    createdTo: dayStart(filters.createdTo, 1),
    minMonthTokens: tokens(filters.minMonthTokens),
    maxMonthTokens: tokens(filters.maxMonthTokens),
    minMonthCost: filters.minMonthCost,
    maxMonthCost: filters.maxMonthCost,
    sort: filters.sort,
    order: filters.order,
  };
}

export function pageFromParams(params: URLSearchParams) {
  return {
    page: nonNegativeInt(params.get('page'), 0),
    size: Number(
      oneOf(
        params.get('size'),
        KEY_PAGE_SIZES.map(String),
        String(KEY_PAGE_SIZES[0]),
      ),
    ),
  };
}
