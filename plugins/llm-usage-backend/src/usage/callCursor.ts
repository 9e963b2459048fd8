import { CALL_SORT_FIELDS } from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import type { CallCursor } from '../database/CallStore';
import {
  cursorNumber,
  cursorText,
  decodeCursorParts,
  encodeCursorParts,
} from '../lib/cursorParts';

/** A call list cursor holds the sort, order and last row. */
const cursorSchema = z.tuple([
  z.enum(CALL_SORT_FIELDS),
  z.enum(['asc', 'desc']),
  cursorNumber(),
  cursorText(255),
]);

export function encodeCursor(cursor: CallCursor): string {
  return encodeCursorParts([
    cursor.sort,
    cursor.order,
    cursor.value,
    cursor.id,
  ]);
}

export function decodeCursor(text: string): CallCursor {
  const [sort, order, value, id] = decodeCursorParts(text, cursorSchema);
  return { sort, order, value, id };
}
