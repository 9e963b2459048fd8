import type {
  AuditEventListQuery,
  AuditEventListResponse,
  BalanceHistoryResponse,
  BudgetListResponse,
  DigestPreferencesResponse,
  QuotaResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { PolledQueryState } from './usePolledQuery';
import { useApiQuery, useApiQueryRead, useApiRead } from './useApiQuery';

/** Budgets and balances with runway; live, polling like the other live views. */
export function useQuota(entityRef?: string): PolledQueryState<QuotaResponse> {
  return useApiQuery(
    (api, signal) => api.getQuota({ entityRef }, { signal }),
    `quota:${entityRef ?? ''}`,
    { live: true },
  );
}

/** One account's balance readings, newest first; live. */
export function useBalanceHistory(
  accountId: string,
): PolledQueryState<BalanceHistoryResponse> {
  return useApiQuery(
    (api, signal) => api.getBalanceHistory(accountId, { signal }),
    `balance-history:${accountId}`,
    { live: true },
  );
}

/** The budgets the viewer sees; `retry` reloads after a change. */
export function useBudgets(): PolledQueryState<BudgetListResponse> {
  return useApiRead('listBudgets', 'budgets');
}

/** The viewer's and their groups' digest settings. */
export function useDigestPreferences(): PolledQueryState<DigestPreferencesResponse> {
  return useApiRead('getDigestPreferences', 'digest-preferences');
}

/** One page of the activity log. */
export function useAuditEvents(
  query: AuditEventListQuery,
): PolledQueryState<AuditEventListResponse> {
  return useApiQueryRead('listAuditEvents', 'audit', query);
}
