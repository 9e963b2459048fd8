import { ReactNode } from 'react';
import {
  Button,
  Chip,
  TableCell,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import type {
  ReconciliationKeyRow,
  ReconciliationRow,
  ReconciliationTotal,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import { providerDisplayName } from '../../lib/providerNames';
import { DataTable, DataTableColumn } from '../common';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  // Beyond the tolerance: tinted, and said in words (the chip) too.
  over: {
    backgroundColor:
      theme.palette.type === 'dark'
        ? 'rgba(244, 67, 54, 0.16)'
        : 'rgba(244, 67, 54, 0.08)',
  },
  name: {
    textAlign: 'left',
  },
  secondary: {
    color: theme.palette.text.secondary,
  },
}));

/** The figures every level shows, in one currency. */
type Figures = Omit<ReconciliationRow, 'accountId' | 'date'>;

/** The money columns of {@link FigureCells}, before its state column. */
const MONEY_COLUMNS = [
  'providerCost',
  'recordedCost',
  'difference',
  'differencePercent',
] as const;

/** The figures of one row, under {@link MONEY_COLUMNS} and the state. */
function FigureCells(props: { row: Figures }) {
  const { row } = props;
  const { t, format } = useLocalization();
  const money = (amount: string) =>
    format.money({ currency: row.currency, amount });
  return (
    <>
      <TableCell align="right">{money(row.providerCost)}</TableCell>
      <TableCell align="right">{money(row.recordedCost)}</TableCell>
      <TableCell align="right">{money(row.difference)}</TableCell>
      <TableCell align="right">
        {row.differencePercent === null
          ? t('reconciliation.noProviderCost')
          : format.signedPercent(row.differencePercent / 100)}
      </TableCell>
      <TableCell>
        {row.overTolerance ? (
          <Chip
            size="small"
            color="secondary"
            label={t('reconciliation.overTolerance')}
          />
        ) : (
          <Typography variant="body2" color="textSecondary" component="span">
            {t('reconciliation.withinTolerance')}
          </Typography>
        )}
      </TableCell>
    </>
  );
}

/** One row of a {@link FiguresTable}: its own cells around the figures. */
interface FiguresRow {
  key: string;
  testId: string;
  figures: Figures;
  leading: ReactNode;
  trailing?: ReactNode;
}

/** How a row of a level opens the next level down, in its last column. */
interface Drill<T> {
  label: string;
  ariaLabel: (item: T) => string;
  onOpen: (item: T) => void;
}

/**
 * A table of one reconciliation level: the level's own columns around the
 * figures every level shows, rows beyond the tolerance tinted and marked,
 * and a button per row to the next level where there is one.
 */
function FiguresTable<T>(props: {
  testId: string;
  minWidth: number;
  leading: DataTableColumn[];
  trailing?: DataTableColumn[];
  items: T[];
  row: (item: T) => FiguresRow;
  drill?: Drill<T>;
}) {
  const { drill } = props;
  const { t } = useLocalization();
  const classes = useStyles();
  return (
    <DataTable
      testId={props.testId}
      minWidth={props.minWidth}
      columns={[
        ...props.leading,
        ...MONEY_COLUMNS.map(name => ({
          label: t(`reconciliation.columns.${name}`),
          align: 'right' as const,
        })),
        { label: t('reconciliation.columns.state') },
        ...(props.trailing ?? []),
        ...(drill ? [{ label: '' }] : []),
      ]}
    >
      {props.items.map(item => {
        const row = props.row(item);
        const over = row.figures.overTolerance;
        return (
          <TableRow
            key={row.key}
            hover
            className={over ? classes.over : undefined}
            data-testid={row.testId}
            data-over-tolerance={over ? 'true' : 'false'}
          >
            {row.leading}
            <FigureCells row={row.figures} />
            {row.trailing}
            {drill && (
              <TableCell>
                <Button
                  size="small"
                  color="primary"
                  onClick={() => drill.onOpen(item)}
                  aria-label={drill.ariaLabel(item)}
                >
                  {drill.label}
                </Button>
              </TableCell>
            )}
          </TableRow>
        );
      })}
    </DataTable>
  );
}

/** One UTC day `YYYY-MM-DD` in the viewer's language (the day is UTC's). */
export function useUtcDay(): (date: string) => string {
  const { format } = useLocalization();
  return date =>
    DateTime.fromISO(date, { zone: 'utc' })
      .setLocale(format.locale)
      .toLocaleString(DateTime.DATE_MED);
}

/** Accounts over the range, one row per account and currency. */
export function AccountTotalsTable(props: {
  totals: ReconciliationTotal[];
  onOpen: (total: ReconciliationTotal) => void;
}) {
  const { t } = useLocalization();
  const classes = useStyles();
  return (
    <FiguresTable
      testId="reconciliation-accounts"
      minWidth={900}
      leading={[
        { label: t('reconciliation.columns.account') },
        { label: t('reconciliation.columns.provider'), priority: 'low' },
      ]}
      trailing={[
        { label: t('reconciliation.columns.daysOver'), align: 'right' },
      ]}
      items={props.totals}
      drill={{
        label: t('reconciliation.openDays'),
        ariaLabel: total =>
          t('reconciliation.openDaysOf', { name: total.accountName }),
        onOpen: props.onOpen,
      }}
      row={total => ({
        key: `${total.accountId}:${total.providerCost.currency}`,
        testId: `reconciliation-account-${total.accountId}-${total.providerCost.currency}`,
        figures: {
          currency: total.providerCost.currency,
          providerCost: total.providerCost.amount,
          recordedCost: total.recordedCost.amount,
          difference: total.difference.amount,
          differencePercent: total.differencePercent,
          overTolerance: total.overTolerance,
        },
        leading: (
          <>
            <TableCell className={classes.name}>{total.accountName}</TableCell>
            <TableCell className={classes.secondary}>
              {providerDisplayName(total.provider)}
            </TableCell>
          </>
        ),
        trailing: (
          <TableCell align="right">{total.daysOverTolerance}</TableCell>
        ),
      })}
    />
  );
}

/** The days of one account in one currency, newest first. */
export function AccountDaysTable(props: {
  days: ReconciliationRow[];
  onOpen: (day: ReconciliationRow) => void;
}) {
  const { t } = useLocalization();
  const utcDay = useUtcDay();
  return (
    <FiguresTable
      testId="reconciliation-days"
      minWidth={760}
      leading={[{ label: t('reconciliation.columns.day'), nowrap: true }]}
      items={props.days}
      drill={{
        label: t('reconciliation.openKeys'),
        ariaLabel: day =>
          t('reconciliation.openKeysOf', { day: utcDay(day.date) }),
        onOpen: props.onOpen,
      }}
      row={day => ({
        key: day.date,
        testId: `reconciliation-day-${day.date}`,
        figures: day,
        leading: <TableCell data-nowrap>{utcDay(day.date)}</TableCell>,
      })}
    />
  );
}

/** The keys behind one day, the biggest gap first. */
export function DayKeysTable(props: { keys: ReconciliationKeyRow[] }) {
  const { t } = useLocalization();
  const classes = useStyles();
  const nameOf = (key: ReconciliationKeyRow) => {
    if (key.keyName) {
      return key.keyName;
    }
    return key.providerKeyId
      ? t('reconciliation.unknownKey', { id: key.providerKeyId })
      : t('reconciliation.notSplitByKey');
  };
  return (
    <FiguresTable
      testId="reconciliation-keys"
      minWidth={760}
      leading={[{ label: t('reconciliation.columns.key') }]}
      items={props.keys}
      row={key => {
        const id = key.keyId ?? key.providerKeyId ?? '';
        return {
          key: `${id}:${key.currency}`,
          testId: `reconciliation-key-${id || 'unsplit'}`,
          figures: key,
          leading: (
            <TableCell className={classes.name}>{nameOf(key)}</TableCell>
          ),
        };
      }}
    />
  );
}
