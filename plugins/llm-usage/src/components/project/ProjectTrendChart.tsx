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
import type { ProjectTrendsResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useChartStyle } from '../common/useChartStyle';
import { useLocalization } from '../../hooks';

/** @internal */
export interface ProjectTrendChartProps {
  trends: ProjectTrendsResponse;
  height?: number;
}

/**
 * Requests as bars on the left axis (failed ones stacked on top in the error
 * colour) and average and P95 latency as lines on the right axis.
 */
export function ProjectTrendChart({
  trends,
  height = 300,
}: ProjectTrendChartProps) {
  const theme = useTheme();
  const chart = useChartStyle();
  const { t, format } = useLocalization();

  const rows = trends.points.map(point => ({
    bucketStart: point.bucketStart,
    succeeded: point.calls - point.failedCalls,
    failed: point.failedCalls,
    avgLatencyMs: point.avgLatencyMs,
    p95LatencyMs: point.p95LatencyMs,
  }));
  // The two value axes, keyed by their yAxisId.
  const axes = {
    requests: {
      orientation: 'left' as const,
      width: 48,
      tick: (value: number) => format.compact(value),
    },
    latency: {
      orientation: 'right' as const,
      width: 64,
      tick: (value: number) => format.duration(value),
    },
  };
  // Recharts reads its series from direct children: one list, one element.
  const bars = [
    { dataKey: 'succeeded', color: theme.palette.primary.main },
    { dataKey: 'failed', color: theme.palette.error.main },
  ];
  const lines = [
    { dataKey: 'avgLatencyMs', color: theme.palette.success.main },
    { dataKey: 'p95LatencyMs', color: theme.palette.warning.main, dash: '5 3' },
  ];
  const labels: Record<string, string> = {
    succeeded: t('project.trend.requests'),
    failed: t('project.trend.failed'),
    avgLatencyMs: t('project.trend.avgLatency'),
    p95LatencyMs: t('project.trend.p95Latency'),
  };
  const bucketLabel = (value: string) => format.bucket(value, trends.interval);

  return (
    <ResponsiveContainer width="100%" height={height}>
      <ComposedChart
        data={rows}
        margin={{ top: 8, right: 0, left: 0, bottom: 0 }}
      >
        <CartesianGrid {...chart.grid} />
        <XAxis
          dataKey="bucketStart"
          tickFormatter={bucketLabel}
          {...chart.axis}
          minTickGap={16}
        />
        {Object.entries(axes).map(([id, axis]) => (
          <YAxis
            key={id}
            yAxisId={id}
            orientation={axis.orientation}
            tickFormatter={axis.tick}
            {...chart.axis}
            width={axis.width}
          />
        ))}
        <Tooltip
          labelFormatter={bucketLabel}
          formatter={(value, name: string) => [
            name.endsWith('LatencyMs')
              ? format.duration(value === null ? null : Number(value))
              : format.integer(Number(value ?? 0)),
            labels[name] ?? name,
          ]}
          contentStyle={chart.tooltip}
        />
        <Legend formatter={(value: string) => labels[value] ?? value} />
        {bars.map(bar => (
          <Bar
            key={bar.dataKey}
            yAxisId="requests"
            dataKey={bar.dataKey}
            stackId="requests"
            fill={bar.color}
            isAnimationActive={false}
          />
        ))}
        {lines.map(line => (
          <Line
            key={line.dataKey}
            yAxisId="latency"
            type="monotone"
            dataKey={line.dataKey}
            stroke={line.color}
            strokeDasharray={line.dash}
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
