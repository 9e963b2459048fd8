import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useTheme } from '@material-ui/core';
import type { TrendInterval } from '@llm-usage/backstage-plugin-llm-usage-common';
import { chartPalette } from '../../lib/chartColors';
import { TrendChartData, TrendMetric } from '../../lib/trendSeries';
import { useChartStyle } from '../common/useChartStyle';
import { useLocalization } from '../../hooks';

/** @internal */
export interface UsageTrendChartProps {
  data: TrendChartData;
  metric: TrendMetric;
  interval: TrendInterval;
  currency?: string;
  /** Display name of a series key (total, other, provider, model). */
  seriesLabel: (key: string) => string;
  height?: number;
}

/** Stacked bars per bucket; one bar per bucket when not split. */
export function UsageTrendChart({
  data,
  metric,
  interval,
  currency,
  seriesLabel,
  height = 300,
}: UsageTrendChartProps) {
  const theme = useTheme();
  const chart = useChartStyle();
  const { format } = useLocalization();
  const colors = chartPalette(theme);

  const formatValue = (value: number, compact: boolean) => {
    if (metric === 'cost' && currency) {
      const cost = { currency, amount: String(value) };
      return compact ? format.compactMoney(cost) : format.money(cost);
    }
    return compact ? format.compact(value) : format.integer(value);
  };

  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart
        data={data.rows}
        margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
      >
        <CartesianGrid {...chart.grid} />
        <XAxis
          dataKey="bucketStart"
          tickFormatter={(value: string) => format.bucket(value, interval)}
          {...chart.axis}
          minTickGap={16}
        />
        <YAxis
          tickFormatter={(value: number) => formatValue(value, true)}
          {...chart.axis}
          width={64}
        />
        <Tooltip
          labelFormatter={(value: string) => format.bucket(value, interval)}
          formatter={(value: number, name: string) => [
            formatValue(value, false),
            seriesLabel(name),
          ]}
          contentStyle={chart.tooltip}
        />
        {data.series.length > 1 && (
          <Legend formatter={(value: string) => seriesLabel(value)} />
        )}
        {data.series.map((key, index) => (
          <Bar
            key={key}
            dataKey={key}
            name={key}
            stackId="usage"
            fill={colors[index % colors.length]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
