import Decimal from 'decimal.js';
import { z } from 'zod/v3';

// Precision far above any money amount, so + - and the cents shift are exact.
const Exact = Decimal.clone({ precision: 1000 });

const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

/**
 * A plain decimal string as providers send money (`"123.78912"`): no exponent,
 * no thousands separators, no currency sign.
 *
 * @public
 */
export const decimalStringSchema = z
  .string()
  .regex(DECIMAL_PATTERN, 'expected a plain decimal string');

/**
 * Turns a JSON number amount (OpenAI costs, OpenRouter credits) into an exact
 * decimal string.
 *
 * JSON numbers reach us as binary doubles. We take the shortest decimal that
 * reads back as the same double — the digits JavaScript prints for it, which
 * are the digits the provider wrote whenever it wrote at most 15 significant
 * digits — and never format with a fixed number of places (`toFixed(2)`
 * would round sub-cent token prices away) nor add floats together.
 *
 * @public
 */
export function decimalFromNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new TypeError(`not a finite amount: ${value}`);
  }
  return new Exact(value).toFixed();
}

/** Normalises a decimal string (`"77.10"` → `"77.1"`). @public */
export function normalizeDecimal(value: string): string {
  return parseDecimal(value).toFixed();
}

/**
 * Converts an amount in the currency's minor unit (cents) to major units by
 * moving the decimal point, exactly: `"123.78912"` cents → `"1.2378912"`.
 *
 * @public
 */
export function centsToUnits(cents: string): string {
  return parseDecimal(cents).div(100).toFixed();
}

/** Exact sum of decimal strings. @public */
export function addDecimals(...values: string[]): string {
  return values
    .reduce((sum, value) => sum.plus(parseDecimal(value)), new Exact(0))
    .toFixed();
}

/** Exact `a - b` of decimal strings. @public */
export function subtractDecimals(a: string, b: string): string {
  return parseDecimal(a).minus(parseDecimal(b)).toFixed();
}

function parseDecimal(value: string): Decimal {
  if (!DECIMAL_PATTERN.test(value)) {
    throw new TypeError(`not a plain decimal: ${JSON.stringify(value)}`);
  }
  return new Exact(value);
}
