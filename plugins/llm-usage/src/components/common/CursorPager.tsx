import { Box, Button, makeStyles } from '@material-ui/core';
import type { CursorPages } from '../../hooks/useCursorPages';
import { PageSizeSelect, PageSizeSelectProps } from './PageSizeSelect';

const useStyles = makeStyles(theme => ({
  pager: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'flex-end',
    gap: theme.spacing(1),
    marginTop: theme.spacing(2),
  },
}));

/** @internal */
export interface CursorPagerProps {
  pages: CursorPages;
  /** The cursor of the next older page, from the last response. */
  nextCursor?: string | null;
  newerLabel: string;
  olderLabel: string;
  /** Shown before the buttons; without it the page size is fixed. */
  pageSize?: PageSizeSelectProps;
}

/** Newer and older buttons under a list read page by page. */
export function CursorPager({
  pages,
  nextCursor,
  newerLabel,
  olderLabel,
  pageSize,
}: CursorPagerProps) {
  const classes = useStyles();
  return (
    <Box className={classes.pager}>
      {pageSize && <PageSizeSelect {...pageSize} />}
      <Button disabled={!pages.hasNewer} onClick={pages.newer}>
        {newerLabel}
      </Button>
      <Button
        disabled={!nextCursor}
        onClick={() => nextCursor && pages.older(nextCursor)}
      >
        {olderLabel}
      </Button>
    </Box>
  );
}
