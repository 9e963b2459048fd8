import { ReactNode, useEffect } from 'react';
import {
  Box,
  Button,
  Drawer,
  IconButton,
  Typography,
  makeStyles,
} from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { Alert } from '@llm-usage/backstage-plugin-llm-usage-common';
import { Link as RouterLink } from 'react-router-dom';
import { llmUsageApiRef } from '../../api';
import {
  notifyAlertsChanged,
  usePolledQuery,
  useLocalization,
} from '../../hooks';
import { QueryErrorPanel, useLlmUsagePaths } from '../common';
import { useAlertMessage } from './alertMessage';
import { AnomalyEvidence } from './AnomalyEvidence';
import { DisableKeyAction } from './DisableKeyAction';
import { SeverityIcon } from './SeverityIcon';

const useStyles = makeStyles(theme => ({
  paper: {
    width: 480,
    maxWidth: '100vw',
    padding: theme.spacing(2, 3),
  },
  header: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
  },
  title: { flex: 1 },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    marginTop: theme.spacing(2),
  },
  label: { color: theme.palette.text.secondary },
  message: {
    fontFamily: 'monospace',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
  actions: {
    marginTop: theme.spacing(3),
    display: 'flex',
    gap: theme.spacing(1),
  },
}));

function Fact(props: { label: string; children: ReactNode }) {
  const classes = useStyles();
  return (
    <>
      <Typography variant="body2" className={classes.label}>
        {props.label}
      </Typography>
      <Typography variant="body2" component="div">
        {props.children}
      </Typography>
    </>
  );
}

function AlertDetails(props: { alert: Alert }) {
  const { alert } = props;
  const { t, format } = useLocalization();
  const classes = useStyles();
  const paths = useLlmUsagePaths();
  const message = useAlertMessage();
  const providerMessage = alert.params.error;
  // The plugin's own parts have no stored name: they are named here, translated.
  const targetName =
    alert.target.type === 'system' && alert.target.id === 'rollup'
      ? t('alerts.systemTargets.rollup')
      : alert.target.name ?? alert.target.id;
  return (
    <>
      <Typography variant="body1">{message(alert)}</Typography>
      <Box className={classes.facts}>
        <Fact label={t('alerts.drawer.target')}>
          {t(`alerts.targets.${alert.target.type}`)}: {targetName}
        </Fact>
        <Fact label={t('alerts.drawer.owner')}>
          {alert.ownerRef ? (
            <EntityRefLink entityRef={alert.ownerRef} />
          ) : (
            t('alerts.drawer.noOwner')
          )}
        </Fact>
        <Fact label={t('alerts.drawer.firstSeen')}>
          {format.dateTime(alert.firstSeenAt)}
        </Fact>
        <Fact label={t('alerts.drawer.lastSeen')}>
          {format.dateTime(alert.lastSeenAt)}
        </Fact>
        <Fact label={t('alerts.drawer.resolved')}>
          {alert.resolvedAt
            ? format.dateTime(alert.resolvedAt)
            : t('alerts.drawer.stillOpen')}
        </Fact>
        {providerMessage ? (
          <Fact
            label={
              alert.target.type === 'system'
                ? t('alerts.drawer.errorMessage')
                : t('alerts.drawer.providerMessage')
            }
          >
            <span className={classes.message}>{String(providerMessage)}</span>
          </Fact>
        ) : null}
      </Box>
      {alert.type === 'anomaly' && <AnomalyEvidence alert={alert} />}
      {alert.type === 'anomaly' &&
        alert.target.type === 'key' &&
        !alert.resolvedAt && <DisableKeyAction keyId={alert.target.id} />}
      <Box className={classes.actions}>
        {alert.target.type === 'project' && (
          <Button
            variant="outlined"
            component={RouterLink}
            to={paths.project(alert.target.id)}
          >
            {t('alerts.drawer.openProject')}
          </Button>
        )}
        {alert.target.type === 'key' && (
          <Button
            variant="outlined"
            component={RouterLink}
            to={`${paths.keys()}?key=${encodeURIComponent(alert.target.id)}`}
          >
            {t('alerts.drawer.openKeys')}
          </Button>
        )}
      </Box>
    </>
  );
}

/** Loads the alert (it may not be on the current page) and marks it read. */
function AlertDrawerBody(props: { alertId: string; onClose: () => void }) {
  const { t } = useLocalization();
  const classes = useStyles();
  const api = useApi(llmUsageApiRef);
  const alert = usePolledQuery(
    signal => api.getAlert(props.alertId, { signal }),
    `alert:${props.alertId}`,
  );
  const unread = alert.value && !alert.value.read;

  useEffect(() => {
    if (unread) {
      api
        .markAlertsRead([props.alertId])
        .then(notifyAlertsChanged)
        .catch(() => undefined);
    }
  }, [api, props.alertId, unread]);

  let body;
  if (alert.error) {
    body = <QueryErrorPanel error={alert.error} onRetry={alert.retry} />;
  } else if (!alert.value) {
    body = <Progress />;
  } else {
    body = <AlertDetails alert={alert.value} />;
  }
  return (
    <>
      <Box className={classes.header}>
        {alert.value && <SeverityIcon severity={alert.value.severity} />}
        <Typography variant="h6" className={classes.title}>
          {alert.value
            ? t(`alerts.types.${alert.value.type}`)
            : t('alerts.title')}
        </Typography>
        <IconButton
          aria-label={t('alerts.drawer.close')}
          onClick={props.onClose}
          size="small"
        >
          <CloseIcon />
        </IconButton>
      </Box>
      {body}
    </>
  );
}

/** @internal */
export interface AlertDrawerProps {
  alertId?: string;
  onClose: () => void;
}

/** The details of one alert, opened from the list or a notification link. */
export function AlertDrawer(props: AlertDrawerProps) {
  const classes = useStyles();
  return (
    <Drawer
      anchor="right"
      open={Boolean(props.alertId)}
      onClose={props.onClose}
      classes={{ paper: classes.paper }}
    >
      {props.alertId && (
        <AlertDrawerBody alertId={props.alertId} onClose={props.onClose} />
      )}
    </Drawer>
  );
}
