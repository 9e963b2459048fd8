import { useTheme } from '@material-ui/core';
import type { ProjectTrendsResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useLocalization } from '../../hooks';
import { BarLineChart, type ChartSeries } from '../charts/BarLineChart';

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
  const { palette } = useTheme();
  const { t, format } = useLocalization();

  const rows = trends.points.map(point => ({
    bucketStart: point.bucketStart,
    succeeded: point.calls - point.failedCalls,
    failed: point.failedCalls,
    avgLatencyMs: point.avgLatencyMs,
    p95LatencyMs: point.p95LatencyMs,
  }));
  const bar = {
    type: 'bar',
    axis: { yAxisId: 'requests', orientation: 'left', width: 48 },
    stackId: 'requests',
  } as const;
  const line = {
    type: 'line',
    axis: {
      yAxisId: 'latency',
      orientation: 'right',
      width: 64,
      tickFormatter: format.duration,
    },
    value: format.duration,
  } as const;
  const series: ChartSeries[] = [
    {
      ...bar,
      dataKey: 'succeeded',
      color: palette.primary.main,
      label: t('project.trend.requests'),
    },
    {
      ...bar,
      dataKey: 'failed',
      color: palette.error.main,
      label: t('project.trend.failed'),
    },
    {
      ...line,
      dataKey: 'avgLatencyMs',
      color: palette.success.main,
      label: t('project.trend.avgLatency'),
    },
    {
      ...line,
      dataKey: 'p95LatencyMs',
      color: palette.warning.main,
      label: t('project.trend.p95Latency'),
      dash: '5 3',
    },
  ];

  return (
    <BarLineChart
      rows={rows}
      x={{
        dataKey: 'bucketStart',
        label: value => format.bucket(value, trends.interval),
      }}
      series={series}
      height={height}
    />
  );
}
