import { Button, makeStyles } from '@material-ui/core';
import { useApi } from '@backstage/frontend-plugin-api';
import { llmUsageApiRef } from '../../api';
import { useCursorPages, useUrlParams, useLocalization } from '../../hooks';
import { useAuditEvents } from '../../hooks/quota';
import { oneOf } from '../../lib/params';
import {
  CursorListPage,
  DateRangeFields,
  ExportMenu,
  SearchField,
  SelectField,
  optionsOf,
} from '../common';
import { AuditEventRow } from './AuditEventRow';
import {
  ACTIVITY_TARGET_TYPES,
  ActivityFilters,
  toAuditQuery,
} from './auditQuery';

const PAGE_SIZES = ['25', '50', '100'];

const useStyles = makeStyles({
  field: { minWidth: 180 },
});

/**
 * `/llm-usage/activity`: the audit trail with filters kept in the URL,
 * keyset paging and a server-streamed export.
 *
 * @internal
 */
export function ActivityPage() {
  const { t } = useLocalization();
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
  const searchField = (name: 'key' | 'user' | 'action') => (
    <SearchField
      label={t(`activity.filters.${name}`)}
      value={filters[name] ?? ''}
      onChange={value => setFilter({ [name]: value })}
    />
  );

  return (
    <CursorListPage
      title={t('activity.title')}
      subtitle={t('activity.subtitle')}
      testId="activity"
      filters={
        <>
          {searchField('key')}
          {searchField('user')}
          <SelectField
            className={classes.field}
            label={t('activity.filters.type')}
            value={filters.key ? 'key' : filters.type}
            disabled={Boolean(filters.key)}
            onChange={type => setFilter({ type })}
            anyLabel={t('activity.filters.anyType')}
            options={optionsOf(ACTIVITY_TARGET_TYPES, type =>
              t(`activity.types.${type}`),
            )}
          />
          {searchField('action')}
          <DateRangeFields
            labels={{
              from: t('activity.filters.from'),
              to: t('activity.filters.to'),
            }}
            value={filters}
            onChange={setFilter}
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
        </>
      }
      query={events}
      emptyTitle={t('activity.empty')}
      columns={[
        { padding: 'checkbox' },
        { label: t('activity.columns.time') },
        { label: t('activity.columns.actor') },
        { label: t('activity.columns.action') },
        { label: t('activity.columns.target') },
      ]}
      renderItem={event => <AuditEventRow key={event.id} event={event} />}
      pages={pages}
      newerLabel={t('activity.newer')}
      olderLabel={t('activity.older')}
      pageSize={{
        label: t('activity.pageSize'),
        value: pageSize,
        options: PAGE_SIZES,
        onChange: size => setParams({ size }),
      }}
    />
  );
}
