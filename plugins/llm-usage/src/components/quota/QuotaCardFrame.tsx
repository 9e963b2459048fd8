import { ReactNode } from 'react';
import { Box, Typography, makeStyles } from '@material-ui/core';
import { RunwayText, RunwayTextProps } from './RunwayText';

const useStyles = makeStyles(theme => ({
  card: {
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(2),
    height: '100%',
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
}));

/** @internal */
export interface QuotaCardFrameProps {
  testId: string;
  /** The budget's or the account's name. */
  title: string;
  /** What is left and what it is out of. */
  children: ReactNode;
  /** How long what is left lasts, under it. */
  runway: RunwayTextProps;
  /** Buttons at the bottom; they wrap on a narrow card. */
  actions?: ReactNode;
}

/**
 * The outlined card of one budget or one balance: its name, what is left and
 * how long that lasts at the current spend.
 */
export function QuotaCardFrame({
  testId,
  title,
  children,
  runway,
  actions,
}: QuotaCardFrameProps) {
  const classes = useStyles();
  return (
    <Box className={classes.card} data-testid={testId}>
      <Typography variant="subtitle1">{title}</Typography>
      {children}
      <Box mt={1}>
        <RunwayText {...runway} />
      </Box>
      {actions && <Box className={classes.actions}>{actions}</Box>}
    </Box>
  );
}
