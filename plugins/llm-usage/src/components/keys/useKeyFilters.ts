import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useUrlParams } from '../../hooks';
import {
  EMPTY_KEY_FILTERS,
  KEY_FILTER_PARAMS,
  KeyFilters,
  filtersFromParams,
  filtersToParams,
  pageFromParams,
} from './keyFilters';

/** Where the last filters of the API Keys page are remembered. */
export const KEY_FILTERS_STORAGE_KEY = 'llm-usage:keys:filters';

function serialize(filters: KeyFilters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filtersToParams(filters))) {
    if (value !== undefined) {
      params.set(name, value);
    }
  }
  return params.toString();
}

function readStored(): string | null {
  try {
    return window.localStorage.getItem(KEY_FILTERS_STORAGE_KEY);
  } catch {
    // Storage can be unavailable (privacy modes); the URL still works.
    return null;
  }
}

function writeStored(value: string) {
  try {
    window.localStorage.setItem(KEY_FILTERS_STORAGE_KEY, value);
  } catch {
    // See readStored.
  }
}

/**
 * The API Keys page's filters, sort and page from the URL. Opening the page
 * without any of them in the URL restores the ones used last.
 */
export function useKeyFilters() {
  const [params, setParams] = useUrlParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const { page, size } = pageFromParams(params);
  const serialized = serialize(filters);
  const mounted = useRef(false);

  useEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      const ownParamsInUrl = KEY_FILTER_PARAMS.some(name => params.has(name));
      const stored = readStored();
      if (!ownParamsInUrl && stored) {
        setParams(
          filtersToParams(filtersFromParams(new URLSearchParams(stored))),
        );
        return;
      }
    }
    writeStored(serialized);
    // `params` is only read on mount; the serialized filters drive saving.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [serialized]);

  /** Changes some filters; the list starts again from its first page. */
  const update = useCallback(
    (patch: Partial<KeyFilters>) => {
      setParams({
        ...filtersToParams({ ...filtersFromParams(params), ...patch }),
        page: undefined,
      });
    },
    [params, setParams],
  );

  /** Removes every filter and the search, keeping the sort. */
  const clear = useCallback(() => {
    setParams({
      ...filtersToParams({
        ...EMPTY_KEY_FILTERS,
        sort: filters.sort,
        order: filters.order,
      }),
      page: undefined,
    });
  }, [filters.sort, filters.order, setParams]);

  const setPage = useCallback(
    (next: number) => setParams({ page: next > 0 ? String(next) : undefined }),
    [setParams],
  );
  const setSize = useCallback(
    (next: number) => setParams({ size: String(next), page: undefined }),
    [setParams],
  );

  return { filters, update, clear, page, size, setPage, setSize };
}
