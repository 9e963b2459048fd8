import { useApi } from '@backstage/frontend-plugin-api';
import type {
  AuditEventListQuery,
  AuditEventListResponse,
  BalanceHistoryResponse,
  BudgetListResponse,
  DigestPreferencesResponse,
  QuotaResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../api';
import { PolledQueryState, usePolledQuery } from './usePolledQuery';
import { usePollingIntervalMs } from './usePollingInterval';

/** Budgets and balances with runway; live, polling like the other live views. */
export function useQuota(entityRef?: string): PolledQueryState<QuotaResponse> {
  const api = useApi(llmUsageApiRef);
  return usePolledQuery(
    signal => api.getQuota({ entityRef }, { signal }),
    `quota:${entityRef ?? ''}`,
    { pollIntervalMs: usePollingIntervalMs() },
  );
}

/** One account's balance readings, newest first; live. */
export function useBalanceHistory(
  accountId: string,
): PolledQueryState<BalanceHistoryResponse> {
  const api = useApi(llmUsageApiRef);
  return usePolledQuery(
    signal => api.getBalanceHistory(accountId, { signal }),
    `balance-history:${accountId}`,
    { pollIntervalMs: usePollingIntervalMs() },
  );
}

/** The budgets the viewer sees; `retry` reloads after a change. */
export function useBudgets(): PolledQueryState<BudgetListResponse> {
  const api = useApi(llmUsageApiRef);
  return usePolledQuery(signal => api.listBudgets({ signal }), 'budgets');
}

/** The viewer's and their groups' digest settings. */
export function useDigestPreferences(): PolledQueryState<DigestPreferencesResponse> {
  const api = useApi(llmUsageApiRef);
  return usePolledQuery(
    signal => api.getDigestPreferences({ signal }),
    'digest-preferences',
  );
}

/** One page of the activity log. */
export function useAuditEvents(
  query: AuditEventListQuery,
): PolledQueryState<AuditEventListResponse> {
  const api = useApi(llmUsageApiRef);
  return usePolledQuery(
    signal => api.listAuditEvents(query, { signal }),
    `audit:${JSON.stringify(query)}`,
  );
}
