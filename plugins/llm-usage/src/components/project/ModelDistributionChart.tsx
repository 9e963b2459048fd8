import { Cell, Pie, PieChart, ResponsiveContainer, Tooltip } from 'recharts';
import {
  Box,
  List,
  ListItem,
  ListItemText,
  makeStyles,
  useTheme,
} from '@material-ui/core';
import type { ModelUsage } from '@llm-usage/backstage-plugin-llm-usage-common';
import { chartPalette } from '../../lib/chartColors';
import { useChartStyle } from '../common/useChartStyle';
import { useLocalization } from '../../hooks';

const MAX_SLICES = 6;

const useStyles = makeStyles(theme => ({
  swatch: {
    width: 10,
    height: 10,
    borderRadius: 2,
    marginRight: theme.spacing(1),
    flexShrink: 0,
  },
  item: {
    paddingTop: 0,
    paddingBottom: 0,
  },
}));

type Slice = { name: string; calls: number; share: number };

function toSlices(models: ModelUsage[], otherLabel: string): Slice[] {
  const sorted = [...models].sort((a, b) => b.calls - a.calls);
  const slices = sorted.slice(0, MAX_SLICES - 1).map(m => ({
    name: m.model,
    calls: m.calls,
    share: m.share,
  }));
  const rest = sorted.slice(MAX_SLICES - 1);
  if (rest.length === 1) {
    slices.push({
      name: rest[0].model,
      calls: rest[0].calls,
      share: rest[0].share,
    });
  } else if (rest.length > 1) {
    slices.push({
      name: otherLabel,
      calls: rest.reduce((sum, m) => sum + m.calls, 0),
      share: rest.reduce((sum, m) => sum + m.share, 0),
    });
  }
  return slices;
}

/** @internal */
export interface ModelDistributionChartProps {
  models: ModelUsage[];
}

/** Share of calls per model as a donut with a legend that names each share. */
export function ModelDistributionChart(props: ModelDistributionChartProps) {
  const classes = useStyles();
  const theme = useTheme();
  const colors = chartPalette(theme);
  const chart = useChartStyle();
  const { t, format } = useLocalization();
  const slices = toSlices(props.models, t('trend.other'));

  return (
    <Box data-testid="model-distribution">
      <ResponsiveContainer width="100%" height={180}>
        <PieChart>
          <Pie
            data={slices}
            dataKey="calls"
            nameKey="name"
            innerRadius="55%"
            outerRadius="90%"
            isAnimationActive={false}
          >
            {slices.map((slice, index) => (
              <Cell key={slice.name} fill={colors[index % colors.length]} />
            ))}
          </Pie>
          <Tooltip
            formatter={(value: number, name: string) => [
              format.integer(value),
              name,
            ]}
            contentStyle={chart.tooltip}
          />
        </PieChart>
      </ResponsiveContainer>
      <List dense disablePadding>
        {slices.map((slice, index) => (
          <ListItem key={slice.name} className={classes.item} disableGutters>
            <span
              className={classes.swatch}
              style={{ backgroundColor: colors[index % colors.length] }}
            />
            <ListItemText
              primary={slice.name}
              secondary={t('project.models.share', {
                share: format.percent(slice.share),
              })}
            />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}
