import { ReactNode } from 'react';
import { Box, LinearProgress, makeStyles } from '@material-ui/core';
import { InfoCard } from '@backstage/core-components';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  progress: {
    height: 2,
    marginBottom: theme.spacing(1),
  },
  progressSpacer: {
    height: 2,
    marginBottom: theme.spacing(1),
  },
}));

/** @internal */
export interface SectionCardProps {
  title: ReactNode;
  subheader?: ReactNode;
  /** Controls above the content; they wrap on narrow screens. */
  toolbar?: ReactNode;
  /**
   * A new query is loading while older data is still shown: a thin bar, no
   * skeleton, so the layout does not jump.
   */
  busy?: boolean;
  children: ReactNode;
  testId?: string;
}

/** An InfoCard with a wrapping toolbar and a quiet busy indicator. */
export function SectionCard({
  title,
  subheader,
  toolbar,
  busy,
  children,
  testId,
}: SectionCardProps) {
  const classes = useStyles();
  return (
    <InfoCard title={title} subheader={subheader} variant="gridItem">
      <Box data-testid={testId}>
        {toolbar && <Box className={classes.toolbar}>{toolbar}</Box>}
        {busy ? (
          <LinearProgress className={classes.progress} />
        ) : (
          <div className={classes.progressSpacer} />
        )}
        {children}
      </Box>
    </InfoCard>
  );
}
