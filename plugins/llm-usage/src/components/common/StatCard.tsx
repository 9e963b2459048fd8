import { ReactNode } from 'react';
import {
  Box,
  Card,
  CardContent,
  Typography,
  makeStyles,
} from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';

const useStyles = makeStyles(theme => ({
  card: {
    height: '100%',
  },
  content: {
    padding: theme.spacing(2),
    '&:last-child': {
      paddingBottom: theme.spacing(2),
    },
  },
  value: {
    fontWeight: theme.typography.fontWeightBold as number,
    lineHeight: 1.2,
    wordBreak: 'break-word',
  },
}));

/** @internal */
export interface StatCardProps {
  title: string;
  /** The headline; several lines are allowed (e.g. one per currency). */
  value?: ReactNode;
  /** A small line under the value. */
  caption?: ReactNode;
  /** Change against the previous period, rendered under the caption. */
  footer?: ReactNode;
  loading?: boolean;
  /** Full value for screen readers and hover when `value` is abbreviated. */
  valueTitle?: string;
}

/** One headline number on a card; shows a skeleton until data is there. */
export function StatCard(props: StatCardProps) {
  const { title, value, caption, footer, loading, valueTitle } = props;
  const classes = useStyles();
  return (
    <Card className={classes.card} variant="outlined">
      <CardContent className={classes.content}>
        <Typography variant="body2" color="textSecondary" component="h3">
          {title}
        </Typography>
        {loading ? (
          <Box data-testid="stat-card-skeleton">
            <Skeleton variant="text" width="60%" height={40} />
            <Skeleton variant="text" width="40%" />
          </Box>
        ) : (
          <>
            <Typography
              variant="h4"
              component="div"
              className={classes.value}
              title={valueTitle}
            >
              {value}
            </Typography>
            {caption && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {caption}
              </Typography>
            )}
            {footer}
          </>
        )}
      </CardContent>
    </Card>
  );
}
