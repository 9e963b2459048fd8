import type {
  ProviderUsageBreakdownItem,
  UsageTotals,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { CostTotals } from '../lib/money';
import type { PriceResolver } from '../pricing/PriceBook';
import { costOf } from '../pricing/prices';
import type { ProviderUsageDay } from './ProviderUsageReader';

/**
 * Tokens, requests and cost of provider-reported days. Reported cost and
 * cost estimated from the price book are kept apart and never added up: a
 * provider that does not split cost by key (OpenAI bills per project and
 * line item) reports its keys' tokens without a cost and the whole cost on
 * a row without a key, so adding an estimate to the reported cost would
 * count that spend twice.
 */
export class ProviderUsageSums {
  inputTokens = 0;
  outputTokens = 0;
  cachedTokens = 0;
  requests = 0;
  readonly costs = new CostTotals();
  readonly estimatedCosts = new CostTotals();

  constructor(private readonly prices: PriceResolver) {}

  add(day: ProviderUsageDay) {
    this.inputTokens += day.inputTokens;
    this.outputTokens += day.outputTokens;
    this.cachedTokens += day.cachedTokens;
    this.requests += day.requests;
    if (day.costNanos !== 0n) {
      this.costs.add(day.currency, day.costNanos);
      return;
    }
    if (day.inputTokens + day.outputTokens === 0) return;
    // Tokens the provider reported without a cost: estimated, apart.
    const price = day.model
      ? this.prices.resolve(day.provider, day.model, day.dayStart)
      : undefined;
    if (price) this.estimatedCosts.add(price.currency, costOf(price, day));
  }

  get totalTokens() {
    return this.inputTokens + this.outputTokens;
  }

  /**
   * As the usage views' totals: requests count as calls (providers report no
   * failures, latency or processing calls, so those stay empty).
   */
  toTotals(): UsageTotals {
    return {
      calls: this.requests,
      successCalls: this.requests,
      failedCalls: 0,
      processingCalls: 0,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cachedTokens: this.cachedTokens,
      totalTokens: this.totalTokens,
      costs: this.costs.toAmounts(),
      pricedCosts: [],
      estimatedCosts: this.estimatedCosts.toAmounts(),
      successRate: null,
      avgLatencyMs: null,
      p95LatencyMs: null,
    };
  }

  toBreakdownItem(
    head: Pick<
      ProviderUsageBreakdownItem,
      'id' | 'label' | 'provider' | 'accountId'
    >,
  ): ProviderUsageBreakdownItem {
    return {
      ...head,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cachedTokens: this.cachedTokens,
      totalTokens: this.totalTokens,
      requests: this.requests,
      costs: this.costs.toAmounts(),
      estimatedCosts: this.estimatedCosts.toAmounts(),
    };
  }
}

/** Sums days into one entry per key of `keyOf`, in first-seen order. */
export function sumBy<K>(
  days: ProviderUsageDay[],
  prices: PriceResolver,
  keyOf: (day: ProviderUsageDay) => K | undefined,
): Map<K, ProviderUsageSums> {
  const sums = new Map<K, ProviderUsageSums>();
  for (const day of days) {
    const key = keyOf(day);
    if (key === undefined) continue;
    let entry = sums.get(key);
    if (!entry) {
      entry = new ProviderUsageSums(prices);
      sums.set(key, entry);
    }
    entry.add(day);
  }
  return sums;
}
