import { ReactNode } from 'react';
import {
  Button,
  Chip,
  TableCell,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type {
  ReconciliationKeyRow,
  ReconciliationRow,
  ReconciliationTotal,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import { llmUsageTranslationRef } from '../../translation';
import { useFormatters } from '../../hooks';
import { providerDisplayName } from '../../lib/providerNames';
import { DataTable } from '../common';

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

/** Opens the next level down for one row. */
function DrillButton(props: {
  label: string;
  ariaLabel: string;
  onClick: () => void;
}) {
  return (
    <TableCell>
      <Button
        size="small"
        color="primary"
        onClick={props.onClick}
        aria-label={props.ariaLabel}
      >
        {props.label}
      </Button>
    </TableCell>
  );
}

function useFigureColumns() {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return [
    {
      label: t('reconciliation.columns.providerCost'),
      align: 'right' as const,
    },
    {
      label: t('reconciliation.columns.recordedCost'),
      align: 'right' as const,
    },
    { label: t('reconciliation.columns.difference'), align: 'right' as const },
    {
      label: t('reconciliation.columns.differencePercent'),
      align: 'right' as const,
    },
    { label: t('reconciliation.columns.state') },
  ];
}

/** The cells of {@link useFigureColumns} for one row. */
function FigureCells(props: { row: Figures }) {
  const { row } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
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

function ReconciliationRowShell(props: {
  over: boolean;
  testId: string;
  children: ReactNode;
}) {
  const classes = useStyles();
  return (
    <TableRow
      hover
      className={props.over ? classes.over : undefined}
      data-testid={props.testId}
      data-over-tolerance={props.over ? 'true' : 'false'}
    >
      {props.children}
    </TableRow>
  );
}

/** One UTC day `YYYY-MM-DD` in the viewer's language (the day is UTC's). */
export function useUtcDay(): (date: string) => string {
  const format = useFormatters();
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
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const classes = useStyles();
  const figureColumns = useFigureColumns();
  return (
    <DataTable
      testId="reconciliation-accounts"
      minWidth={900}
      columns={[
        { label: t('reconciliation.columns.account') },
        { label: t('reconciliation.columns.provider'), priority: 'low' },
        ...figureColumns,
        {
          label: t('reconciliation.columns.daysOver'),
          align: 'right',
        },
        { label: '' },
      ]}
    >
      {props.totals.map(total => (
        <ReconciliationRowShell
          key={`${total.accountId}:${total.providerCost.currency}`}
          over={total.overTolerance}
          testId={`reconciliation-account-${total.accountId}-${total.providerCost.currency}`}
        >
          <TableCell className={classes.name}>{total.accountName}</TableCell>
          <TableCell className={classes.secondary}>
            {providerDisplayName(total.provider)}
          </TableCell>
          <FigureCells
            row={{
              currency: total.providerCost.currency,
              providerCost: total.providerCost.amount,
              recordedCost: total.recordedCost.amount,
              difference: total.difference.amount,
              differencePercent: total.differencePercent,
              overTolerance: total.overTolerance,
            }}
          />
          <TableCell align="right">{total.daysOverTolerance}</TableCell>
          <DrillButton
            label={t('reconciliation.openDays')}
            ariaLabel={t('reconciliation.openDaysOf', {
              name: total.accountName,
            })}
            onClick={() => props.onOpen(total)}
          />
        </ReconciliationRowShell>
      ))}
    </DataTable>
  );
}

/** The days of one account in one currency, newest first. */
export function AccountDaysTable(props: {
  days: ReconciliationRow[];
  onOpen: (day: ReconciliationRow) => void;
}) {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const figureColumns = useFigureColumns();
  const utcDay = useUtcDay();
  return (
    <DataTable
      testId="reconciliation-days"
      minWidth={760}
      columns={[
        { label: t('reconciliation.columns.day'), nowrap: true },
        ...figureColumns,
        { label: '' },
      ]}
    >
      {props.days.map(day => (
        <ReconciliationRowShell
          key={day.date}
          over={day.overTolerance}
          testId={`reconciliation-day-${day.date}`}
        >
          <TableCell data-nowrap>{utcDay(day.date)}</TableCell>
          <FigureCells row={day} />
          <DrillButton
            label={t('reconciliation.openKeys')}
            ariaLabel={t('reconciliation.openKeysOf', {
              day: utcDay(day.date),
            })}
            onClick={() => props.onOpen(day)}
          />
        </ReconciliationRowShell>
      ))}
    </DataTable>
  );
}

/** The keys behind one day, the biggest gap first. */
export function DayKeysTable(props: { keys: ReconciliationKeyRow[] }) {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const classes = useStyles();
  const figureColumns = useFigureColumns();
  return (
    <DataTable
      testId="reconciliation-keys"
      minWidth={760}
      columns={[{ label: t('reconciliation.columns.key') }, ...figureColumns]}
    >
      {props.keys.map(key => {
        const id = key.keyId ?? key.providerKeyId ?? '';
        let name: string;
        if (key.keyName) {
          name = key.keyName;
        } else if (key.providerKeyId) {
          name = t('reconciliation.unknownKey', { id: key.providerKeyId });
        } else {
          name = t('reconciliation.notSplitByKey');
        }
        return (
          <ReconciliationRowShell
            key={`${id}:${key.currency}`}
            over={key.overTolerance}
            testId={`reconciliation-key-${id || 'unsplit'}`}
          >
            <TableCell className={classes.name}>{name}</TableCell>
            <FigureCells row={key} />
          </ReconciliationRowShell>
        );
      })}
    </DataTable>
  );
}
