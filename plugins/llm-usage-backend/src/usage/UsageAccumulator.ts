import type { UsageTotals } from '@llm-usage/backstage-plugin-llm-usage-common';
import { LatencySketch } from '../rollup/LatencySketch';
import { CostTotals } from '../lib/money';
import {
  addCounters,
  emptyCounters,
  type UsageCounters,
} from '../lib/usageCounters';

/** Sums counters, costs and (optionally) latency sketches of many rows. */
export class UsageAccumulator {
  readonly counters = emptyCounters();
  readonly costs = new CostTotals();
  /** The part of `costs` the price book computed. */
  readonly pricedCosts = new CostTotals();
  private latency?: LatencySketch;

  addCounters(other: UsageCounters) {
    addCounters(this.counters, other);
  }

  addCost(currency: string, nanos: bigint, pricedNanos = 0n) {
    this.costs.add(currency, nanos);
    if (pricedNanos !== 0n) this.pricedCosts.add(currency, pricedNanos);
  }

  get sketch(): LatencySketch {
    this.latency ??= new LatencySketch();
    return this.latency;
  }

  hasSketch(): boolean {
    return this.latency !== undefined;
  }

  merge(other: UsageAccumulator) {
    this.addCounters(other.counters);
    this.costs.addAll(other.costs);
    this.pricedCosts.addAll(other.pricedCosts);
    if (other.latency) {
      this.sketch.merge(other.latency);
    }
  }

  /** An independent copy, to add to without changing this one. */
  copy(): UsageAccumulator {
    const copy = new UsageAccumulator();
    copy.merge(this);
    return copy;
  }

  toTotals(): UsageTotals {
    const c = this.counters;
    const finished = c.successCalls + c.failedCalls;
    return {
      calls: c.calls,
      successCalls: c.successCalls,
      failedCalls: c.failedCalls,
      processingCalls: c.processingCalls,
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      cachedTokens: c.cachedTokens,
      totalTokens: c.inputTokens + c.outputTokens,
      costs: this.costs.toAmounts(),
      pricedCosts: this.pricedCosts.toAmounts(),
      successRate: finished > 0 ? c.successCalls / finished : null,
      avgLatencyMs:
        c.latencyCount > 0 ? round1(c.latencySumMs / c.latencyCount) : null,
      p95LatencyMs: this.latency
        ? roundOrNull(this.latency.quantile(0.95))
        : null,
    };
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round1(value);
}
