import type {
  CostAmount,
  UsageTotals,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/** How a number moved against the previous period. @internal */
export type Delta =
  | { kind: 'relative'; ratio: number }
  | { kind: 'points'; points: number }
  | { kind: 'new' }
  | { kind: 'flat' }
  | { kind: 'unknown' }
  /** The previous period holds nothing at all: there is nothing to compare. */
  | { kind: 'noEarlierData' };

/** Relative change of a count; `new` when there was nothing before. */
export function countDelta(current: number, previous: number): Delta {
  if (current === previous) {
    return { kind: 'flat' };
  }
  if (previous === 0) {
    return { kind: 'new' };
  }
  return { kind: 'relative', ratio: (current - previous) / previous };
}

/** Change of a rate in percentage points (a rate's relative change misleads). */
export function rateDelta(
  current: number | null,
  previous: number | null,
): Delta {
  if (current === null || previous === null) {
    return { kind: 'unknown' };
  }
  const points = (current - previous) * 100;
  return Math.abs(points) < 0.05
    ? { kind: 'flat' }
    : { kind: 'points', points };
}

/**
 * Change per currency. Amounts are compared only within one currency; the
 * float here is for a display ratio, never for a total.
 */
export function costDeltas(
  current: CostAmount[],
  previous: CostAmount[],
): Array<{ cost: CostAmount; delta: Delta }> {
  return sortCosts(current).map(cost => {
    const before = previous.find(p => p.currency === cost.currency);
    return {
      cost,
      delta: countDelta(Number(cost.amount), Number(before?.amount ?? 0)),
    };
  });
}

/** Currencies in a stable order: largest amount first, then by code. */
export function sortCosts(costs: CostAmount[]): CostAmount[] {
  return [...costs].sort(
    (a, b) =>
      Number(b.amount) - Number(a.amount) ||
      a.currency.localeCompare(b.currency),
  );
}

/** True when neither period holds a single call. */
export function hasNoCalls(current: UsageTotals, previous?: UsageTotals) {
  return current.calls === 0 && (previous?.calls ?? 0) === 0;
}

/** True when a period holds any call, token or cost. */
export function periodHasData(totals: UsageTotals): boolean {
  return (
    totals.calls + totals.processingCalls > 0 ||
    totals.totalTokens > 0 ||
    totals.costs.length > 0
  );
}

const NO_EARLIER_DATA: Delta = { kind: 'noEarlierData' };

/**
 * The delta functions for a comparison with `previous`. When the previous
 * period holds nothing (a 30-day view of 30 days of data), every card says
 * there is no earlier data instead of calling each figure "new", and the
 * cost card says it once, not once per currency.
 */
export function deltasAgainst(previous: UsageTotals | undefined) {
  if (previous && periodHasData(previous)) {
    return { countDelta, rateDelta, costDeltas };
  }
  return {
    countDelta: (_current: number, _previous: number) => NO_EARLIER_DATA,
    rateDelta: (_current: number | null, _previous: number | null) =>
      NO_EARLIER_DATA,
    costDeltas: (current: CostAmount[], _previous: CostAmount[]) =>
      sortCosts(current)
        .slice(0, 1)
        .map(cost => ({ cost, delta: NO_EARLIER_DATA })),
  };
}
