import { Box, Typography, makeStyles, useTheme } from '@material-ui/core';
import type { Alert } from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  box: { marginTop: theme.spacing(2) },
}));

const HOUR_MS = 3_600_000;

function numbers(value: unknown): number[] | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every(v => typeof v === 'number')
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The evidence of a spike or off-hours anomaly: the hours up to the flagged
 * one beside the usual value of each hour of the week, and the score.
 */
export function AnomalyEvidence(props: { alert: Alert }) {
  const { alert } = props;
  const p = alert.params;
  const { t, format } = useLocalization();
  const classes = useStyles();
  const theme = useTheme();
  const series = numbers(p.series);
  const baselines = numbers(p.baselineSeries);
  if (!series || !baselines || series.length !== baselines.length) return null;
  const last = Date.parse(String(p.at));
  const data = series.map((value, i) => ({
    hour: format.bucket(
      new Date(last - (series.length - 1 - i) * HOUR_MS).toISOString(),
      'hour',
    ),
    value,
    baseline: baselines[i],
  }));
  return (
    <Box className={classes.box} data-testid="anomaly-evidence">
      <Typography variant="subtitle2">
        {t('alerts.anomaly.evidence')}
      </Typography>
      {p.score !== null && p.score !== undefined && (
        <Typography variant="body2" color="textSecondary">
          {t('alerts.anomaly.score', {
            score: format.compact(Number(p.score)),
          })}
        </Typography>
      )}
      <ResponsiveContainer width="100%" height={160}>
        <LineChart data={data}>
          <XAxis dataKey="hour" fontSize={11} minTickGap={24} />
          <YAxis fontSize={11} width={48} />
          <Tooltip />
          <Legend />
          <Line
            type="monotone"
            dataKey="value"
            name={t('alerts.anomaly.observed')}
            stroke={theme.palette.error.main}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="baseline"
            name={t('alerts.anomaly.usual')}
            stroke={theme.palette.text.secondary}
            strokeDasharray="4 4"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </Box>
  );
}
