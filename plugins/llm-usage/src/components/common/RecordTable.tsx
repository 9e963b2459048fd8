import { ReactNode } from 'react';
import { TableCell, TableRow, Typography } from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import { DataTable, DataTableColumn } from './DataTable';
import { QueryContent, QueryContentProps } from './QueryContent';

/**
 * A column of a {@link RecordTable}: its header and its cells.
 *
 * @internal
 */
export interface RecordColumn<T> extends DataTableColumn {
  /** What one row shows in this column. */
  cell: (row: T) => ReactNode;
}

/**
 * A column of figures (counts, tokens, money): right-aligned, so they line up
 * and never wrap.
 *
 * @internal
 */
export function figureColumn<T>(
  label: ReactNode,
  cell: (row: T) => ReactNode,
): RecordColumn<T> {
  return { label, align: 'right', cell };
}

/** @internal */
export interface RecordTableProps<T> {
  /** In order; `false` leaves a conditional column out. */
  columns: Array<RecordColumn<T> | false>;
  rows: readonly T[];
  /** A key per row that stays the same across reloads. */
  rowKey: (row: T) => string;
  testId?: string;
  /** Said instead of the table when there are no rows. */
  emptyText?: string;
}

/**
 * A {@link DataTable} with one row per record, every cell defined by its
 * column: the header and the cells of a column are written in one place.
 */
export function RecordTable<T>({
  columns,
  rows,
  rowKey,
  testId,
  emptyText,
}: RecordTableProps<T>) {
  const shown = columns.filter(
    (column): column is RecordColumn<T> => column !== false,
  );
  if (emptyText !== undefined && rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {emptyText}
      </Typography>
    );
  }
  return (
    <DataTable columns={shown} testId={testId}>
      {rows.map(row => (
        <TableRow key={rowKey(row)}>
          {shown.map((column, index) => (
            <TableCell key={index} align={column.align}>
              {column.cell(row)}
            </TableCell>
          ))}
        </TableRow>
      ))}
    </DataTable>
  );
}

/** @internal */
export interface QueryRecordTableProps<V, T>
  extends Omit<RecordTableProps<T>, 'rows'> {
  query: QueryContentProps<V>['query'];
  /** The rows of a loaded value. */
  rowsOf: (value: V) => readonly T[];
  /** Said instead of a table without rows. */
  emptyText: string;
  /** Whether a value has nothing to show; by default, when it has no rows. */
  isEmpty?: (value: V) => boolean;
  /** Under the table, e.g. its pager. */
  footer?: (value: V) => ReactNode;
}

/**
 * A loaded list as a {@link RecordTable}: a skeleton until the first value,
 * a quiet line when there is nothing to list, the error with a retry.
 */
export function QueryRecordTable<V, T>(props: QueryRecordTableProps<V, T>) {
  const { query, rowsOf, emptyText, isEmpty, footer, ...table } = props;
  return (
    <QueryContent
      query={query}
      loading={<Skeleton variant="rect" height={120} />}
      isEmpty={isEmpty ?? (value => rowsOf(value).length === 0)}
      empty={<Typography color="textSecondary">{emptyText}</Typography>}
    >
      {value => (
        <>
          <RecordTable {...table} rows={rowsOf(value)} />
          {footer?.(value)}
        </>
      )}
    </QueryContent>
  );
}
