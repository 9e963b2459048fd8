import { ReactNode } from 'react';
import { TableCell, TableSortLabel } from '@material-ui/core';
import type { SortOrder } from '@llm-usage/backstage-plugin-llm-usage-common';

/** @internal */
export interface SortLabelProps<F extends string> {
  field: F;
  /** The field the list is sorted by now, and in which order. */
  sort?: F;
  order: SortOrder;
  /** The order a column is sorted in when it is chosen; a second click flips it. */
  firstOrder: SortOrder;
  onSortChange: (field: F, order: SortOrder) => void;
  children: ReactNode;
}

/** A column title that sorts by its field. */
export function SortLabel<F extends string>(props: SortLabelProps<F>) {
  const { field, sort, order, firstOrder, onSortChange, children } = props;
  const active = field === sort;
  const flipped = order === 'asc' ? 'desc' : 'asc';
  return (
    <TableSortLabel
      active={active}
      direction={active ? order : firstOrder}
      onClick={() => onSortChange(field, active ? flipped : firstOrder)}
    >
      {children}
    </TableSortLabel>
  );
}

/** @internal */
export interface SortHeaderCellProps<F extends string>
  extends Omit<SortLabelProps<F>, 'field' | 'onSortChange'> {
  /** Without a field (or without onSortChange) the column does not sort. */
  field?: F;
  onSortChange?: (field: F, order: SortOrder) => void;
  numeric?: boolean;
}

/** A header cell of a sortable table. */
export function SortHeaderCell<F extends string>(
  props: SortHeaderCellProps<F>,
) {
  const { field, sort, order, numeric, onSortChange, children } = props;
  return (
    <TableCell
      align={numeric ? 'right' : 'left'}
      sortDirection={field !== undefined && field === sort ? order : false}
    >
      {field !== undefined && onSortChange ? (
        <SortLabel {...props} field={field} onSortChange={onSortChange} />
      ) : (
        children
      )}
    </TableCell>
  );
}
