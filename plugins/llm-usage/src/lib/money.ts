import type { CostAmount } from '@llm-usage/backstage-plugin-llm-usage-common';

const SCALE_DIGITS = 9;
const SCALE = 10n ** BigInt(SCALE_DIGITS);

function toNanos(amount: string): bigint {
  const match = /^(-)?(\d*)(?:\.(\d*))?$/.exec(amount.trim());
  if (!match) {
    return 0n;
  }
  const [, sign, whole, fraction = ''] = match;
  const nanos =
    BigInt(whole || '0') * SCALE +
    BigInt((fraction + '0'.repeat(SCALE_DIGITS)).slice(0, SCALE_DIGITS));
  return sign ? -nanos : nanos;
}

function fromNanos(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const whole = abs / SCALE;
  const fraction = (abs % SCALE)
    .toString()
    .padStart(SCALE_DIGITS, '0')
    .replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Adds amounts per currency exactly (integer nano-units, no floating point);
 * currencies are kept apart, never converted or added together.
 */
export function sumCostsByCurrency(costs: CostAmount[]): CostAmount[] {
  const totals = new Map<string, bigint>();
  for (const cost of costs) {
    totals.set(
      cost.currency,
      (totals.get(cost.currency) ?? 0n) + toNanos(cost.amount),
    );
  }
  return [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, nanos]) => ({ currency, amount: fromNanos(nanos) }));
}
