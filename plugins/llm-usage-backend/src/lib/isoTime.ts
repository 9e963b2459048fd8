import { z } from 'zod/v3';

/** The largest epoch milliseconds a JavaScript Date can hold (±275,760 years). */
export const MAX_DATE_MS = 8.64e15;

/** Epoch milliseconds a Date can hold, so toISOString() cannot throw. */
export function isRepresentableMs(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS;
}

/**
 * Epoch milliseconds of a date-time that passes zod's ISO 8601 pattern, or
 * undefined: the pattern lets through offsets such as +99:00, which
 * Date.parse cannot place (NaN), and those must be a 400, not a NaN in SQL.
 */
export function parsedIsoMs(value: string): number | undefined {
  const ms = Date.parse(value);
  return isRepresentableMs(ms) ? ms : undefined;
}

/** An ISO 8601 date-time with an offset, as epoch milliseconds. */
export function isoDateTimeMs(message: string) {
  return z
    .string()
    .datetime({ offset: true, message })
    .transform((value, ctx) => {
      const ms = parsedIsoMs(value);
      if (ms === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `${message} (the date or offset is out of range)`,
        });
        return z.NEVER;
      }
      return ms;
    });
}
