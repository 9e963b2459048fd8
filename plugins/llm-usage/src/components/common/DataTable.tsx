import { ReactNode } from 'react';
import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';

/** @internal */
export interface DataTableColumn {
  label?: ReactNode;
  align?: 'right';
  padding?: 'checkbox';
}

/** @internal */
export interface DataTableProps {
  /** The header cells, in order; `false` leaves a conditional column out. */
  columns: Array<DataTableColumn | false>;
  /** The body rows. */
  children: ReactNode;
  testId?: string;
  /** Class of the table, e.g. a minimum width. */
  className?: string;
  /** Class of the box around it; by default it scrolls sideways. */
  containerClassName?: string;
}

/** A small table with one header row, scrolling sideways on narrow screens. */
export function DataTable(props: DataTableProps) {
  const { columns, children, testId, className, containerClassName } = props;
  return (
    <Box
      className={containerClassName}
      style={containerClassName ? undefined : { overflowX: 'auto' }}
    >
      <Table size="small" className={className} data-testid={testId}>
        <TableHead>
          <TableRow>
            {columns.map((column, index) =>
              column === false ? null : (
                <TableCell
                  key={index}
                  align={column.align}
                  padding={column.padding}
                >
                  {column.label}
                </TableCell>
              ),
            )}
          </TableRow>
        </TableHead>
        <TableBody>{children}</TableBody>
      </Table>
    </Box>
  );
}
