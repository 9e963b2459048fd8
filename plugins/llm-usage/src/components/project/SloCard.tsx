import {
  Area,
  AreaChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  Box,
  Chip,
  Divider,
  Grid,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  makeStyles,
  useTheme,
} from '@material-ui/core';
import { EmptyState } from '@backstage/core-components';
import {
  SLO_ANNOTATIONS,
  type SloObjectiveReport,
  type SloReportResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import Alert from '@material-ui/lab/Alert';
import { useProjectSlo, useLocalization } from '../../hooks';
import { isNotFound } from '../../lib/errors';
import { QueryContent, SectionCard } from '../common';
import { useChartStyle } from '../common/useChartStyle';

const useStyles = makeStyles(theme => ({
  objective: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  },
  figures: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(4),
  },
  alarming: {
    color: theme.palette.error.main,
  },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  hours: {
    maxHeight: 280,
    overflowY: 'auto',
    // Header words ("Calls") and figures never break on a phone.
    '& th, & td': {
      whiteSpace: 'nowrap',
    },
  },
  example: {
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    padding: theme.spacing(1.5),
    background: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
    overflowX: 'auto',
    maxWidth: '100%',
  },
}));

/** How the example in the empty state declares SLOs. */
const EXAMPLE = `metadata:
  annotations:
    ${SLO_ANNOTATIONS.latencyP95}: "3000"
    ${SLO_ANNOTATIONS.errorRate}: "1%"
    ${SLO_ANNOTATIONS.target}: "99%"
    ${SLO_ANNOTATIONS.window}: "28d"`;

/** One headline figure of an objective; `alarming` draws it in the error colour. */
function Figure(props: {
  label: string;
  value: string;
  caption?: string;
  alarming?: boolean;
  testId?: string;
}) {
  const classes = useStyles();
  return (
    <Box>
      <Typography variant="body2" color="textSecondary">
        {props.label}
      </Typography>
      <Typography
        variant="h5"
        component="p"
        data-testid={props.testId}
        className={props.alarming ? classes.alarming : undefined}
      >
        {props.value}
      </Typography>
      {props.caption && (
        <Typography variant="caption" color="textSecondary">
          {props.caption}
        </Typography>
      )}
    </Box>
  );
}

/** Ticks every 25 % from `lowest` (a multiple of 0.25) to 100 %. */
function quarterTicks(lowest: number): number[] {
  const ticks: number[] = [];
  const step = lowest < -1 ? Math.ceil(-lowest) * 0.25 : 0.25;
  for (let tick = 1; tick >= lowest - 1e-9; tick -= step) ticks.push(tick);
  return ticks;
}

/** What each part of an objective's view shows. */
interface ObjectiveProps {
  objective: SloObjectiveReport;
}

/** The error budget left through the window, as steps at each broken hour. */
function BudgetBurnChart({ objective }: ObjectiveProps) {
  const theme = useTheme();
  const chart = useChartStyle();
  const { t, format } = useLocalization();
  const rows = objective.burn.map(point => ({
    at: Date.parse(point.at),
    budget: point.budgetRemaining,
  }));
  // Down to a quarter, so an overspent budget gets round ticks (-50 %, -25 %).
  const lowest =
    Math.floor(Math.min(0, ...rows.map(row => row.budget)) * 4) / 4;
  return (
    <ResponsiveContainer width="100%" height={180}>
      <AreaChart data={rows} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid {...chart.grid} />
        <XAxis
          dataKey="at"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          tickFormatter={(at: number) =>
            format.bucket(new Date(at).toISOString(), 'day')
          }
          {...chart.axis}
        />
        <YAxis
          domain={[lowest, 1]}
          ticks={quarterTicks(lowest)}
          tickFormatter={(value: number) => format.percent(value)}
          {...chart.axis}
          width={56}
        />
        <ReferenceLine y={0} stroke={theme.palette.error.main} />
        <Tooltip
          labelFormatter={(at: any) =>
            format.shortDateTime(new Date(Number(at)).toISOString())
          }
          formatter={(value: any) => [
            format.percent(Number(value)),
            t('slo.chart.budget'),
          ]}
        />
        <Area
          type="stepAfter"
          dataKey="budget"
          stroke={theme.palette.primary.main}
          fill={theme.palette.primary.light}
          fillOpacity={0.25}
          isAnimationActive={false}
        />
      </AreaChart>
    </ResponsiveContainer>
  );
}

/** The hours that broke the objective; `valueText` writes its metric's value. */
function BrokenHours(props: {
  hours: SloObjectiveReport['brokenHours'];
  valueText: (value: number) => string;
}) {
  const { hours, valueText } = props;
  const classes = useStyles();
  const { t, format } = useLocalization();
  if (hours.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {t('slo.brokenHours.none')}
      </Typography>
    );
  }
  return (
    <Box className={classes.hours}>
      <Table size="small" aria-label={t('slo.brokenHours.title')}>
        <TableHead>
          <TableRow>
            <TableCell>{t('slo.brokenHours.hour')}</TableCell>
            <TableCell align="right">{t('slo.brokenHours.value')}</TableCell>
            <TableCell align="right">{t('slo.brokenHours.calls')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {hours.map(hour => (
            <TableRow key={hour.hourStart} data-testid="slo-broken-hour">
              <TableCell>{format.shortDateTime(hour.hourStart)}</TableCell>
              <TableCell align="right">{valueText(hour.value)}</TableCell>
              <TableCell align="right">{format.integer(hour.calls)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function ObjectiveView({ objective }: ObjectiveProps) {
  const classes = useStyles();
  const { t, format } = useLocalization();
  const valueText = (value: number) =>
    objective.metric === 'errorRate'
      ? format.percent(value)
      : format.duration(value);
  const budget = objective.errorBudgetRemaining;
  return (
    <Box className={classes.objective} data-testid={`slo-${objective.metric}`}>
      <Box>
        <Typography variant="h6" component="h3">
          {t(`slo.metrics.${objective.metric}`)}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {t('slo.objective', {
            threshold: valueText(objective.threshold),
            target: format.percent(objective.target),
            days: format.integer(objective.windowDays),
          })}
        </Typography>
      </Box>
      <Box className={classes.chips}>
        {objective.alerts.map(alert => (
          <Chip
            key={alert.tier}
            size="small"
            color={alert.firing ? 'secondary' : 'default'}
            label={t(alert.firing ? 'slo.alerts.firing' : 'slo.alerts.quiet', {
              tier: t(`slo.alerts.${alert.tier}`),
              long: format.integer(alert.longHours),
              short: format.integer(alert.shortHours),
            })}
            data-testid={`slo-alert-${alert.tier}`}
          />
        ))}
      </Box>
      <Box className={classes.figures}>
        <Figure
          label={t('slo.attainment')}
          value={format.percent(objective.attainment)}
          caption={
            objective.countedHours > 0
              ? t('slo.goodHours', {
                  good: format.integer(objective.goodHours),
                  counted: format.integer(objective.countedHours),
                })
              : t('slo.noHours')
          }
        />
        <Figure
          label={t('slo.budgetLeft')}
          value={format.percent(budget)}
          alarming={budget !== null && budget < 0}
          testId="slo-budget-left"
        />
        {objective.burnRates.map(rate => (
          <Figure
            key={rate.hours}
            label={t('slo.burnRate', { hours: format.integer(rate.hours) })}
            value={
              rate.burnRate === null
                ? '—'
                : t('slo.burnRateValue', {
                    rate: format.compact(rate.burnRate),
                  })
            }
          />
        ))}
      </Box>
      <Grid container spacing={2}>
        <Grid item xs={12} md={7}>
          <Typography variant="subtitle2">{t('slo.chart.title')}</Typography>
          <BudgetBurnChart objective={objective} />
        </Grid>
        <Grid item xs={12} md={5}>
          <Typography variant="subtitle2">
            {t('slo.brokenHours.title')}
          </Typography>
          <BrokenHours hours={objective.brokenHours} valueText={valueText} />
        </Grid>
      </Grid>
    </Box>
  );
}

function InvalidAnnotations(props: { report: SloReportResponse }) {
  const { t } = useLocalization();
  if (props.report.invalidAnnotations.length === 0) return null;
  return (
    <Box mb={2}>
      {props.report.invalidAnnotations.map(item => (
        <Alert
          key={item.annotation}
          severity="warning"
          data-testid="slo-invalid-annotation"
        >
          {t('slo.invalidAnnotation', item)}
        </Alert>
      ))}
    </Box>
  );
}

/** How to declare an SLO, for a project that has none. */
function NoSlo(props: { report: SloReportResponse }) {
  const { t } = useLocalization();
  const classes = useStyles();
  return (
    <Box data-testid="slo-empty">
      <InvalidAnnotations report={props.report} />
      <EmptyState
        missing="field"
        title={t('slo.empty.title')}
        description={t('slo.empty.description')}
        action={
          <Box>
            <pre className={classes.example}>{EXAMPLE}</pre>
            <Typography variant="body2" color="textSecondary">
              {t('slo.empty.settings', { projectId: props.report.projectId })}
            </Typography>
          </Box>
        }
      />
    </Box>
  );
}

/** @internal */
export interface SloCardProps {
  projectId: string;
}

/**
 * A project's SLOs: per objective its attainment, the error budget left,
 * the burn rates and alert tiers, the budget burn over the window and the
 * hours that broke it; how to declare one when there is none.
 */
export function SloCard({ projectId }: SloCardProps) {
  const { t, format } = useLocalization();
  const slo = useProjectSlo(projectId);
  const report = slo.value;
  const subheader =
    report && report.source
      ? t(`slo.source.${report.source}`, {
          time: format.shortDateTime(report.evaluatedUntil),
        })
      : undefined;
  return (
    <SectionCard
      title={t('slo.title')}
      subheader={subheader}
      busy={slo.loading && report !== undefined}
      testId="slo-card"
    >
      {slo.error && isNotFound(slo.error) ? (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="slo-not-visible"
        >
          {t('slo.notVisible')}
        </Typography>
      ) : (
        <QueryContent
          query={slo}
          isEmpty={value => value.objectives.length === 0}
          empty={report && <NoSlo report={report} />}
        >
          {value => (
            <Box>
              <InvalidAnnotations report={value} />
              {value.objectives.map((objective, index) => (
                <Box key={objective.metric}>
                  {index > 0 && (
                    <Box my={3}>
                      <Divider />
                    </Box>
                  )}
                  <ObjectiveView objective={objective} />
                </Box>
              ))}
            </Box>
          )}
        </QueryContent>
      )}
    </SectionCard>
  );
}
