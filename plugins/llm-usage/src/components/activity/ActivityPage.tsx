import { useState } from 'react';
import {
  Box,
  Button,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  makeStyles,
} from '@material-ui/core';
import { EmptyState, Progress } from '@backstage/core-components';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import { llmUsageApiRef } from '../../api';
import { useUrlParams } from '../../hooks';
import { useAuditEvents } from '../../hooks/quota';
import { oneOf } from '../../lib/params';
import { llmUsageTranslationRef } from '../../translation';
import {
  ExportMenu,
  LlmUsageLayout,
  QueryErrorPanel,
  SearchField,
  SectionCard,
} from '../common';
import { AuditEventRow } from './AuditEventRow';
import {
  ACTIVITY_TARGET_TYPES,
  ActivityFilters,
  toAuditQuery,
} from './auditQuery';

const PAGE_SIZES = ['25', '50', '100'];

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
  },
  field: { minWidth: 180 },
  pager: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'flex-end',
    gap: theme.spacing(1),
    marginTop: theme.spacing(2),
  },
}));

/**
 * `/llm-usage/activity`: the audit trail with filters kept in the URL,
 * keyset paging and a server-streamed export.
 *
 * @internal
 */
export function ActivityPage() {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const api = useApi(llmUsageApiRef);
  const classes = useStyles();
  const [params, setParams] = useUrlParams();
  const filters: ActivityFilters = {
    key: params.get('key') ?? undefined,
    user: params.get('user') ?? undefined,
    type: oneOf(params.get('type'), ['', ...ACTIVITY_TARGET_TYPES], ''),
    action: params.get('action') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
  };
  const pageSize = oneOf(params.get('size'), PAGE_SIZES, PAGE_SIZES[0]);
  const query = toAuditQuery(filters);
  const queryKey = JSON.stringify(query);
  // Cursors of the pages before the current one; reset when filters change.
  const [pages, setPages] = useState<{ key: string; cursors: string[] }>({
    key: '',
    cursors: [],
  });
  const cursors = pages.key === `${queryKey}:${pageSize}` ? pages.cursors : [];
  const cursor = cursors[cursors.length - 1];
  const events = useAuditEvents({ ...query, limit: Number(pageSize), cursor });

  const setFilter = (patch: Partial<Record<keyof ActivityFilters, string>>) =>
    setParams(patch);
  const goTo = (next: string[]) =>
    setPages({ key: `${queryKey}:${pageSize}`, cursors: next });

  let body;
  if (events.error) {
    body = <QueryErrorPanel error={events.error} onRetry={events.retry} />;
  } else if (!events.value) {
    body = <Progress />;
  } else if (events.value.items.length === 0) {
    body = <EmptyState missing="data" title={t('activity.empty')} />;
  } else {
    body = (
      <Box style={{ overflowX: 'auto' }}>
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox" />
              <TableCell>{t('activity.columns.time')}</TableCell>
              <TableCell>{t('activity.columns.actor')}</TableCell>
              <TableCell>{t('activity.columns.action')}</TableCell>
              <TableCell>{t('activity.columns.target')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {events.value.items.map(event => (
              <AuditEventRow key={event.id} event={event} />
            ))}
          </TableBody>
        </Table>
      </Box>
    );
  }

  return (
    <LlmUsageLayout
      title={t('activity.title')}
      pageTitle={t('activity.title')}
      subtitle={t('activity.subtitle')}
    >
      <SectionCard
        title={t('activity.title')}
        busy={events.loading && Boolean(events.value)}
        testId="activity"
        toolbar={
          <Box className={classes.filters}>
            <SearchField
              label={t('activity.filters.key')}
              value={filters.key ?? ''}
              onChange={value => setFilter({ key: value })}
            />
            <SearchField
              label={t('activity.filters.user')}
              value={filters.user ?? ''}
              onChange={value => setFilter({ user: value })}
            />
            <TextField
              select
              className={classes.field}
              label={t('activity.filters.type')}
              value={filters.key ? 'key' : filters.type}
              disabled={Boolean(filters.key)}
              onChange={e => setFilter({ type: e.target.value })}
            >
              <MenuItem value="">{t('activity.filters.anyType')}</MenuItem>
              {ACTIVITY_TARGET_TYPES.map(type => (
                <MenuItem key={type} value={type}>
                  {t(`activity.types.${type}`)}
                </MenuItem>
              ))}
            </TextField>
            <SearchField
              label={t('activity.filters.action')}
              value={filters.action ?? ''}
              onChange={value => setFilter({ action: value })}
            />
            <TextField
              type="date"
              label={t('activity.filters.from')}
              InputLabelProps={{ shrink: true }}
              value={filters.from ?? ''}
              onChange={e => setFilter({ from: e.target.value })}
            />
            <TextField
              type="date"
              label={t('activity.filters.to')}
              InputLabelProps={{ shrink: true }}
              value={filters.to ?? ''}
              onChange={e => setFilter({ to: e.target.value })}
            />
            <Button
              onClick={() =>
                setParams({
                  key: undefined,
                  user: undefined,
                  type: undefined,
                  action: undefined,
                  from: undefined,
                  to: undefined,
                })
              }
            >
              {t('activity.filters.clear')}
            </Button>
            <ExportMenu
              onExport={format => api.exportAuditEvents(query, format)}
              testId="activity-export"
            />
          </Box>
        }
      >
        {body}
        <Box className={classes.pager}>
          <TextField
            select
            label={t('activity.pageSize')}
            value={pageSize}
            onChange={e => setParams({ size: e.target.value })}
          >
            {PAGE_SIZES.map(size => (
              <MenuItem key={size} value={size}>
                {size}
              </MenuItem>
            ))}
          </TextField>
          <Button
            disabled={cursors.length === 0}
            onClick={() => goTo(cursors.slice(0, -1))}
          >
            {t('activity.newer')}
          </Button>
          <Button
            disabled={!events.value?.nextCursor}
            onClick={() =>
              events.value?.nextCursor &&
              goTo([...cursors, events.value.nextCursor])
            }
          >
            {t('activity.older')}
          </Button>
        </Box>
      </SectionCard>
    </LlmUsageLayout>
  );
}
