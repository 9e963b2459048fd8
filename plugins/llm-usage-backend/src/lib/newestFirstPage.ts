import type { Knex } from 'knex';
import { z } from 'zod/v3';
import {
  cursorNumber,
  cursorText,
  decodeCursorParts,
  encodeCursorParts,
} from './cursorParts';

/** The time and id of the last row of a page. */
const timeAndIdSchema = z.tuple([cursorNumber(), cursorText(64)]);

/**
 * One page of `query`'s rows, newest first by `timeColumn` (ties by id),
 * after the row `cursor` names, with the cursor of the next page while
 * there is one. Keyset paging: rows written meanwhile shift no page.
 */
export async function newestFirstPage<Row extends { id: string }>(
  query: Knex.QueryBuilder,
  timeColumn: keyof Row & string,
  page: { limit: number; cursor?: string },
): Promise<{ rows: Row[]; nextCursor?: string }> {
  if (page.cursor) {
    const [time, id] = decodeCursorParts(page.cursor, timeAndIdSchema);
    query.where(after =>
      after
        .where(timeColumn, '<', time)
        .orWhere(same => same.where(timeColumn, time).where('id', '<', id)),
    );
  }
  const rows: Row[] = await query
    .orderBy([
      { column: timeColumn, order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return rows.length > page.limit && last
    ? {
        rows: shown,
        nextCursor: encodeCursorParts([Number(last[timeColumn]), last.id]),
      }
    : { rows: shown };
}
