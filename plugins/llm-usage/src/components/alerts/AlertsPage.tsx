import { useState } from 'react';
import {
  Box,
  Button,
  Chip,
  FormControlLabel,
  MenuItem,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  makeStyles,
} from '@material-ui/core';
import { EmptyState, Progress } from '@backstage/core-components';
import {
  alertApiRef,
  useApi,
  useTranslationRef,
} from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ALERT_SEVERITIES,
  ALERT_STATES,
  ALERT_TYPES,
  type Alert,
  type AlertListQuery,
  type AlertSeverity,
  type AlertType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import {
  notifyAlertsChanged,
  useAlerts,
  useFormatters,
  useUrlParams,
} from '../../hooks';
import { oneOf } from '../../lib/params';
import { llmUsageTranslationRef } from '../../translation';
import { LlmUsageLayout, QueryErrorPanel, SectionCard } from '../common';
import { AlertDrawer } from './AlertDrawer';
import { useAlertMessage } from './alertMessage';
import { SeverityIcon } from './SeverityIcon';

const PAGE_SIZE = 25;

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
  },
  field: { minWidth: 160 },
  row: { cursor: 'pointer' },
  unread: { fontWeight: theme.typography.fontWeightBold as number },
  pager: {
    display: 'flex',
    justifyContent: 'flex-end',
    gap: theme.spacing(1),
    marginTop: theme.spacing(2),
  },
}));

function AlertRow(props: {
  alert: Alert;
  onOpen: (id: string) => void;
  onMarkRead: (id: string) => void;
}) {
  const { alert, onOpen, onMarkRead } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const classes = useStyles();
  const format = useFormatters();
  const message = useAlertMessage();
  return (
    <TableRow
      hover
      className={classes.row}
      onClick={() => onOpen(alert.id)}
      data-testid={`alert-row-${alert.id}`}
    >
      <TableCell padding="checkbox">
        <SeverityIcon severity={alert.severity} />
      </TableCell>
      <TableCell className={alert.read ? undefined : classes.unread}>
        {message(alert)}
        <div>
          <Chip size="small" label={t(`alerts.types.${alert.type}`)} />{' '}
          {!alert.read && (
            <Chip size="small" color="primary" label={t('alerts.unread')} />
          )}
        </div>
      </TableCell>
      <TableCell onClick={e => e.stopPropagation()}>
        {alert.ownerRef ? <EntityRefLink entityRef={alert.ownerRef} /> : '—'}
      </TableCell>
      <TableCell>{format.shortDateTime(alert.firstSeenAt)}</TableCell>
      <TableCell>
        {alert.resolvedAt
          ? t('alerts.resolvedAt', {
              time: format.shortDateTime(alert.resolvedAt),
            })
          : t('alerts.states.open')}
      </TableCell>
      <TableCell padding="checkbox">
        {!alert.read && (
          <Button
            size="small"
            onClick={e => {
              e.stopPropagation();
              onMarkRead(alert.id);
            }}
          >
            {t('alerts.markRead')}
          </Button>
        )}
      </TableCell>
    </TableRow>
  );
}

/**
 * `/llm-usage/alerts`: alerts on what the viewer owns (everything for
 * admins), filtered by severity, type and state in the URL, with read state
 * per user. `?alert=<id>` opens one in the drawer, as notification links do.
 *
 * @internal
 */
export function AlertsPage() {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const api = useApi(llmUsageApiRef);
  const alertApi = useApi(alertApiRef);
  const classes = useStyles();
  const [params, setParams] = useUrlParams();
  const query: AlertListQuery = {
    severity:
      oneOf<'' | AlertSeverity>(
        params.get('severity'),
        ['', ...ALERT_SEVERITIES],
        '',
      ) || undefined,
    type:
      oneOf<'' | AlertType>(params.get('type'), ['', ...ALERT_TYPES], '') ||
      undefined,
    state: oneOf(params.get('state'), ALERT_STATES, 'open'),
    unread: params.get('unread') === 'true' || undefined,
    limit: PAGE_SIZE,
  };
  const queryKey = JSON.stringify(query);
  const [pages, setPages] = useState<{ key: string; cursors: string[] }>({
    key: '',
    cursors: [],
  });
  const cursors = pages.key === queryKey ? pages.cursors : [];
  const alerts = useAlerts({ ...query, cursor: cursors[cursors.length - 1] });
  const goTo = (next: string[]) => setPages({ key: queryKey, cursors: next });
  const openId = params.get('alert') ?? undefined;

  const report = (error: Error) =>
    alertApi.post({
      message: t('alerts.markFailed', { message: error.message }),
      severity: 'error',
      display: 'transient',
    });
  const markRead = (id: string) =>
    api.markAlertsRead([id]).then(notifyAlertsChanged, report);
  const markAllRead = () =>
    api.markAllAlertsRead().then(result => {
      notifyAlertsChanged();
      alertApi.post({
        message: t('alerts.markedAll', { total: String(result.marked) }),
        severity: 'success',
        display: 'transient',
      });
    }, report);

  let body;
  if (alerts.error) {
    body = <QueryErrorPanel error={alerts.error} onRetry={alerts.retry} />;
  } else if (!alerts.value) {
    body = <Progress />;
  } else if (alerts.value.items.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title={
          query.state === 'open' && !query.severity && !query.type
            ? t('alerts.emptyOpen')
            : t('alerts.empty')
        }
      />
    );
  } else {
    body = (
      <Box style={{ overflowX: 'auto' }}>
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                {t('alerts.columns.severity')}
              </TableCell>
              <TableCell>{t('alerts.columns.alert')}</TableCell>
              <TableCell>{t('alerts.columns.owner')}</TableCell>
              <TableCell>{t('alerts.columns.since')}</TableCell>
              <TableCell>{t('alerts.columns.state')}</TableCell>
              <TableCell padding="checkbox" />
            </TableRow>
          </TableHead>
          <TableBody>
            {alerts.value.items.map(alert => (
              <AlertRow
                key={alert.id}
                alert={alert}
                onOpen={id => setParams({ alert: id })}
                onMarkRead={markRead}
              />
            ))}
          </TableBody>
        </Table>
      </Box>
    );
  }

  return (
    <LlmUsageLayout
      title={t('alerts.title')}
      pageTitle={t('alerts.title')}
      subtitle={t('alerts.subtitle')}
    >
      <SectionCard
        title={t('alerts.title')}
        busy={alerts.loading && Boolean(alerts.value)}
        testId="alerts"
        toolbar={
          <Box className={classes.filters}>
            <TextField
              select
              className={classes.field}
              id="llm-usage-alerts-severity"
              label={t('alerts.filters.severity')}
              value={query.severity ?? ''}
              onChange={e => setParams({ severity: e.target.value })}
            >
              <MenuItem value="">{t('alerts.filters.any')}</MenuItem>
              {ALERT_SEVERITIES.map(severity => (
                <MenuItem key={severity} value={severity}>
                  {t(`alerts.severities.${severity}`)}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              select
              className={classes.field}
              id="llm-usage-alerts-type"
              label={t('alerts.filters.type')}
              value={query.type ?? ''}
              onChange={e => setParams({ type: e.target.value })}
            >
              <MenuItem value="">{t('alerts.filters.any')}</MenuItem>
              {ALERT_TYPES.map(type => (
                <MenuItem key={type} value={type}>
                  {t(`alerts.types.${type}`)}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              select
              className={classes.field}
              id="llm-usage-alerts-state"
              label={t('alerts.filters.state')}
              value={query.state}
              onChange={e => setParams({ state: e.target.value })}
            >
              {ALERT_STATES.map(state => (
                <MenuItem key={state} value={state}>
                  {t(`alerts.states.${state}`)}
                </MenuItem>
              ))}
            </TextField>
            <FormControlLabel
              control={
                <Switch
                  checked={Boolean(query.unread)}
                  onChange={e =>
                    setParams({
                      unread: e.target.checked ? 'true' : undefined,
                    })
                  }
                />
              }
              label={t('alerts.filters.unreadOnly')}
            />
            <Button variant="outlined" onClick={markAllRead}>
              {t('alerts.markAllRead')}
            </Button>
          </Box>
        }
      >
        {body}
        <Box className={classes.pager}>
          <Button
            disabled={cursors.length === 0}
            onClick={() => goTo(cursors.slice(0, -1))}
          >
            {t('alerts.newer')}
          </Button>
          <Button
            disabled={!alerts.value?.nextCursor}
            onClick={() =>
              alerts.value?.nextCursor &&
              goTo([...cursors, alerts.value.nextCursor])
            }
          >
            {t('alerts.older')}
          </Button>
        </Box>
      </SectionCard>
      <AlertDrawer
        alertId={openId}
        onClose={() => setParams({ alert: undefined })}
      />
    </LlmUsageLayout>
  );
}
