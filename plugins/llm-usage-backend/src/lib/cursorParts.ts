import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';

/**
 * Parts of a keyset cursor. Cursors come back from clients, so a forged one
 * must fail here rather than in SQL: numbers are safe integers (1e300 passes
 * `int()` but no bigint column takes it) and text holds no NUL character
 * (PostgreSQL refuses it in text, and the JSON inside base64 hides it from
 * the query-level NUL check).
 */
export const cursorNumber = () => z.number().int().safe();

export const cursorText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine(text => !text.includes('\u0000'));

/** Cursors are opaque to clients: base64url of the JSON of their parts. */
export function encodeCursorParts(parts: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The parts of a cursor this endpoint returned; InputError for any other text. */
export function decodeCursorParts<T>(text: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(
      JSON.parse(Buffer.from(text, 'base64url').toString('utf8')),
    );
  } catch {
    throw new InputError(
      `Invalid query parameter 'cursor': not a cursor returned by this endpoint`,
    );
  }
}
