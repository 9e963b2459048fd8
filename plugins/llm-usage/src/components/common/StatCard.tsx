import { ReactNode } from 'react';
import {
  Box,
  Card,
  CardContent,
  Typography,
  makeStyles,
} from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';

const useStyles = makeStyles(theme => {
  // Themes give the h4 size as pixels (a number) or as a CSS length.
  const h4Size = theme.typography.h4.fontSize;
  const headlineMax =
    typeof h4Size === 'number' ? theme.typography.pxToRem(h4Size) : h4Size;
  return {
    card: {
      height: '100%',
    },
    content: {
      padding: theme.spacing(2),
      // The headline scales with the card, not the viewport: the same card is
      // a quarter of a wide page or half of a phone.
      containerType: 'inline-size',
      '&:last-child': {
        paddingBottom: theme.spacing(2),
      },
    },
    value: {
      fontWeight: theme.typography.fontWeightBold as number,
      lineHeight: 1.2,
      // Scaled to the card so that an amount like "CN¥3,250.00" keeps to one
      // line on half a phone: a number broken across lines reads as two.
      fontSize: `clamp(1rem, 12cqi, ${headlineMax})`,
      '&, & > *': {
        whiteSpace: 'nowrap',
        overflow: 'hidden',
        textOverflow: 'ellipsis',
      },
    },
  };
});

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
  /** Full value on hover when `value` is abbreviated; defaults to a text `value`. */
  valueTitle?: string;
}

/** One headline number on a card; shows a skeleton until data is there. */
export function StatCard({
  title,
  value,
  caption,
  footer,
  loading,
  valueTitle,
}: StatCardProps) {
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
              // A narrow card may cut a long value short; the title keeps it whole.
              title={
                valueTitle ?? (typeof value === 'string' ? value : undefined)
              }
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
