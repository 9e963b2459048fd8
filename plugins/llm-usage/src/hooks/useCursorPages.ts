import { useState } from 'react';

/** @internal */
export interface CursorPages {
  /** The cursor of the page shown; undefined on the first page. */
  cursor?: string;
  hasNewer: boolean;
  newer: () => void;
  /** Moves on to the page that `nextCursor` starts. */
  older: (nextCursor: string) => void;
}

/**
 * Keyset paging: the cursors of the pages before the current one, forgotten
 * when `key` (the filters) changes, so new filters start on the first page.
 */
export function useCursorPages(key: string): CursorPages {
  const [pages, setPages] = useState<{ key: string; cursors: string[] }>({
    key: '',
    cursors: [],
  });
  const cursors = pages.key === key ? pages.cursors : [];
  return {
    cursor: cursors[cursors.length - 1],
    hasNewer: cursors.length > 0,
    newer: () => setPages({ key, cursors: cursors.slice(0, -1) }),
    older: nextCursor => setPages({ key, cursors: [...cursors, nextCursor] }),
  };
}
