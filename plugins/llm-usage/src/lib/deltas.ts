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
  | { kind: 'unknown' };

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
