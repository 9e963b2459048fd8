import { Box, Button, TextField, makeStyles } from '@material-ui/core';
import { EmptyState } from '@backstage/core-components';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import { llmUsageApiRef } from '../../api';
import { useCursorPages, useUrlParams } from '../../hooks';
import { useAuditEvents } from '../../hooks/quota';
import { oneOf } from '../../lib/params';
import { llmUsageTranslationRef } from '../../translation';
import {
  CursorPager,
  DataTable,
  ExportMenu,
  LlmUsageLayout,
  QueryContent,
  SearchField,
  SectionCard,
  SelectField,
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
  // The cursors of the pages before this one reset when the filters change.
  const pages = useCursorPages(`${JSON.stringify(query)}:${pageSize}`);
  const events = useAuditEvents({
    ...query,
    limit: Number(pageSize),
    cursor: pages.cursor,
  });

  const setFilter = (patch: Partial<Record<keyof ActivityFilters, string>>) =>
    setParams(patch);

  const body = (
    <QueryContent
      query={events}
      isEmpty={value => value.items.length === 0}
      empty={<EmptyState missing="data" title={t('activity.empty')} />}
    >
      {value => (
        <DataTable
          columns={[
            { padding: 'checkbox' },
            { label: t('activity.columns.time') },
            { label: t('activity.columns.actor') },
            { label: t('activity.columns.action') },
            { label: t('activity.columns.target') },
          ]}
        >
          {value.items.map(event => (
            <AuditEventRow key={event.id} event={event} />
          ))}
        </DataTable>
      )}
    </QueryContent>
  );

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
            <SelectField
              className={classes.field}
              label={t('activity.filters.type')}
              value={filters.key ? 'key' : filters.type}
              disabled={Boolean(filters.key)}
              onChange={type => setFilter({ type })}
              anyLabel={t('activity.filters.anyType')}
              options={ACTIVITY_TARGET_TYPES.map(type => ({
                value: type,
                label: t(`activity.types.${type}`),
              }))}
            />
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
        <CursorPager
          pages={pages}
          nextCursor={events.value?.nextCursor}
          newerLabel={t('activity.newer')}
          olderLabel={t('activity.older')}
        >
          <SelectField
            label={t('activity.pageSize')}
            value={pageSize}
            onChange={size => setParams({ size })}
            options={PAGE_SIZES.map(size => ({ value: size, label: size }))}
          />
        </CursorPager>
      </SectionCard>
    </LlmUsageLayout>
  );
}
