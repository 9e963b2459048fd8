import { ReactNode } from 'react';
import { TableSortLabel } from '@material-ui/core';
import type { SortOrder } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { DataTableColumn } from './DataTable';

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
export function SortLabel<F extends string>({
  field,
  sort,
  order,
  firstOrder,
  onSortChange,
  children,
}: SortLabelProps<F>) {
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
export interface SortableColumn<F extends string> {
  label: string;
  /** Without a field the column does not sort. */
  sort?: F;
  /** Figures and dates: right-aligned and never wrapped. */
  numeric?: boolean;
  /** Dates that stay on one line but read left to right. */
  nowrap?: boolean;
  /** Leaves first when the table is too narrow; never money. */
  low?: boolean;
}

/** @internal */
export interface ColumnSorting<F extends string> {
  sort?: F;
  order: SortOrder;
  /** The order a column is sorted in when it is chosen. */
  firstOrder: (field: F) => SortOrder;
  /** Without it no column sorts. */
  onSortChange?: (field: F, order: SortOrder) => void;
}

/** The DataTable columns of a sortable table. */
export function sortableColumns<F extends string>(
  columns: Array<SortableColumn<F>>,
  sorting: ColumnSorting<F>,
): DataTableColumn[] {
  const { sort, order, firstOrder, onSortChange } = sorting;
  return columns.map(column => {
    const field = column.sort;
    return {
      align: column.numeric ? 'right' : undefined,
      nowrap: column.numeric || column.nowrap,
      priority: column.low ? 'low' : undefined,
      sortDirection: field !== undefined && field === sort ? order : false,
      label:
        field !== undefined && onSortChange ? (
          <SortLabel
            field={field}
            sort={sort}
            order={order}
            firstOrder={firstOrder(field)}
            onSortChange={onSortChange}
          >
            {column.label}
          </SortLabel>
        ) : (
          column.label
        ),
    };
  });
}
