import { TablePagination, makeStyles } from '@material-ui/core';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  // On a phone the controls wrap instead of pushing the page sideways.
  toolbar: {
    flexWrap: 'wrap',
    justifyContent: 'flex-end',
    paddingLeft: 0,
    [theme.breakpoints.down('xs')]: {
      '& > :first-child': {
        display: 'none',
      },
    },
  },
  actions: {
    [theme.breakpoints.down('xs')]: {
      marginLeft: theme.spacing(1),
    },
  },
}));

/** @internal */
export interface TablePagerProps {
  count: number;
  page: number;
  rowsPerPage: number;
  /** Without it (or with one size) the page size is fixed. */
  rowsPerPageOptions?: readonly number[];
  onPageChange: (page: number) => void;
  onRowsPerPageChange?: (size: number) => void;
}

/**
 * "Rows per page · 1–25 of 230 · ‹ ›" under a table, translated; a page past
 * the end (shrunk results, an old link) shows as the last.
 */
export function TablePager({
  count,
  page,
  rowsPerPage,
  rowsPerPageOptions = [],
  onPageChange,
  onRowsPerPageChange,
}: TablePagerProps) {
  const classes = useStyles();
  const { t, format } = useLocalization();
  return (
    <TablePagination
      component="div"
      classes={{ toolbar: classes.toolbar, actions: classes.actions }}
      count={count}
      page={Math.min(page, Math.max(0, Math.ceil(count / rowsPerPage) - 1))}
      rowsPerPage={rowsPerPage}
      rowsPerPageOptions={[...rowsPerPageOptions]}
      onPageChange={(_event, next) => onPageChange(next)}
      onRowsPerPageChange={e => onRowsPerPageChange?.(Number(e.target.value))}
      labelRowsPerPage={t('projects.rowsPerPage')}
      labelDisplayedRows={({ from, to, count: total }) =>
        t('projects.displayedRows', {
          from: format.integer(from),
          to: format.integer(to),
          total: format.integer(total),
        })
      }
    />
  );
}
