import type { IngestCallsResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { CallListPage, CallStore } from '../database/CallStore';
import type { NormalizedCall, VisibilityScope } from '../database/types';
import type { PriceBook, PriceResolver } from './PriceBook';
import { type BilledTokens, costOf, withinCostBound } from './prices';

/** What the price book makes of one call's tokens. */
export interface PricedCost {
  costNanos: bigint;
  currency: string;
}

/**
 * The priced cost of a call of `provider` / `model` at `occurredAt`, or
 * undefined when no price applies or the cost would pass the per-call bound
 * every stored cost obeys (then the call stays without a cost).
 */
export function pricedCostOf(
  resolver: PriceResolver,
  call: BilledTokens & { provider: string; model: string; occurredAt: number },
): PricedCost | undefined {
  const price = resolver.resolve(call.provider, call.model, call.occurredAt);
  if (!price) return undefined;
  const costNanos = costOf(price, call);
  return withinCostBound(costNanos)
    ? { costNanos, currency: price.currency }
    : undefined;
}

/**
 * Prices calls that arrive without a cost, for every way in (`POST /calls`,
 * OTLP, LiteLLM: they all store through the call store), then stores them
 * through the wrapped store. A call with a cost keeps it as reported.
 * Idempotency holds: a resent final call is left as stored, whatever the
 * price book says now.
 */
export class PricingCallStore implements CallStore {
  constructor(
    private readonly calls: CallStore,
    private readonly prices: PriceBook,
  ) {}

  async ingest(calls: NormalizedCall[]): Promise<IngestCallsResponse> {
    if (!calls.some(call => call.costSource === null)) {
      return this.calls.ingest(calls);
    }
    const resolver = await this.prices.resolver();
    return this.calls.ingest(
      calls.map(call => {
        if (call.costSource !== null) return call;
        const priced = pricedCostOf(resolver, call);
        return priced ? { ...call, ...priced, costSource: 'priced' } : call;
      }),
    );
  }

  list(...args: Parameters<CallStore['list']>): Promise<CallListPage> {
    return this.calls.list(...args);
  }

  hasVisibleCalls(scope: VisibilityScope, projectId: string) {
    return this.calls.hasVisibleCalls(scope, projectId);
  }
}
