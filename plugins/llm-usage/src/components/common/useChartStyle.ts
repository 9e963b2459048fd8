import { useTheme } from '@material-ui/core';

/**
 * What the plugin's charts draw alike, taken from the app theme so that they
 * follow light, dark and custom themes: the dashed grid, the axes (colour and
 * type size) and the tooltip box. Spread onto the Recharts elements:
 * `<CartesianGrid {...chart.grid} />`, `<XAxis {...chart.axis} />`,
 * `<Tooltip contentStyle={chart.tooltip} />`.
 */
export function useChartStyle() {
  const { palette } = useTheme();
  return {
    grid: { strokeDasharray: '3 3', stroke: palette.divider },
    axis: { stroke: palette.text.secondary, fontSize: 12 },
    tooltip: {
      backgroundColor: palette.background.paper,
      borderColor: palette.divider,
    },
  };
}
