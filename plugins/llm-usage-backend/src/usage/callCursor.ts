import { InputError } from '@backstage/errors';
import { CALL_SORT_FIELDS } from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import type { CallCursor } from '../database/CallStore';
import { cursorNumber, cursorText } from '../lib/cursorParts';

/** Cursors are opaque to clients: base64url of the sort, order and last row. */
const cursorSchema = z.tuple([
  z.enum(CALL_SORT_FIELDS),
  z.enum(['asc', 'desc']),
  cursorNumber(),
  cursorText(255),
]);

export function encodeCursor(cursor: CallCursor): string {
  return Buffer.from(
    JSON.stringify([cursor.sort, cursor.order, cursor.value, cursor.id]),
  ).toString('base64url');
}

export function decodeCursor(text: string): CallCursor {
  try {
    const [sort, order, value, id] = cursorSchema.parse(
      JSON.parse(Buffer.from(text, 'base64url').toString('utf8')),
    );
    return { sort, order, value, id };
  } catch {
    throw new InputError(
      `Invalid query parameter 'cursor': not a cursor returned by this endpoint`,
    );
  }
}
