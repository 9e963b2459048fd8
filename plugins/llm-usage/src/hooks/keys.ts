import { useCallback, useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ApiKey,
  AuditEventListResponse,
  KeyListQuery,
  ListProviderAccountsResponse,
  ListProvidersResponse,
  UsageOverviewResponse,
  llmUsageKeyDeletePermission,
  llmUsageKeyManagePermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import { LlmUsageApi } from '../api';
import { PolledQueryState } from './usePolledQuery';
import {
  ApiQueryRead,
  ApiRead,
  ReadQuery,
  useApiQuery,
  useApiQueryRead,
  useApiRead,
} from './useApiQuery';

/**
 * A list of the API for a query, loaded again when the query or its reload
 * token changes.
 */
function reloadableQuery<K extends ApiQueryRead>(operation: K, name: string) {
  return function useReloadableQuery(query: ReadQuery<K>, reloadToken = 0) {
    return useApiQueryRead(operation, `${name}:${reloadToken}`, query);
  };
}

/** One page of the key inventory. */
export const useKeyList = reloadableQuery('listKeys', 'keys');

/** One key, e.g. for its detail drawer. */
export function useKey(id: string, reloadToken = 0): PolledQueryState<ApiKey> {
  return useApiQuery(
    (api, signal) => api.getKey(id, { signal }),
    `key:${id}:${reloadToken}`,
  );
}

/** Counts and money for the cards above the key table. */
export interface KeySummary {
  total: number;
  active: number;
  expiringSoon: number;
  /** Latest balance per account, for the cards to add up per currency. */
  accounts: ListProviderAccountsResponse['items'];
  /** Cost of the calls reported this month (UTC), per currency. */
  monthSpend: UsageOverviewResponse['current']['costs'];
}

/** Keys expiring within this many days count as "expiring soon". */
export const EXPIRING_SOON_DAYS = 7;

async function loadSummary(
  api: LlmUsageApi,
  signal: AbortSignal,
): Promise<KeySummary> {
  const count = (query: KeyListQuery) =>
    api
      .listKeys({ ...query, limit: 1 }, { signal })
      .then(response => response.total);
  const now = DateTime.utc();
  const [total, active, expiringSoon, accounts, overview] = await Promise.all([
    count({}),
    count({ status: ['active'] }),
    count({ expiry: ['expiring'], expiringWithinDays: EXPIRING_SOON_DAYS }),
    api.listAccounts({ signal }),
    api.getOverview(
      { from: now.startOf('month').toISO()!, to: now.toISO()! },
      { signal },
    ),
  ]);
  return {
    total,
    active,
    expiringSoon,
    accounts: accounts.items,
    monthSpend: overview.current.costs,
  };
}

export function useKeySummary(reloadToken = 0): PolledQueryState<KeySummary> {
  return useApiQuery(
    (api, signal) => loadSummary(api, signal),
    `key-summary:${reloadToken}`,
  );
}

/**
 * A settings list of the API, loaded again whenever its reload token
 * changes (after an edit).
 */
function reloadableList<K extends ApiRead>(operation: K, name: string) {
  return function useReloadableList(reloadToken = 0) {
    return useApiRead(operation, `${name}:${reloadToken}`);
  };
}

export const useTags = reloadableList('listTags', 'tags');
export const usePrices = reloadableList('listPrices', 'prices');
export const useAccounts = reloadableList('listAccounts', 'accounts');

export function useProviders(): PolledQueryState<ListProvidersResponse> {
  return useApiRead('listProviders', 'providers');
}

export const useSyncRuns = reloadableQuery('listSyncRuns', 'sync-runs');

/** The audit trail of one key, newest first. */
export function useKeyAuditEvents(
  keyId: string,
  reloadToken = 0,
): PolledQueryState<AuditEventListResponse> {
  return useApiQueryRead('listAuditEvents', `audit:key:${reloadToken}`, {
    targetType: 'key',
    targetId: keyId,
    limit: 50,
  });
}

/** Which of some keys the user may manage and delete. */
export interface KeyPermissions {
  manageable: Set<string>;
  deletable: Set<string>;
  loading: boolean;
}

/**
 * Asks the permission framework about each key (the permission API batches
 * the requests), so batch actions can be disabled when no selected key
 * allows them. The backend checks again per key.
 */
export function useKeyPermissions(keyIds: string[]): KeyPermissions {
  const permissionApi = useApi(permissionApiRef);
  const idsKey = [...keyIds].sort().join(',');
  const [state, setState] = useState<KeyPermissions>({
    manageable: new Set(),
    deletable: new Set(),
    loading: keyIds.length > 0,
  });
  const authorize = useCallback(
    async (ids: string[]) => {
      const decide = (permission: typeof llmUsageKeyManagePermission) =>
        Promise.all(
          ids.map(async id => {
            const decision = await permissionApi.authorize({
              permission,
              resourceRef: id,
            });
            return decision.result === AuthorizeResult.ALLOW ? id : undefined;
          }),
        );
      const [manage, remove] = await Promise.all([
        decide(llmUsageKeyManagePermission),
        decide(llmUsageKeyDeletePermission),
      ]);
      const present = (values: Array<string | undefined>) =>
        new Set(values.filter((v): v is string => v !== undefined));
      return { manageable: present(manage), deletable: present(remove) };
    },
    [permissionApi],
  );
  useEffect(() => {
    let cancelled = false;
    const ids = idsKey ? idsKey.split(',') : [];
    setState(previous => ({ ...previous, loading: ids.length > 0 }));
    authorize(ids)
      .then(result => {
        if (!cancelled) setState({ ...result, loading: false });
      })
      .catch(() => {
        // Unknown means "let the backend decide": it reports per key.
        if (!cancelled) {
          setState({
            manageable: new Set(ids),
            deletable: new Set(ids),
            loading: false,
          });
        }
      });
    return () => {
      cancelled = true;
    };
  }, [idsKey, authorize]);
  return state;
}
