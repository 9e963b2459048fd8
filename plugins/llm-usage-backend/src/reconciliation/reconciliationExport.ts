import type {
  ReconciliationResponse,
  ReconciliationRow,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { ExportColumn } from '../export/tableExport';

/**
 * Columns of the reconciliation export: one row per account, UTC day and
 * currency, as the view's day table shows them. Amounts are exact decimals.
 */
export function reconciliationExportColumns(
  report: ReconciliationResponse,
): ExportColumn<ReconciliationRow>[] {
  const accounts = new Map(
    report.totals.map(total => [total.accountId, total]),
  );
  return [
    { header: 'accountId', value: row => row.accountId, width: 20 },
    {
      header: 'accountName',
      value: row => accounts.get(row.accountId)?.accountName,
      width: 24,
    },
    {
      header: 'provider',
      value: row => accounts.get(row.accountId)?.provider,
    },
    { header: 'date', value: row => row.date, width: 12 },
    { header: 'currency', value: row => row.currency },
    { header: 'providerCost', value: row => row.providerCost, kind: 'decimal' },
    { header: 'recordedCost', value: row => row.recordedCost, kind: 'decimal' },
    { header: 'difference', value: row => row.difference, kind: 'decimal' },
    { header: 'differencePercent', value: row => row.differencePercent },
    { header: 'overTolerance', value: row => row.overTolerance },
  ];
}
