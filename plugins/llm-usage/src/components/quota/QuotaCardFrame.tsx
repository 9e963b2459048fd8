import { ReactNode } from 'react';
import { Box, makeStyles } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  card: {
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(2),
    height: '100%',
  },
}));

/** The outlined box of one budget's or one balance's card. */
export function QuotaCardFrame(props: { testId: string; children: ReactNode }) {
  const classes = useStyles();
  return (
    <Box className={classes.card} data-testid={props.testId}>
      {props.children}
    </Box>
  );
}
