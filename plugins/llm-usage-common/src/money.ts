import type { CostAmount } from './types';

/**
 * Money travels as decimal strings and is summed as integer nano-units
 * (1e-9 of the currency unit) in BigInt, so totals are exact on the server and
 * in the browser alike and never pass through a float. Plain JavaScript only:
 * this module is shared by the frontend and the backend.
 */
const NANO_DIGITS = 9;
const NANOS_PER_UNIT = 10n ** BigInt(NANO_DIGITS);
const DECIMAL_PATTERN = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string or a number into nano-units, rounding half away from
 * zero past the ninth decimal. Returns undefined when the input is not a plain
 * decimal (no exponent, no thousands separators).
 *
 * @public
 */
export function parseDecimalToNanos(
  value: string | number,
): bigint | undefined {
  let text = typeof value === 'string' ? value.trim() : '';
  if (typeof value === 'number' && Number.isFinite(value)) {
    text = value.toFixed(12);
  }
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) {
    return undefined;
  }
  const [, sign, whole, fraction = ''] = match;
  const kept = fraction.slice(0, NANO_DIGITS).padEnd(NANO_DIGITS, '0');
  let nanos = BigInt(whole) * NANOS_PER_UNIT + BigInt(kept);
  if (fraction.length > NANO_DIGITS && fraction.charCodeAt(NANO_DIGITS) >= 53) {
    nanos += 1n; // the tenth decimal is 5 or more
  }
  return sign ? -nanos : nanos;
}

/**
 * Formats nano-units as a decimal string without trailing zeros (`"12.5"`, `"0"`).
 *
 * @public
 */
export function formatNanos(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const whole = abs / NANOS_PER_UNIT;
  const fraction = (abs % NANOS_PER_UNIT)
    .toString()
    .padStart(NANO_DIGITS, '0')
    .replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Reads an integer column that PostgreSQL returns as a string for bigint/sum.
 *
 * @public
 */
export function toBigInt(value: unknown): bigint {
  if (value === null || value === undefined) {
    return 0n;
  }
  return typeof value === 'bigint' ? value : BigInt(value as string | number);
}

/**
 * Per-currency running totals of nano-units; currencies are kept apart, never
 * converted or added together.
 *
 * @public
 */
export class CostTotals {
  private readonly byCurrency = new Map<string, bigint>();

  add(currency: string, nanos: bigint) {
    this.byCurrency.set(
      currency,
      (this.byCurrency.get(currency) ?? 0n) + nanos,
    );
  }

  addAll(other: CostTotals) {
    for (const [currency, nanos] of other.byCurrency) {
      this.add(currency, nanos);
    }
  }

  nanos(currency: string): bigint {
    return this.byCurrency.get(currency) ?? 0n;
  }

  /** A single sortable figure: the largest amount of any currency. */
  dominantNanos(): bigint {
    let max = 0n;
    for (const nanos of this.byCurrency.values()) {
      if (nanos > max) max = nanos;
    }
    return max;
  }

  toAmounts(): CostAmount[] {
    return [...this.byCurrency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, nanos]) => ({ currency, amount: formatNanos(nanos) }));
  }
}

/**
 * Adds decimal amounts per currency exactly, sorted by currency. An amount
 * that is not a plain decimal counts as zero rather than poisoning the total.
 *
 * @public
 */
export function sumCostsByCurrency(costs: CostAmount[]): CostAmount[] {
  const totals = new CostTotals();
  for (const cost of costs) {
    totals.add(cost.currency, parseDecimalToNanos(cost.amount) ?? 0n);
  }
  return totals.toAmounts();
}
