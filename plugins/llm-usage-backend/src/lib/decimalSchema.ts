import { z } from 'zod/v3';
import { parseDecimalToNanos } from './money';

/**
 * A money amount as a decimal string or number, read into nano-units: a
 * negative or malformed amount, or one above `maxNanos`, is an issue on the
 * field (the route's 400 names it).
 */
export function nonNegativeDecimal(maxNanos: bigint, maxMessage: string) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const nanos = parseDecimalToNanos(value);
    if (nanos === undefined || nanos < 0n) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be a non-negative decimal such as "0.0123"',
      });
      return z.NEVER;
    }
    if (nanos > maxNanos) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: maxMessage });
      return z.NEVER;
    }
    return nanos;
  });
}
