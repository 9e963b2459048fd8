import { ReactNode } from 'react';
import type { DataTableColumn } from './DataTable';

/**
 * Table columns from their ids, each titled by `title` (usually a
 * translation under the table's own key); the `figures` are right-aligned.
 */
export function titledColumns<Id extends string>(
  ids: readonly Id[],
  title: (id: Id) => ReactNode,
  figures: readonly Id[] = [],
): DataTableColumn[] {
  return ids.map(id => ({
    label: title(id),
    ...(figures.includes(id) ? { align: 'right' as const } : {}),
  }));
}
