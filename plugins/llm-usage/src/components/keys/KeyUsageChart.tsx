import { Box, Typography, useTheme } from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ApiKey } from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import { llmUsageApiRef } from '../../api';
import { usePolledQuery, useLocalization } from '../../hooks';
import { QueryErrorPanel } from '../common';
import { BarLineChart, type ChartSeries } from '../charts/BarLineChart';

const DAYS = 30;

/**
 * Tokens per day as bars and cost per day as a line, over the last 30 days
 * as the provider reports them. Cost is drawn for one currency (the key's
 * largest); keys billed in several currencies say so below the chart.
 */
export function KeyUsageChart({
  apiKey,
  height = 220,
}: {
  apiKey: ApiKey;
  height?: number;
}) {
  const theme = useTheme();
  const { t, format } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const usage = usePolledQuery(signal => {
    const to = DateTime.utc().plus({ days: 1 }).startOf('day');
    return api.getKeyUsage(
      apiKey.id,
      { from: to.minus({ days: DAYS }).toISO()!, to: to.toISO()! },
      { signal },
    );
  }, `key-usage:${apiKey.id}:${apiKey.updatedAt}`);

  if (usage.error) {
    return <QueryErrorPanel error={usage.error} onRetry={usage.retry} />;
  }
  if (!usage.value) {
    return <Skeleton variant="rect" height={height} />;
  }
  const currencies = [
    ...new Set(usage.value.days.flatMap(d => d.cost.map(c => c.currency))),
  ].sort();
  const currency = currencies[0];
  const rows = usage.value.days.map(day => ({
    date: day.date,
    tokens: day.inputTokens + day.outputTokens,
    // For drawing only; totals are shown from exact decimals elsewhere.
    cost: Number(day.cost.find(c => c.currency === currency)?.amount ?? 0),
  }));
  if (rows.every(row => row.tokens === 0 && row.cost === 0)) {
    return (
      <Box height={height / 2} display="flex" alignItems="center">
        <Typography color="textSecondary">
          {t('keyWorkspace.detail.noUsage')}
        </Typography>
      </Box>
    );
  }
  const dayLabel = (date: string) =>
    DateTime.fromISO(date, { zone: 'utc' })
      .setLocale(format.locale)
      .toLocaleString({ month: 'short', day: 'numeric' });
  const tokens: ChartSeries = {
    type: 'bar',
    dataKey: 'tokens',
    axis: { yAxisId: 'tokens', orientation: 'left', width: 56 },
    color: theme.palette.primary.main,
    label: t('keyWorkspace.detail.tokens'),
  };
  // Cost has a line and an axis only where the provider reported a cost.
  const cost: ChartSeries[] = currency
    ? [
        {
          type: 'line',
          dataKey: 'cost',
          axis: {
            yAxisId: 'cost',
            orientation: 'right',
            width: 64,
            tickFormatter: value =>
              format.compactMoney({ currency, amount: String(value) }),
          },
          color: theme.palette.secondary.main,
          label: t('keyWorkspace.detail.cost'),
          value: value => format.money({ currency, amount: String(value) }),
        },
      ]
    : [];
  return (
    <Box data-testid="key-usage-chart">
      <BarLineChart
        rows={rows}
        x={{ dataKey: 'date', label: dayLabel }}
        series={[tokens, ...cost]}
        height={height}
      />
      {currencies.length > 1 && (
        <Typography variant="caption" color="textSecondary">
          {t('keyWorkspace.detail.costCurrencyNote', { currency })}
        </Typography>
      )}
    </Box>
  );
}
