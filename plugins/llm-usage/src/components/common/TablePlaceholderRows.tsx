import { ReactNode } from 'react';
import { TableCell, TableRow, Typography } from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';

/** How many rows stand in for a table's first page. */
const SKELETON_ROWS = 5;

/**
 * Rows standing in for a table's first page while it loads: a text skeleton
 * per column, or one across the row when `spanned`.
 *
 * @internal
 */
export function SkeletonTableRows(props: {
  columnCount: number;
  testId: string;
  spanned?: boolean;
}) {
  const { columnCount, testId, spanned } = props;
  const cells = spanned ? 1 : columnCount;
  return (
    <>
      {Array.from({ length: SKELETON_ROWS }, (_, row) => (
        <TableRow key={row} data-testid={testId}>
          {Array.from({ length: cells }, (__, cell) => (
            <TableCell key={cell} colSpan={spanned ? columnCount : undefined}>
              <Skeleton variant="text" />
            </TableCell>
          ))}
        </TableRow>
      ))}
    </>
  );
}

/**
 * The one row of a table with nothing to list: a quiet line across it.
 *
 * @internal
 */
export function EmptyTableRow(props: {
  columnCount: number;
  children: ReactNode;
}) {
  return (
    <TableRow>
      <TableCell colSpan={props.columnCount}>
        <Typography align="center" color="textSecondary">
          {props.children}
        </Typography>
      </TableCell>
    </TableRow>
  );
}
