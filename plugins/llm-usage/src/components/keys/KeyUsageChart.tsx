import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { Box, Typography, useTheme } from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ApiKey } from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import { llmUsageApiRef } from '../../api';
import { usePolledQuery, useLocalization } from '../../hooks';
import { QueryErrorPanel } from '../common';
import { useChartStyle } from '../common/useChartStyle';

const DAYS = 30;

/**
 * Tokens per day as bars and cost per day as a line, over the last 30 days
 * as the provider reports them. Cost is drawn for one currency (the key's
 * largest); keys billed in several currencies say so below the chart.
 */
export function KeyUsageChart(props: { apiKey: ApiKey; height?: number }) {
  const { apiKey, height = 220 } = props;
  const theme = useTheme();
  const chart = useChartStyle();
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
  return (
    <Box data-testid="key-usage-chart">
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={rows} margin={{ top: 8, right: 8, left: 0 }}>
          <CartesianGrid {...chart.grid} />
          <XAxis
            dataKey="date"
            tickFormatter={dayLabel}
            {...chart.axis}
            minTickGap={16}
          />
          <YAxis
            yAxisId="tokens"
            tickFormatter={(v: number) => format.compact(v)}
            {...chart.axis}
            width={56}
          />
          {currency && (
            <YAxis
              yAxisId="cost"
              orientation="right"
              tickFormatter={(v: number) =>
                format.compactMoney({ currency, amount: String(v) })
              }
              {...chart.axis}
              width={64}
            />
          )}
          <Tooltip
            labelFormatter={dayLabel}
            formatter={(value: number, name: string) =>
              name === 'cost' && currency
                ? [
                    format.money({ currency, amount: String(value) }),
                    t('keyWorkspace.detail.cost'),
                  ]
                : [format.integer(value), t('keyWorkspace.detail.tokens')]
            }
            contentStyle={chart.tooltip}
          />
          <Legend
            formatter={(value: string) =>
              value === 'cost'
                ? t('keyWorkspace.detail.cost')
                : t('keyWorkspace.detail.tokens')
            }
          />
          <Bar
            yAxisId="tokens"
            dataKey="tokens"
            fill={theme.palette.primary.main}
            isAnimationActive={false}
          />
          {currency && (
            <Line
              yAxisId="cost"
              dataKey="cost"
              stroke={theme.palette.secondary.main}
              dot={false}
              isAnimationActive={false}
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
      {currencies.length > 1 && (
        <Typography variant="caption" color="textSecondary">
          {t('keyWorkspace.detail.costCurrencyNote', { currency })}
        </Typography>
      )}
    </Box>
  );
}
