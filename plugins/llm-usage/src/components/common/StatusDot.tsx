import { makeStyles } from '@material-ui/core';
import type { CallStatus } from '@llm-usage/backstage-plugin-llm-usage-common';

const useStyles = makeStyles(theme => ({
  dot: {
    display: 'inline-block',
    width: 10,
    height: 10,
    borderRadius: '50%',
    verticalAlign: 'middle',
    flexShrink: 0,
  },
  success: { backgroundColor: theme.palette.success.main },
  failed: { backgroundColor: theme.palette.error.main },
  processing: { backgroundColor: theme.palette.warning.main },
}));

/** A coloured dot for a call's status; `label` is what screen readers hear. */
export function StatusDot(props: { status: CallStatus; label: string }) {
  const classes = useStyles();
  return (
    <span
      role="img"
      aria-label={props.label}
      title={props.label}
      data-status={props.status}
      className={`${classes.dot} ${classes[props.status]}`}
    />
  );
}
