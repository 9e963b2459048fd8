import { Box, Typography, makeStyles } from '@material-ui/core';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import { Delta } from '../../lib/deltas';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(0.5),
  },
  icon: {
    fontSize: '1rem',
  },
  good: { color: theme.palette.success.main },
  bad: { color: theme.palette.error.main },
  neutral: { color: theme.palette.text.secondary },
}));

/** @internal */
export interface DeltaLabelProps {
  delta: Delta;
  /** Colours the change: whether going up is good, bad or neither. */
  tone?: 'higher-is-better' | 'lower-is-better' | 'neutral';
  /** Shown after the change, e.g. the currency it belongs to. */
  suffix?: string;
}

/**
 * "↑ 12.5% vs previous period" under an overview number, or "no earlier data
 * to compare" when the previous period holds nothing.
 */
export function DeltaLabel({
  delta,
  tone = 'neutral',
  suffix,
}: DeltaLabelProps) {
  const classes = useStyles();
  const { t, format } = useLocalization();

  if (delta.kind === 'unknown') {
    return null;
  }
  if (delta.kind === 'noEarlierData') {
    return (
      <Box className={classes.root}>
        <Typography variant="caption" color="textSecondary" component="span">
          {t('overview.noEarlierData')}
        </Typography>
      </Box>
    );
  }

  let text: string;
  let direction: 'up' | 'down' | 'flat' = 'flat';
  switch (delta.kind) {
    case 'relative':
      text = format.signedPercent(delta.ratio);
      direction = delta.ratio > 0 ? 'up' : 'down';
      break;
    case 'points':
      text = t('overview.deltaPoints', {
        value: format.signedNumber(delta.points),
      });
      direction = delta.points > 0 ? 'up' : 'down';
      break;
    case 'new':
      text = t('overview.deltaNew');
      direction = 'up';
      break;
    default:
      text = t('overview.deltaFlat');
  }

  let toneClass = classes.neutral;
  if (direction !== 'flat' && tone !== 'neutral') {
    const good = (direction === 'up') === (tone === 'higher-is-better');
    toneClass = good ? classes.good : classes.bad;
  }

  return (
    <Box className={classes.root}>
      <Typography
        variant="caption"
        component="span"
        className={`${classes.root} ${toneClass}`}
        style={{ marginTop: 0 }}
      >
        {direction === 'up' && <ArrowUpwardIcon className={classes.icon} />}
        {direction === 'down' && <ArrowDownwardIcon className={classes.icon} />}
        {suffix ? `${text} ${suffix}` : text}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="span">
        {t('overview.vsPrevious')}
      </Typography>
    </Box>
  );
}
