import type {
  ProviderCostRecord,
  ProviderUsageRecord,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { ProviderResponseError } from '@llm-usage/backstage-plugin-llm-usage-node';
import { parseDecimalToNanos } from '../lib/money';
import type { ProviderUsageRow } from './ProviderDataStore';

const dimensionKey = (r: {
  date: string;
  providerKeyId: string;
  model: string;
  providerProjectId: string;
}) => [r.date, r.providerKeyId, r.model, r.providerProjectId].join('\u0000');

function dayStart(date: string): number {
  const value = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(value)) {
    throw new ProviderResponseError(
      `Provider returned an invalid day '${date}'`,
    );
  }
  return value;
}

/**
 * Joins the provider's token usage and cost records into one row per day,
 * key, model, project and currency. Tokens go to the row of the first cost
 * currency of their dimensions, or of the provider's currency when no cost
 * was reported for them, so they are counted once. Line items are summed.
 * Any amount that is not an exact decimal fails the whole sync.
 */
export function toProviderUsageRows(
  usage: ProviderUsageRecord[],
  costs: ProviderCostRecord[],
  providerCurrency: string,
): ProviderUsageRow[] {
  const rows = new Map<string, ProviderUsageRow>();
  const currenciesByDimensions = new Map<string, string[]>();
  const rowFor = (
    record: {
      date: string;
      providerKeyId: string;
      model: string;
      providerProjectId: string;
    },
    currency: string,
  ) => {
    const key = `${dimensionKey(record)}\u0000${currency}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        dayStart: dayStart(record.date),
        providerKeyId: record.providerKeyId,
        model: record.model,
        providerProjectId: record.providerProjectId,
        currency,
        inputTokens: 0,
        outputTokens: 0,
        cachedTokens: 0,
        requests: null,
        costNanos: 0n,
      };
      rows.set(key, row);
    }
    return row;
  };

  for (const cost of costs) {
    const nanos = parseDecimalToNanos(cost.amount);
    if (nanos === undefined) {
      throw new ProviderResponseError(
        `Provider returned a cost that is not a decimal: '${cost.amount}'`,
      );
    }
    const currency = cost.currency.toUpperCase();
    rowFor(cost, currency).costNanos += nanos;
    const dims = dimensionKey(cost);
    const currencies = currenciesByDimensions.get(dims) ?? [];
    if (!currencies.includes(currency)) currencies.push(currency);
    currenciesByDimensions.set(dims, currencies);
  }
  for (const record of usage) {
    const currency =
      currenciesByDimensions.get(dimensionKey(record))?.sort()[0] ??
      providerCurrency.toUpperCase();
    const row = rowFor(record, currency);
    row.inputTokens += record.inputTokens;
    row.outputTokens += record.outputTokens;
    row.cachedTokens += record.cachedTokens;
    if (record.requests !== null) {
      row.requests = (row.requests ?? 0) + record.requests;
    }
  }
  return [...rows.values()];
}
