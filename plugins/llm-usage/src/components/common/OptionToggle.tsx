import { Box, Typography, makeStyles } from '@material-ui/core';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import type { TrendInterval } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useLocalization } from '../../hooks';
import { optionsOf } from './SelectField';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  button: {
    textTransform: 'none',
    padding: theme.spacing(0.25, 1.25),
  },
}));

/** @internal */
export interface OptionToggleProps<T extends string> {
  label: string;
  value: T;
  options: Array<{ value: T; label: string }>;
  onChange: (value: T) => void;
}

/** A labelled row of mutually exclusive choices (interval, metric, ...). */
export function OptionToggle<T extends string>({
  label,
  value,
  options,
  onChange,
}: OptionToggleProps<T>) {
  const classes = useStyles();
  return (
    <Box className={classes.root}>
      <Typography variant="caption" color="textSecondary">
        {label}
      </Typography>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={value}
        aria-label={label}
        onChange={(_event, next: T | null) => {
          if (next) {
            onChange(next);
          }
        }}
      >
        {options.map(option => (
          <ToggleButton
            key={option.value}
            value={option.value}
            className={classes.button}
            aria-label={option.label}
          >
            {option.label}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
    </Box>
  );
}

/** The bucket size of a trend chart, among those the range allows. */
export function TrendIntervalToggle(props: {
  value: TrendInterval;
  intervals: TrendInterval[];
  onChange: (interval: TrendInterval) => void;
}) {
  const { t } = useLocalization();
  return (
    <OptionToggle
      label={t('trend.interval')}
      value={props.value}
      onChange={props.onChange}
      options={optionsOf(props.intervals, interval =>
        t(`trend.intervals.${interval}`),
      )}
    />
  );
}
