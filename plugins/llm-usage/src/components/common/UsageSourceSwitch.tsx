import { Box, Chip, Tooltip, Typography, makeStyles } from '@material-ui/core';
import {
  USAGE_SOURCES,
  type CostAmount,
  type UsageSource,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { CostLines } from './CostLines';
import { OptionToggle } from './OptionToggle';
import { optionsOf } from './SelectField';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1.5),
  },
  estimated: {
    color: theme.palette.text.secondary,
    fontSize: '0.8rem',
  },
}));

/**
 * Recorded calls or provider reports. `shown` is the source the figures on
 * screen came from (the answer to `auto` until the viewer picks one); when
 * it is the providers', a label says so.
 */
export function UsageSourceSwitch(props: {
  shown?: UsageSource;
  onChange: (next: UsageSource) => void;
}) {
  const { shown, onChange } = props;
  const { t } = useLocalization();
  const classes = useStyles();
  return (
    <Box className={classes.root} data-testid="usage-source-switch">
      <OptionToggle
        label={t('usageSource.label')}
        value={shown ?? 'calls'}
        options={optionsOf(USAGE_SOURCES, value => t(`usageSource.${value}`))}
        onChange={onChange}
      />
      {shown === 'provider' && <FromProviderLabel />}
    </Box>
  );
}

/** "From provider reports", with what that means on hover. */
export function FromProviderLabel() {
  const { t } = useLocalization();
  return (
    <Tooltip title={t('usageSource.fromProviderHint')}>
      <Chip
        size="small"
        color="primary"
        variant="outlined"
        label={t('usageSource.fromProvider')}
        data-testid="from-provider-reports"
      />
    </Tooltip>
  );
}

/**
 * Cost estimated from the price book, one line per currency under its
 * "Estimated" label; nothing when there is none. Never added to the
 * reported cost beside it.
 */
export function EstimatedCostLines(props: { costs?: CostAmount[] }) {
  const { costs } = props;
  const { t } = useLocalization();
  const classes = useStyles();
  if (!costs || costs.length === 0) return null;
  return (
    <Tooltip title={t('usageSource.estimatedHint')}>
      <Typography
        component="div"
        className={classes.estimated}
        data-testid="estimated-cost"
      >
        {t('usageSource.estimated')}
        <CostLines costs={costs} testIdPrefix="estimated" />
      </Typography>
    </Tooltip>
  );
}
