import type { ProviderCostRecord, ProviderUsageRecord } from '../provider';
import { addDecimals } from './amounts';

/**
 * Sums usage rows that share a day, key, model and project.
 *
 * Providers split rows by dimensions we do not keep (service tier, endpoint,
 * context window …); the store upserts one row per identity, so unmerged
 * rows would overwrite each other instead of adding up.
 *
 * @public
 */
export function mergeUsageRecords(
  records: Iterable<ProviderUsageRecord>,
): ProviderUsageRecord[] {
  const merged = new Map<string, ProviderUsageRecord>();
  for (const record of records) {
    const key = JSON.stringify([
      record.date,
      record.providerKeyId,
      record.model,
      record.providerProjectId,
    ]);
    const existing = merged.get(key);
    if (!existing) {
      merged.set(key, { ...record });
      continue;
    }
    existing.inputTokens += record.inputTokens;
    existing.outputTokens += record.outputTokens;
    existing.cachedTokens += record.cachedTokens;
    existing.requests =
      existing.requests === null && record.requests === null
        ? null
        : (existing.requests ?? 0) + (record.requests ?? 0);
  }
  return [...merged.values()];
}

/**
 * Sums cost rows that share a day, key, model, project, line item and
 * currency, with exact decimal addition.
 *
 * @public
 */
export function mergeCostRecords(
  records: Iterable<ProviderCostRecord>,
): ProviderCostRecord[] {
  const merged = new Map<string, ProviderCostRecord>();
  for (const record of records) {
    const key = JSON.stringify([
      record.date,
      record.providerKeyId,
      record.model,
      record.providerProjectId,
      record.lineItem,
      record.currency,
    ]);
    const existing = merged.get(key);
    if (existing) {
      existing.amount = addDecimals(existing.amount, record.amount);
    } else {
      merged.set(key, { ...record });
    }
  }
  return [...merged.values()];
}
