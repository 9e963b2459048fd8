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
import { useTheme } from '@material-ui/core';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { ProjectTrendsResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { useFormatters } from '../../hooks';

/** @internal */
export interface ProjectTrendChartProps {
  trends: ProjectTrendsResponse;
  height?: number;
}

/**
 * Requests as bars on the left axis (failed ones stacked on top in the error
 * colour) and average and P95 latency as lines on the right axis.
 */
export function ProjectTrendChart(props: ProjectTrendChartProps) {
  const { trends, height = 300 } = props;
  const theme = useTheme();
  const format = useFormatters();
  const { t } = useTranslationRef(llmUsageTranslationRef);

  const rows = trends.points.map(point => ({
    bucketStart: point.bucketStart,
    succeeded: point.calls - point.failedCalls,
    failed: point.failedCalls,
    avgLatencyMs: point.avgLatencyMs,
    p95LatencyMs: point.p95LatencyMs,
  }));
  const labels: Record<string, string> = {
    succeeded: t('project.trend.requests'),
    failed: t('project.trend.failed'),
    avgLatencyMs: t('project.trend.avgLatency'),
    p95LatencyMs: t('project.trend.p95Latency'),
  };
  // What the three axes share: their colour and type size.
  const axis = { stroke: theme.palette.text.secondary, fontSize: 12 };
  const bucketLabel = (value: string) => format.bucket(value, trends.interval);
  // Recharts reads its series from direct children: one list, one <Line>.
  const latencySeries = [
    { dataKey: 'avgLatencyMs', color: theme.palette.success.main },
    { dataKey: 'p95LatencyMs', color: theme.palette.warning.main, dash: '5 3' },
  ];

  return (
    <ResponsiveContainer width="100%" height={height}>
      <ComposedChart
        data={rows}
        margin={{ top: 8, right: 0, left: 0, bottom: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
        <XAxis
          dataKey="bucketStart"
          tickFormatter={bucketLabel}
          {...axis}
          minTickGap={16}
        />
        <YAxis
          yAxisId="requests"
          orientation="left"
          tickFormatter={(value: number) => format.compact(value)}
          {...axis}
          width={48}
        />
        <YAxis
          yAxisId="latency"
          orientation="right"
          tickFormatter={(value: number) => format.duration(value)}
          {...axis}
          width={64}
        />
        <Tooltip
          labelFormatter={bucketLabel}
          formatter={(value, name: string) => [
            name.endsWith('LatencyMs')
              ? format.duration(value === null ? null : Number(value))
              : format.integer(Number(value ?? 0)),
            labels[name] ?? name,
          ]}
          contentStyle={{
            backgroundColor: theme.palette.background.paper,
            borderColor: theme.palette.divider,
          }}
        />
        <Legend formatter={(value: string) => labels[value] ?? value} />
        <Bar
          yAxisId="requests"
          dataKey="succeeded"
          stackId="requests"
          fill={theme.palette.primary.main}
          isAnimationActive={false}
        />
        <Bar
          yAxisId="requests"
          dataKey="failed"
          stackId="requests"
          fill={theme.palette.error.main}
          isAnimationActive={false}
        />
        {latencySeries.map(series => (
          <Line
            key={series.dataKey}
            yAxisId="latency"
            type="monotone"
            dataKey={series.dataKey}
            stroke={series.color}
            strokeDasharray={series.dash}
            strokeWidth={2}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
