import {
  Box,
  Checkbox,
  Link as MuiLink,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TablePagination,
  TableRow,
  Tooltip,
  Typography,
  makeStyles,
} from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  ApiKey,
  KeySortField,
  SortOrder,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { useFormatters } from '../../hooks';
import { CostLines, SortHeaderCell } from '../common';
import { ExpiryChip, KeyStatusChip, TagChip } from './KeyChips';

const useStyles = makeStyles(theme => ({
  scroll: {
    overflowX: 'auto',
  },
  table: {
    minWidth: 1400,
    '& th, & td': {
      whiteSpace: 'nowrap',
      padding: theme.spacing(0.75, 1),
    },
  },
  tags: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    maxWidth: 220,
    whiteSpace: 'normal',
  },
  hint: {
    fontFamily: 'monospace',
    color: theme.palette.text.secondary,
  },
  orphan: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.palette.warning.dark,
  },
  expires: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
}));

/** @internal */
export interface KeysTableProps {
  keys: ApiKey[];
  total: number;
  /** Owner refs that no longer exist in the catalog. */
  missingOwnerRefs?: Set<string>;
  selectable?: boolean;
  selectedIds?: Set<string>;
  onToggle?: (key: ApiKey) => void;
  onTogglePage?: (selected: boolean) => void;
  sort?: KeySortField;
  order?: SortOrder;
  onSortChange?: (sort: KeySortField, order: SortOrder) => void;
  page?: number;
  pageSize?: number;
  pageSizes?: readonly number[];
  onPageChange?: (page: number) => void;
  onPageSizeChange?: (size: number) => void;
  onOpen: (key: ApiKey) => void;
  /** Columns to leave out, e.g. the service on a Component's own page. */
  hide?: Array<'account' | 'owner' | 'component' | 'usage'>;
}

type Column = {
  id: string;
  label: string;
  sort?: KeySortField;
  numeric?: boolean;
};

/** The key inventory: one row per key, selectable for batch actions. */
export function KeysTable(props: KeysTableProps) {
  const {
    keys,
    total,
    missingOwnerRefs,
    selectable,
    selectedIds = new Set<string>(),
    onToggle,
    onTogglePage,
    sort,
    order = 'asc',
    onSortChange,
    page,
    pageSize,
    pageSizes,
    onPageChange,
    onPageSizeChange,
    onOpen,
    hide = [],
  } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  // One precision per column for the month's cost of every key.
  const costColumn = format.moneyColumn(keys.flatMap(key => key.month.cost));
  const shown = (id: string) => !(hide as string[]).includes(id);

  const allColumns: Column[] = [
    {
      id: 'provider',
      label: t('keyWorkspace.columns.provider'),
      sort: 'provider',
    },
    { id: 'account', label: t('keyWorkspace.columns.account') },
    { id: 'name', label: t('keyWorkspace.columns.name'), sort: 'name' },
    { id: 'status', label: t('keyWorkspace.columns.status'), sort: 'status' },
    { id: 'owner', label: t('keyWorkspace.columns.owner') },
    { id: 'component', label: t('keyWorkspace.columns.component') },
    { id: 'tags', label: t('keyWorkspace.columns.tags') },
    {
      id: 'created',
      label: t('keyWorkspace.columns.created'),
      sort: 'createdAt',
    },
    {
      id: 'expires',
      label: t('keyWorkspace.columns.expires'),
      sort: 'expiresAt',
    },
    {
      id: 'lastUsed',
      label: t('keyWorkspace.columns.lastUsed'),
      sort: 'lastUsedAt',
    },
    {
      id: 'usage',
      label: t('keyWorkspace.columns.monthTokens'),
      sort: 'monthTokens',
      numeric: true,
    },
    { id: 'cost', label: t('keyWorkspace.columns.monthCost'), numeric: true },
    { id: 'limit', label: t('keyWorkspace.columns.limit'), numeric: true },
  ];
  const columns = allColumns.filter(column =>
    column.id === 'cost' || column.id === 'limit'
      ? shown('usage')
      : shown(column.id),
  );

  const pageSelected =
    keys.length > 0 && keys.every(key => selectedIds.has(key.id));
  const someSelected = keys.some(key => selectedIds.has(key.id));

  return (
    <Box>
      <Box className={classes.scroll}>
        <Table size="small" className={classes.table} data-testid="keys-table">
          <TableHead>
            <TableRow>
              {selectable && (
                <TableCell padding="checkbox">
                  <Checkbox
                    checked={pageSelected}
                    indeterminate={someSelected && !pageSelected}
                    onChange={e => onTogglePage?.(e.target.checked)}
                    inputProps={{
                      'aria-label': t('keyWorkspace.batch.selectPage'),
                    }}
                  />
                </TableCell>
              )}
              {columns.map(column => (
                <SortHeaderCell
                  key={column.id}
                  field={column.sort}
                  numeric={column.numeric}
                  sort={sort}
                  order={order}
                  firstOrder="asc"
                  onSortChange={onSortChange}
                >
                  {column.label}
                </SortHeaderCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {keys.map(key => {
              const ownerMissing =
                !!key.ownerRef && !!missingOwnerRefs?.has(key.ownerRef);
              return (
                <TableRow
                  key={key.id}
                  hover
                  selected={selectedIds.has(key.id)}
                  data-testid={`key-row-${key.id}`}
                >
                  {selectable && (
                    <TableCell padding="checkbox">
                      <Checkbox
                        checked={selectedIds.has(key.id)}
                        onChange={() => onToggle?.(key)}
                        inputProps={{
                          'aria-label': t('keyWorkspace.batch.selectKey', {
                            name: key.name,
                          }),
                        }}
                      />
                    </TableCell>
                  )}
                  <TableCell>{key.provider}</TableCell>
                  {shown('account') && <TableCell>{key.accountName}</TableCell>}
                  <TableCell>
                    <MuiLink
                      component="button"
                      variant="body2"
                      onClick={() => onOpen(key)}
                    >
                      {key.name}
                    </MuiLink>
                    {key.maskedHint && (
                      <Typography
                        variant="caption"
                        component="div"
                        className={classes.hint}
                      >
                        {key.maskedHint}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>
                    <KeyStatusChip status={key.status} />
                  </TableCell>
                  {shown('owner') && (
                    <TableCell>
                      {key.ownerRef && !ownerMissing && (
                        <EntityRefLink
                          entityRef={key.ownerRef}
                          defaultKind="group"
                        />
                      )}
                      {(!key.ownerRef || ownerMissing) && (
                        <Tooltip
                          title={
                            ownerMissing
                              ? t('keyWorkspace.orphan.missingOwner', {
                                  owner: key.ownerRef ?? '',
                                })
                              : t('keyWorkspace.orphan.noOwner')
                          }
                        >
                          <span
                            className={classes.orphan}
                            data-testid="orphan-flag"
                          >
                            <WarningIcon fontSize="small" />
                            {ownerMissing
                              ? key.ownerRef
                              : t('keyWorkspace.orphan.label')}
                          </span>
                        </Tooltip>
                      )}
                    </TableCell>
                  )}
                  {shown('component') && (
                    <TableCell>
                      {key.componentRef ? (
                        <EntityRefLink
                          entityRef={key.componentRef}
                          defaultKind="component"
                        />
                      ) : (
                        t('common.none')
                      )}
                    </TableCell>
                  )}
                  <TableCell>
                    <Box className={classes.tags}>
                      {key.tags.map(tag => (
                        <TagChip key={tag.id} tag={tag} />
                      ))}
                    </Box>
                  </TableCell>
                  <TableCell>{format.shortDateTime(key.createdAt)}</TableCell>
                  <TableCell>
                    <Box className={classes.expires}>
                      {key.expiresAt
                        ? format.shortDateTime(key.expiresAt)
                        : t('keyWorkspace.expiry.never')}
                      <ExpiryChip expiresAt={key.expiresAt} />
                    </Box>
                  </TableCell>
                  <TableCell>{format.shortDateTime(key.lastUsedAt)}</TableCell>
                  {shown('usage') && (
                    <>
                      <TableCell align="right">
                        {format.integer(
                          key.month.inputTokens + key.month.outputTokens,
                        )}
                      </TableCell>
                      <TableCell align="right">
                        <CostLines
                          costs={key.month.cost}
                          formatCost={costColumn}
                        />
                      </TableCell>
                      <TableCell align="right">
                        <KeyLimit apiKey={key} />
                      </TableCell>
                    </>
                  )}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </Box>
      {onPageChange && page !== undefined && pageSize !== undefined && (
        <TablePagination
          component="div"
          count={total}
          page={page}
          rowsPerPage={pageSize}
          rowsPerPageOptions={[...(pageSizes ?? [pageSize])]}
          onPageChange={(_event, next) => onPageChange(next)}
          onRowsPerPageChange={e => onPageSizeChange?.(Number(e.target.value))}
          labelRowsPerPage={t('projects.rowsPerPage')}
          labelDisplayedRows={({ from, to, count }) =>
            t('projects.displayedRows', {
              from: String(from),
              to: String(to),
              total: String(count),
            })
          }
        />
      )}
    </Box>
  );
}

/** "used / limit" when the provider reports a spend limit for the key. */
function KeyLimit(props: { apiKey: ApiKey }) {
  const { limit, providerUsage } = props.apiKey;
  const format = useFormatters();
  const { t } = useTranslationRef(llmUsageTranslationRef);
  if (!limit && !providerUsage) {
    return <>{t('common.none')}</>;
  }
  const used = providerUsage ? format.money(providerUsage) : t('common.none');
  return <>{limit ? `${used} / ${format.money(limit)}` : used}</>;
}
