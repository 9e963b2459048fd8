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
import { useLocalization } from '../../hooks';
import { useChartStyle } from '../common/useChartStyle';

/**
 * A value axis of a {@link BarLineChart}, set as the Recharts `YAxis` props of
 * those names.
 */
export interface ChartAxis {
  yAxisId: string;
  orientation: 'left' | 'right';
  width: number;
  /** The tick label of a value; a compact count (`1.2K`) without. */
  tickFormatter?: (value: number) => string;
}

/** One column of the rows, drawn as bars or a line against its axis. */
export interface ChartSeries {
  type: 'bar' | 'line';
  dataKey: string;
  axis: ChartAxis;
  color: string;
  /** Its name in the legend and the tooltip. */
  label: string;
  /**
   * The tooltip's text of one value (null where a row has none); a count
   * without.
   */
  value?: (value: number | null) => string;
  /** Bars with the same stack id are stacked. */
  stackId?: string;
  /** A line's dash pattern, e.g. `5 3`; solid without. */
  dash?: string;
}

/** @internal */
export interface BarLineChartProps {
  rows: object[];
  /** The rows' column on the x axis, and its tick and tooltip label. */
  x: { dataKey: string; label: (value: string) => string };
  /** Drawn in this order; their axes are drawn once each. */
  series: ChartSeries[];
  height: number;
}

/**
 * Bars and lines over the same x axis, each against its value axis (e.g.
 * request counts as bars on the left and latency as lines on the right), with
 * a legend and a tooltip that name and format every series. Drawn in the
 * plugin's chart style; nothing animates, so a poll does not replay it.
 */
export function BarLineChart({ rows, x, series, height }: BarLineChartProps) {
  const { format } = useLocalization();
  const chart = useChartStyle();
  const byKey = new Map(series.map(s => [s.dataKey, s]));
  const axes = new Map(series.map(s => [s.axis.yAxisId, s.axis]));
  const count = (value: number | null) => format.integer(value ?? 0);
  return (
    <ResponsiveContainer width="100%" height={height}>
      <ComposedChart
        data={rows}
        margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
      >
        <CartesianGrid {...chart.grid} />
        <XAxis
          dataKey={x.dataKey}
          tickFormatter={x.label}
          {...chart.axis}
          minTickGap={16}
        />
        {[...axes.values()].map(axis => (
          <YAxis
            key={axis.yAxisId}
            tickFormatter={format.compact}
            {...axis}
            {...chart.axis}
          />
        ))}
        <Tooltip
          labelFormatter={x.label}
          formatter={(value, name: string) => {
            const shown = byKey.get(name);
            const text = shown?.value ?? count;
            return shown
              ? [text(value === null ? null : Number(value)), shown.label]
              : [value, name];
          }}
          contentStyle={chart.tooltip}
        />
        <Legend
          formatter={(value: string) => byKey.get(value)?.label ?? value}
        />
        {/* Recharts reads its series from direct children: one list, one element. */}
        {series.map(s =>
          s.type === 'bar' ? (
            <Bar
              key={s.dataKey}
              yAxisId={s.axis.yAxisId}
              dataKey={s.dataKey}
              stackId={s.stackId}
              fill={s.color}
              isAnimationActive={false}
            />
          ) : (
            <Line
              key={s.dataKey}
              yAxisId={s.axis.yAxisId}
              type="monotone"
              dataKey={s.dataKey}
              stroke={s.color}
              strokeDasharray={s.dash}
              strokeWidth={2}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ),
        )}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
