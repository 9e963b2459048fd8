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
  return mergeBy(records, recordIdentity, (existing, record) => {
    existing.inputTokens += record.inputTokens;
    existing.outputTokens += record.outputTokens;
    existing.cachedTokens += record.cachedTokens;
    existing.requests =
      existing.requests === null && record.requests === null
        ? null
        : (existing.requests ?? 0) + (record.requests ?? 0);
  });
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
  return mergeBy(
    records,
    record => [...recordIdentity(record), record.lineItem, record.currency],
    (existing, record) => {
      existing.amount = addDecimals(existing.amount, record.amount);
    },
  );
}

/** The day, key, model and project a usage or cost row is kept under. */
function recordIdentity(record: ProviderUsageRecord | ProviderCostRecord) {
  return [
    record.date,
    record.providerKeyId,
    record.model,
    record.providerProjectId,
  ];
}

/** One copy per identity, in first-seen order, with the others added into it. */
function mergeBy<T extends object>(
  records: Iterable<T>,
  identity: (record: T) => string[],
  add: (existing: T, record: T) => void,
): T[] {
  const merged = new Map<string, T>();
  for (const record of records) {
    const key = JSON.stringify(identity(record));
    const existing = merged.get(key);
    if (existing) {
      add(existing, record);
    } else {
      merged.set(key, { ...record });
    }
  }
  return [...merged.values()];
}
