import { Box, makeStyles } from '@material-ui/core';
import { DateTime } from 'luxon';
import { DateRangeFields } from './DateRangeFields';
import { SelectField, optionsOf } from './SelectField';
import {
  RANGE_PRESETS,
  RangePreset,
  RangeSelection,
  resolveRange,
  useLocalization,
} from '../../hooks';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    alignItems: 'center',
  },
  preset: {
    minWidth: 180,
  },
  date: {
    width: 170,
  },
}));

const PRESET_LABEL_KEYS = {
  '24h': 'range.last24h',
  '7d': 'range.last7d',
  '30d': 'range.last30d',
  '90d': 'range.last90d',
  custom: 'range.custom',
} as const;

/** @internal */
export interface RangePickerProps {
  value: RangeSelection;
  onChange: (value: RangeSelection) => void;
}

/** Preset ranges plus a custom pair of days in the viewer's zone. */
export function RangePicker({ value, onChange }: RangePickerProps) {
  const classes = useStyles();
  const { t } = useLocalization();

  const onPreset = (preset: RangePreset) => {
    if (preset !== 'custom') {
      onChange({ preset });
      return;
    }
    // Start the custom range from what is on screen, so nothing jumps.
    const current = resolveRange(value);
    onChange({
      preset,
      from: DateTime.fromISO(current.from).toLocal().toISODate()!,
      to: DateTime.fromISO(current.to).toLocal().toISODate()!,
    });
  };

  return (
    <Box className={classes.root}>
      <SelectField
        size="small"
        variant="outlined"
        label={t('range.label')}
        value={value.preset}
        className={classes.preset}
        onChange={preset => onPreset(preset as RangePreset)}
        inputProps={{ 'data-testid': 'range-preset' }}
        options={optionsOf(RANGE_PRESETS, preset =>
          t(PRESET_LABEL_KEYS[preset]),
        )}
      />
      {value.preset === 'custom' && (
        <DateRangeFields
          labels={{ from: t('range.from'), to: t('range.to') }}
          className={classes.date}
          value={value}
          onChange={bound => onChange({ ...value, ...bound })}
        />
      )}
    </Box>
  );
}
