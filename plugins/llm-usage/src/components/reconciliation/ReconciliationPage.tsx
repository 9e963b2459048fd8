import { Box, Breadcrumbs, Grid, Link, Typography } from '@material-ui/core';
import { useApi } from '@backstage/frontend-plugin-api';
import { DateTime } from 'luxon';
import { llmUsageApiRef } from '../../api';
import {
  useFormatters,
  usePolledQuery,
  useUrlParams,
  useLocalization,
} from '../../hooks';
import { oneOf } from '../../lib/params';
import {
  ControlsBar,
  ExportMenu,
  ItemListCard,
  LlmUsageLayout,
  SelectField,
  optionsOf,
} from '../common';
import {
  AccountDaysTable,
  AccountTotalsTable,
  DayKeysTable,
  useUtcDay,
} from './ReconciliationTables';

/** Days the view looks back over, today included. */
const RANGES = ['7', '30', '90'] as const;

/** `YYYY-MM-DD` of the UTC days from `days - 1` days ago to today. */
function utcRange(days: number): { from: string; to: string } {
  const today = DateTime.utc().startOf('day');
  return {
    from: today.minus({ days: days - 1 }).toISODate()!,
    to: today.toISODate()!,
  };
}

/** One level in the breadcrumbs: a link back up, or the level shown. */
function Crumb(props: { label: string; onOpen?: () => void }) {
  const { label, onOpen } = props;
  return onOpen ? (
    <Link component="button" variant="body1" onClick={onOpen}>
      {label}
    </Link>
  ) : (
    <Typography color="textPrimary">{label}</Typography>
  );
}

/**
 * Reconciliation: what providers billed against what the recorded calls of
 * the same keys cost, per account, then per day of an account, then per key
 * of a day. Rows beyond the configured tolerance are marked. The account,
 * currency and day drilled into live in the URL, so a link shares the view.
 */
export function ReconciliationPage() {
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const utcDay = useUtcDay();
  const formatters = useFormatters();
  const [params, setParams] = useUrlParams();
  const rangeDays = oneOf(params.get('days'), RANGES, '30');
  const accountId = params.get('account') ?? undefined;
  const currency = params.get('currency') ?? undefined;
  const date = params.get('date') ?? undefined;
  const range = utcRange(Number(rangeDays));

  const report = usePolledQuery(
    signal => api.getReconciliation(range, { signal }),
    `reconciliation:${range.from}:${range.to}`,
  );
  const keys = usePolledQuery(
    signal =>
      accountId && date
        ? api.getReconciliationKeys({ accountId, date }, { signal })
        : Promise.resolve(undefined),
    `reconciliation-keys:${accountId}:${date}`,
  );

  const total = report.value?.totals.find(
    item =>
      item.accountId === accountId && item.providerCost.currency === currency,
  );
  const days = (report.value?.items ?? []).filter(
    item => item.accountId === accountId && item.currency === currency,
  );
  const keysOfDay = keys.value && {
    ...keys.value,
    items: keys.value.items.filter(item => item.currency === currency),
  };
  const tolerance = report.value?.tolerancePercent;

  return (
    <LlmUsageLayout
      title={t('reconciliation.title')}
      subtitle={t('reconciliation.subtitle')}
    >
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <ControlsBar>
            <Breadcrumbs aria-label={t('reconciliation.levels')}>
              <Crumb
                label={t('reconciliation.allAccounts')}
                onOpen={
                  accountId
                    ? () =>
                        setParams({
                          account: undefined,
                          currency: undefined,
                          date: undefined,
                        })
                    : undefined
                }
              />
              {accountId && (
                <Crumb
                  label={total?.accountName ?? accountId}
                  onOpen={
                    date ? () => setParams({ date: undefined }) : undefined
                  }
                />
              )}
              {date && <Crumb label={utcDay(date)} />}
            </Breadcrumbs>
            <Box display="flex" alignItems="center" style={{ gap: 16 }}>
              <SelectField
                id="reconciliation-range"
                size="small"
                label={t('range.label')}
                value={rangeDays}
                onChange={value => setParams({ days: value })}
                options={optionsOf(RANGES, value =>
                  t(`range.last${value}d` as 'range.last7d'),
                )}
              />
              <ExportMenu
                testId="reconciliation-export"
                disabled={!report.value || report.value.items.length === 0}
                onExport={format =>
                  api.exportReconciliation(
                    { ...range, ...(accountId ? { accountId } : {}) },
                    format,
                  )
                }
              />
            </Box>
          </ControlsBar>
          {tolerance !== undefined && (
            <Typography variant="body2" color="textSecondary">
              {t('reconciliation.toleranceNote', {
                tolerance: formatters.percent(tolerance / 100),
              })}
            </Typography>
          )}
        </Grid>
        <Grid item xs={12}>
          {!accountId && (
            <ItemListCard
              title={t('reconciliation.accountsTitle')}
              testId="reconciliation-accounts-card"
              query={{
                ...report,
                value: report.value && { items: report.value.totals },
              }}
              emptyTitle={t('reconciliation.emptyTitle')}
              emptyDescription={t('reconciliation.emptyDescription')}
            >
              {value => (
                <AccountTotalsTable
                  totals={value.items}
                  onOpen={item =>
                    setParams({
                      account: item.accountId,
                      currency: item.providerCost.currency,
                      date: undefined,
                    })
                  }
                />
              )}
            </ItemListCard>
          )}
          {accountId && !date && (
            <ItemListCard
              title={t('reconciliation.daysTitle', {
                name: total?.accountName ?? accountId,
                currency: currency ?? '',
              })}
              testId="reconciliation-days-card"
              query={{ ...report, value: report.value && { items: days } }}
              emptyTitle={t('reconciliation.noDaysTitle')}
              emptyDescription={t('reconciliation.noDaysDescription')}
            >
              {value => (
                <AccountDaysTable
                  days={value.items}
                  onOpen={day => setParams({ date: day.date })}
                />
              )}
            </ItemListCard>
          )}
          {accountId && date && (
            <ItemListCard
              title={t('reconciliation.keysTitle', {
                name: total?.accountName ?? accountId,
                day: utcDay(date),
              })}
              testId="reconciliation-keys-card"
              query={{ ...keys, value: keysOfDay }}
              emptyTitle={t('reconciliation.noKeysTitle')}
              emptyDescription={t('reconciliation.noKeysDescription')}
            >
              {value => <DayKeysTable keys={value.items} />}
            </ItemListCard>
          )}
        </Grid>
      </Grid>
    </LlmUsageLayout>
  );
}
