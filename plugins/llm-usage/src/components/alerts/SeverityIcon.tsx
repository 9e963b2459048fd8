import { Tooltip, makeStyles } from '@material-ui/core';
import ErrorIcon from '@material-ui/icons/Error';
import InfoIcon from '@material-ui/icons/Info';
import WarningIcon from '@material-ui/icons/Warning';
import type { AlertSeverity } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  info: { color: theme.palette.info.main },
  warning: { color: theme.palette.warning.main },
  error: { color: theme.palette.error.main },
}));

const ICONS = { info: InfoIcon, warning: WarningIcon, error: ErrorIcon };

/** A coloured icon for the severity, named for screen readers. */
export function SeverityIcon(props: { severity: AlertSeverity }) {
  const { t } = useLocalization();
  const classes = useStyles();
  const Icon = ICONS[props.severity];
  const label = t(`alerts.severities.${props.severity}`);
  return (
    <Tooltip title={label}>
      <Icon
        fontSize="small"
        className={classes[props.severity]}
        aria-label={label}
        role="img"
      />
    </Tooltip>
  );
}
