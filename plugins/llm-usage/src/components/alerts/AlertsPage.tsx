import {
  Button,
  Chip,
  FormControlLabel,
  Switch,
  TableCell,
  TableRow,
  makeStyles,
} from '@material-ui/core';
import { useApi } from '@backstage/frontend-plugin-api';
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
  useCursorPages,
  useNotify,
  useUrlParams,
  useLocalization,
} from '../../hooks';
import { oneOf } from '../../lib/params';
import { CursorListPage, SelectField, optionsOf } from '../common';
import { AlertDrawer } from './AlertDrawer';
import { useAlertMessage } from './alertMessage';
import { SeverityIcon } from './SeverityIcon';

const PAGE_SIZE = 25;

const useStyles = makeStyles(theme => ({
  field: { minWidth: 160 },
  row: { cursor: 'pointer' },
  unread: { fontWeight: theme.typography.fontWeightBold as number },
}));

function AlertRow(props: {
  alert: Alert;
  onOpen: (id: string) => void;
  onMarkRead: (id: string) => void;
}) {
  const { alert, onOpen, onMarkRead } = props;
  const { t, format } = useLocalization();
  const classes = useStyles();
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
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
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
  const pages = useCursorPages(JSON.stringify(query));
  const alerts = useAlerts({ ...query, cursor: pages.cursor });
  const openId = params.get('alert') ?? undefined;

  const report = (error: Error) =>
    notify.error(t('alerts.markFailed', { message: error.message }));
  const markRead = (id: string) =>
    api.markAlertsRead([id]).then(notifyAlertsChanged, report);
  const markAllRead = () =>
    api.markAllAlertsRead().then(result => {
      notifyAlertsChanged();
      notify.success(t('alerts.markedAll', { total: String(result.marked) }));
    }, report);

  const anyLabel = t('alerts.filters.any');
  const selectFilters = [
    {
      name: 'severity',
      value: query.severity ?? '',
      anyLabel,
      options: optionsOf(ALERT_SEVERITIES, severity =>
        t(`alerts.severities.${severity}`),
      ),
    },
    {
      name: 'type',
      value: query.type ?? '',
      anyLabel,
      options: optionsOf(ALERT_TYPES, type => t(`alerts.types.${type}`)),
    },
    {
      name: 'state',
      value: query.state,
      options: optionsOf(ALERT_STATES, state => t(`alerts.states.${state}`)),
    },
  ] as const;

  return (
    <CursorListPage
      title={t('alerts.title')}
      subtitle={t('alerts.subtitle')}
      testId="alerts"
      filters={
        <>
          {selectFilters.map(filter => (
            <SelectField
              key={filter.name}
              className={classes.field}
              id={`llm-usage-alerts-${filter.name}`}
              label={t(`alerts.filters.${filter.name}`)}
              value={filter.value}
              onChange={value => setParams({ [filter.name]: value })}
              anyLabel={'anyLabel' in filter ? filter.anyLabel : undefined}
              options={filter.options}
            />
          ))}
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
        </>
      }
      query={alerts}
      emptyTitle={
        query.state === 'open' && !query.severity && !query.type
          ? t('alerts.emptyOpen')
          : t('alerts.empty')
      }
      columns={[
        { label: t('alerts.columns.severity'), padding: 'checkbox' },
        { label: t('alerts.columns.alert') },
        { label: t('alerts.columns.owner') },
        { label: t('alerts.columns.since') },
        { label: t('alerts.columns.state') },
        { padding: 'checkbox' },
      ]}
      renderItem={alert => (
        <AlertRow
          key={alert.id}
          alert={alert}
          onOpen={id => setParams({ alert: id })}
          onMarkRead={markRead}
        />
      )}
      pages={pages}
      newerLabel={t('alerts.newer')}
      olderLabel={t('alerts.older')}
    >
      <AlertDrawer
        alertId={openId}
        onClose={() => setParams({ alert: undefined })}
      />
    </CursorListPage>
  );
}
