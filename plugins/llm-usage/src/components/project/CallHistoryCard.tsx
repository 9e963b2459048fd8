import { Fragment, useState } from 'react';
import {
  Box,
  Button,
  TableCell,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import type {
  CallListResponse,
  CallSortField,
  CallStatus,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { CALL_STATUSES } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { ExportedFile, UsageExportFormat } from '../../api';
import {
  DataTable,
  ExportMenu,
  PageSizeSelect,
  QueryErrorPanel,
  RowExpandButton,
  SectionCard,
  SelectField,
  optionsOf,
  StatusDot,
  sortableColumns,
} from '../common';
import { CostSourceChip } from '../common/CostSourceChip';
import {
  EmptyTableRow,
  SkeletonTableRows,
} from '../common/TablePlaceholderRows';
import { CallDetails } from './CallDetails';
import {
  CALL_PAGE_SIZES,
  CallListPaging,
  CallListView,
} from './useCallListParams';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  id: {
    fontFamily: 'monospace',
    maxWidth: 160,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  details: {
    backgroundColor: theme.palette.action.hover,
    '& > td': {
      whiteSpace: 'normal',
    },
  },
  // If the table scrolls sideways, the details stay in view.
  detailsContent: {
    position: 'sticky',
    left: theme.spacing(2),
    maxWidth: 'calc(100vw - 64px)',
  },
  filter: {
    minWidth: 160,
  },
  paging: {
    display: 'flex',
    flexWrap: 'wrap',
    justifyContent: 'flex-end',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
  muted: {
    color: theme.palette.text.secondary,
  },
}));

/** @internal */
export interface CallHistoryCardProps {
  calls?: CallListResponse;
  loading: boolean;
  error?: Error;
  onRetry: () => void;
  /** The models to filter by. */
  models: string[];
  view: CallListView;
  /** Changes the filters, sort or page size (the list starts again). */
  onViewChange: (patch: Partial<CallListView>) => void;
  paging: CallListPaging;
  /** Polling state, shown as a quiet caption. */
  live?: { intervalSeconds: number; paused: boolean };
  /** Downloads every call matching the filters, in the list's sort. */
  onExport?: (format: UsageExportFormat) => Promise<ExportedFile>;
}

/**
 * A project's calls, newest (or slowest) first, one keyset page at a time.
 * Expanded rows are remembered by call id, so a polling refresh that shifts
 * rows keeps them open.
 */
export function CallHistoryCard({
  calls,
  loading,
  error,
  onRetry,
  models,
  view,
  onViewChange,
  paging,
  live,
  onExport,
}: CallHistoryCardProps) {
  const classes = useStyles();
  const { t, format } = useLocalization();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const toggle = (id: string) =>
    setExpanded(previous => {
      const next = new Set(previous);
      if (next.has(id)) {
        next.delete(id);
      } else {
        next.add(id);
      }
      return next;
    });

  const columns = [
    { padding: 'checkbox' as const },
    ...sortableColumns<CallSortField>(
      [
        { label: t('calls.columns.status') },
        { label: t('calls.columns.time'), sort: 'time', nowrap: true },
        // The id is in the call's details too.
        { label: t('calls.columns.id'), low: true },
        { label: t('calls.columns.model'), nowrap: true },
        { label: t('calls.columns.type'), low: true },
        { label: t('calls.columns.tokens'), numeric: true },
        { label: t('calls.columns.latency'), sort: 'latency', numeric: true },
        { label: t('calls.columns.cost'), numeric: true },
      ],
      {
        sort: view.sort,
        order: view.order,
        firstOrder: () => 'desc',
        onSortChange: (sort, order) => onViewChange({ sort, order }),
      },
    ),
  ];
  const columnCount = columns.length;
  const { model, status } = view;
  const modelOptions =
    model && !models.includes(model) ? [model, ...models] : models;

  // Both filters show their "all" option as a value, not as an empty field.
  const filterProps = {
    size: 'small',
    variant: 'outlined',
    className: classes.filter,
    SelectProps: { displayEmpty: true },
    InputLabelProps: { shrink: true },
  } as const;
  const toolbar = (
    <>
      <SelectField
        {...filterProps}
        label={t('calls.filters.model')}
        value={model ?? ''}
        onChange={next => onViewChange({ model: next || undefined })}
        anyLabel={t('calls.filters.allModels')}
        options={optionsOf(modelOptions, name => name)}
        inputProps={{ 'data-testid': 'model-filter' }}
      />
      <SelectField
        {...filterProps}
        label={t('calls.filters.status')}
        value={status ?? ''}
        onChange={next =>
          onViewChange({ status: (next as CallStatus) || undefined })
        }
        anyLabel={t('calls.filters.allStatuses')}
        options={optionsOf(CALL_STATUSES, value => t(`calls.status.${value}`))}
        inputProps={{ 'data-testid': 'status-filter' }}
      />
      {onExport && <ExportMenu onExport={onExport} testId="call-export" />}
      {live && (
        <Typography variant="caption" className={classes.muted}>
          {live.paused
            ? t('common.livePaused')
            : t('common.liveUpdates', {
                seconds: String(live.intervalSeconds),
              })}
        </Typography>
      )}
    </>
  );

  let rows;
  if (!calls) {
    rows = (
      <SkeletonTableRows
        columnCount={columnCount}
        testId="call-row-skeleton"
        spanned
      />
    );
  } else if (calls.items.length === 0) {
    rows = (
      <EmptyTableRow columnCount={columnCount}>
        {t('calls.empty')}
      </EmptyTableRow>
    );
  } else {
    // One precision and one latency unit per column.
    const costColumn = format.moneyColumn(
      calls.items.map(call => ({ currency: call.currency, amount: call.cost })),
    );
    const durationColumn = format.durationColumn(
      calls.items.map(call => call.durationMs),
    );
    rows = calls.items.map(call => {
      const open = expanded.has(call.id);
      const statusLabel = t(`calls.status.${call.status}`);
      return (
        <Fragment key={call.id}>
          <TableRow
            hover
            data-testid={`call-row-${call.id}`}
            data-status={call.status}
          >
            <TableCell padding="checkbox">
              <RowExpandButton
                open={open}
                label={`${
                  open ? t('calls.hideDetails') : t('calls.showDetails')
                } ${call.id}`}
                onToggle={() => toggle(call.id)}
              />
            </TableCell>
            <TableCell>
              <StatusDot status={call.status} label={statusLabel} />
            </TableCell>
            <TableCell>{format.dateTime(call.timestamp)}</TableCell>
            <TableCell className={classes.id} title={call.id}>
              {call.id}
            </TableCell>
            <TableCell>{call.model}</TableCell>
            <TableCell>{t(`calls.types.${call.type}`)}</TableCell>
            <TableCell align="right">
              {format.integer(call.inputTokens)} /{' '}
              {format.integer(call.outputTokens)}
            </TableCell>
            <TableCell align="right">
              {durationColumn(call.durationMs)}
            </TableCell>
            <TableCell align="right">
              {costColumn({ currency: call.currency, amount: call.cost })}
              <CostSourceChip source={call.costSource} />
            </TableCell>
          </TableRow>
          {open && (
            <TableRow className={classes.details}>
              <TableCell colSpan={columnCount}>
                <Box className={classes.detailsContent}>
                  <CallDetails call={call} />
                </Box>
              </TableCell>
            </TableRow>
          )}
        </Fragment>
      );
    });
  }

  return (
    <SectionCard
      title={t('calls.title')}
      toolbar={toolbar}
      busy={loading && !!calls}
      testId="call-history"
    >
      {error && !calls ? (
        <QueryErrorPanel error={error} onRetry={onRetry} />
      ) : (
        <>
          <DataTable minWidth={880} columns={columns}>
            {rows}
          </DataTable>
          {calls?.rawCallsSince && (
            <Typography
              variant="caption"
              className={classes.muted}
              data-testid="raw-calls-since"
            >
              {t('calls.rawCallsSince', {
                date: format.dateTime(calls.rawCallsSince),
              })}
            </Typography>
          )}
          <Box className={classes.paging}>
            <PageSizeSelect
              label={t('projects.rowsPerPage')}
              value={String(view.limit)}
              onChange={next => onViewChange({ limit: Number(next) })}
              options={CALL_PAGE_SIZES.map(String)}
            />
            <Button
              size="small"
              disabled={paging.isFirstPage}
              onClick={paging.first}
            >
              {t('calls.firstPage')}
            </Button>
            <Button
              size="small"
              disabled={!paging.canGoBack}
              onClick={paging.previous}
            >
              {t('calls.previousPage')}
            </Button>
            <Button
              size="small"
              disabled={!calls?.nextCursor}
              onClick={() => calls?.nextCursor && paging.next(calls.nextCursor)}
            >
              {t('calls.nextPage')}
            </Button>
          </Box>
        </>
      )}
    </SectionCard>
  );
}
