import { Chip, Tooltip, makeStyles } from '@material-ui/core';
import type { CostSource } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  chip: {
    height: 18,
    fontSize: '0.7rem',
    marginLeft: theme.spacing(0.5),
  },
}));

/**
 * Where a cost comes from, next to the cost: sent by the caller, priced
 * from the price book, or reported by the provider's billing. Nothing for a
 * call without a cost.
 */
export function CostSourceChip(props: { source: CostSource | null }) {
  const { source } = props;
  const classes = useStyles();
  const { t } = useLocalization();
  if (!source) return null;
  return (
    <Tooltip title={t(`costSource.${source}Hint`)}>
      <Chip
        size="small"
        variant="outlined"
        color={source === 'priced' ? 'primary' : 'default'}
        className={classes.chip}
        label={t(`costSource.${source}`)}
        data-testid={`cost-source-${source}`}
      />
    </Tooltip>
  );
}
