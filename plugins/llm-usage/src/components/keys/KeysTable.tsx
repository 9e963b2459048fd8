import {
  Box,
  Checkbox,
  Link as MuiLink,
  TableCell,
  TableRow,
  Tooltip,
  Typography,
  makeStyles,
} from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  ApiKey,
  KeySortField,
  SortOrder,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { providerDisplayName } from '../../lib/providerNames';
import {
  CostLines,
  DataTable,
  OneLineText,
  OptionalEntityRefLink,
  TablePager,
  sortableColumns,
} from '../common';
import type { SortableColumn } from '../common';
import { KeyExpiry, KeyStatusChip, KeyTags } from './KeyChips';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  table: {
    '& th, & td': {
      padding: theme.spacing(0.75, 1),
    },
    // Titles such as 'Последнее использование' or 'Стоимость за месяц' are
    // wider than their dates and figures: they wrap between their words
    // (never inside one) so that the columns fit the card at 1440 px.
    '& th': {
      whiteSpace: 'normal',
    },
  },
  tags: {
    maxWidth: 220,
    whiteSpace: 'normal',
  },
  // A long name wraps between its words, from the left like the others.
  name: {
    textAlign: 'left',
  },
  hint: {
    fontFamily: 'monospace',
    color: theme.palette.text.secondary,
    whiteSpace: 'nowrap',
  },
  secondary: {
    color: theme.palette.text.secondary,
    whiteSpace: 'nowrap',
  },
  orphan: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.palette.warning.dark,
  },
  expires: {
    whiteSpace: 'nowrap',
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
  /** A provider's name from its id; by default the known names. */
  providerName?: (id: string) => string;
}

type Column = SortableColumn<KeySortField> & { id: string };

/** The key inventory: one row per key, selectable for batch actions. */
export function KeysTable({
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
  providerName = providerDisplayName,
}: KeysTableProps) {
  const classes = useStyles();
  const { t, format } = useLocalization();
  // One precision per column for the month's cost of every key.
  const costColumn = format.moneyColumn(keys.flatMap(key => key.month.cost));
  const shown = (id: string) => !(hide as string[]).includes(id);

  // The account sits under the provider, the masked key under the name and
  // the provider's limit under the month's cost: at 1440 px the columns
  // people open the page for (expiry, last use, tokens, cost) fit the card.
  // Created, tags and service are in the key's drawer too.
  const allColumns: Column[] = [
    {
      id: 'provider',
      label: t('keyWorkspace.columns.provider'),
      sort: 'provider',
    },
    { id: 'name', label: t('keyWorkspace.columns.name'), sort: 'name' },
    { id: 'status', label: t('keyWorkspace.columns.status'), sort: 'status' },
    { id: 'owner', label: t('keyWorkspace.columns.owner') },
    { id: 'component', label: t('keyWorkspace.columns.component'), low: true },
    { id: 'tags', label: t('keyWorkspace.columns.tags'), low: true },
    {
      id: 'created',
      label: t('keyWorkspace.columns.created'),
      sort: 'createdAt',
      nowrap: true,
      low: true,
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
      nowrap: true,
    },
    {
      id: 'usage',
      label: t('keyWorkspace.columns.monthTokens'),
      sort: 'monthTokens',
      numeric: true,
    },
    { id: 'cost', label: t('keyWorkspace.columns.monthCost'), numeric: true },
  ];
  const columns = allColumns.filter(column =>
    shown(column.id === 'cost' ? 'usage' : column.id),
  );

  const pageSelected =
    keys.length > 0 && keys.every(key => selectedIds.has(key.id));
  const someSelected = keys.some(key => selectedIds.has(key.id));

  return (
    <Box>
      <DataTable
        minWidth={1400}
        className={classes.table}
        testId="keys-table"
        columns={[
          !!selectable && {
            padding: 'checkbox',
            label: (
              <Checkbox
                checked={pageSelected}
                indeterminate={someSelected && !pageSelected}
                onChange={e => onTogglePage?.(e.target.checked)}
                inputProps={{
                  'aria-label': t('keyWorkspace.batch.selectPage'),
                }}
              />
            ),
          },
          ...sortableColumns(columns, {
            sort,
            order,
            firstOrder: () => 'asc',
            onSortChange,
          }),
        ]}
      >
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
              <TableCell>
                {providerName(key.provider)}
                {shown('account') && <CellCaption text={key.accountName} />}
              </TableCell>
              <TableCell>
                <MuiLink
                  component="button"
                  variant="body2"
                  className={classes.name}
                  onClick={() => onOpen(key)}
                >
                  <OneLineText text={key.name} />
                </MuiLink>
                {key.maskedHint && <CellCaption text={key.maskedHint} mono />}
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
                  <OptionalEntityRefLink
                    entityRef={key.componentRef}
                    defaultKind="component"
                  />
                </TableCell>
              )}
              <TableCell>
                <KeyTags tags={key.tags} className={classes.tags} />
              </TableCell>
              <TableCell>{format.shortDateTime(key.createdAt)}</TableCell>
              <TableCell>
                <KeyExpiry
                  expiresAt={key.expiresAt}
                  short
                  className={classes.expires}
                />
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
                    <CostLines costs={key.month.cost} formatCost={costColumn} />
                    <KeyLimit apiKey={key} />
                  </TableCell>
                </>
              )}
            </TableRow>
          );
        })}
      </DataTable>
      {onPageChange && page !== undefined && pageSize !== undefined && (
        <TablePager
          count={total}
          page={page}
          rowsPerPage={pageSize}
          rowsPerPageOptions={pageSizes ?? [pageSize]}
          onPageChange={onPageChange}
          onRowsPerPageChange={onPageSizeChange}
        />
      )}
    </Box>
  );
}

/** "Used / limit" under the month's cost when the provider reports either. */
function KeyLimit(props: { apiKey: ApiKey }) {
  const { limit, providerUsage } = props.apiKey;
  const { t, format } = useLocalization();
  if (!limit && !providerUsage) {
    return null;
  }
  const used = providerUsage ? format.money(providerUsage) : t('common.none');
  return (
    <CellCaption
      text={`${t('keyWorkspace.columns.limit')}: ${
        limit ? `${used} / ${format.money(limit)}` : used
      }`}
    />
  );
}

/** A small grey line under a cell's value: the account, the masked key. */
function CellCaption(props: { text: string; mono?: boolean }) {
  const classes = useStyles();
  return (
    <Typography
      variant="caption"
      component="div"
      className={props.mono ? classes.hint : classes.secondary}
    >
      {props.text}
    </Typography>
  );
}
