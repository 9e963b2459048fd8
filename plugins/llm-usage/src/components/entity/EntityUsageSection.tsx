import type { ReactNode } from 'react';
import { Box, Grid } from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import { EmptyState } from '@backstage/core-components';
import type {
  EntityUsageResponse,
  TrendInterval,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  PolledQueryState,
  defaultIntervalFor,
  useEntityUsage,
  useRangeSelection,
  useUsageSource,
  useLocalization,
} from '../../hooks';
import { toTrendChartData } from '../../lib/trendSeries';
import {
  QueryErrorPanel,
  RangePicker,
  SectionCard,
  UsageSourceSwitch,
} from '../common';
import { StatCardGridItems } from '../common/StatCardGridItems';
import { useUsageTotalsCards } from '../common/useUsageTotalsCards';
import { UsageTrendChart } from '../dashboard/UsageTrendChart';
import { ModelDistributionChart } from '../project/ModelDistributionChart';

/** Providers report days: an entity's trend is at least daily. */
function intervalFor(interval: TrendInterval): TrendInterval {
  return interval === 'hour' ? 'day' : interval;
}

/**
 * An entity's usage with the source switch. Until the viewer picks a
 * source the server answers `auto` (recorded calls where the entity has
 * any, else provider reports). Recorded calls show `callsView` when given
 * (a Component's per-project views); otherwise, and for provider reports,
 * the entity's totals, trend and models.
 */
export function EntityUsageSection(props: {
  entityRef: string;
  callsView?: ReactNode;
}) {
  const { entityRef, callsView } = props;
  const [source, setSource] = useUsageSource();
  const [range, setRange] = useRangeSelection();
  const interval = intervalFor(defaultIntervalFor(range));
  const usage = useEntityUsage(entityRef, range, interval, source);
  const shown = source === 'auto' ? usage.value?.source : source;

  let body: ReactNode;
  if (source === 'auto' && usage.error) {
    body = <QueryErrorPanel error={usage.error} onRetry={usage.retry} />;
  } else if (!shown) {
    body = <Skeleton variant="rect" height={160} />;
  } else if (shown === 'calls' && callsView) {
    body = callsView;
  } else {
    body = (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <RangePicker value={range} onChange={next => setRange(next)} />
        </Grid>
        <EntityUsagePanel usage={usage} interval={interval} />
      </Grid>
    );
  }

  return (
    <Grid container spacing={2} data-testid="entity-usage-section">
      <Grid item xs={12}>
        <UsageSourceSwitch shown={shown} onChange={setSource} />
      </Grid>
      <Grid item xs={12}>
        {body}
      </Grid>
    </Grid>
  );
}

/** Totals, trend and models of an entity from either source, as grid items. */
function EntityUsagePanel(props: {
  usage: PolledQueryState<EntityUsageResponse>;
  interval: TrendInterval;
}) {
  const { usage, interval } = props;
  const { t } = useLocalization();
  const value = usage.value;
  const totals = value?.totals;
  const fromProvider = value?.source === 'provider';
  const totalsCards = useUsageTotalsCards(totals, {
    fromProvider,
    costTestIdPrefix: 'entity-cost',
  });
  if (usage.error) {
    return (
      <Grid item xs={12}>
        <QueryErrorPanel error={usage.error} onRetry={usage.retry} />
      </Grid>
    );
  }
  if (
    value &&
    totals &&
    totals.calls + totals.totalTokens === 0 &&
    totals.costs.length === 0
  ) {
    return (
      <Grid item xs={12}>
        <EmptyState
          missing="data"
          title={
            fromProvider
              ? t('usageSource.noProviderUsage')
              : t('empty.noCallsInRange')
          }
          description={t('empty.tryAnotherRange')}
        />
      </Grid>
    );
  }
  const trends = value && {
    source: value.source,
    range: value.range,
    interval: value.interval,
    timeZone: value.timeZone,
    split: 'none' as const,
    series: ['total'],
    points: value.points,
  };
  return (
    <>
      <StatCardGridItems
        loading={!value}
        size={{ xs: 12, sm: 4 }}
        cards={[totalsCards.calls, totalsCards.tokens, totalsCards.cost]}
      />
      <Grid item xs={12} md={8}>
        <SectionCard title={t('trend.title')} testId="entity-usage-trend">
          {trends ? (
            <Box>
              <UsageTrendChart
                data={toTrendChartData(trends, 'tokens')}
                metric="tokens"
                interval={interval}
                seriesLabel={() => t('overview.tokens')}
                height={240}
              />
            </Box>
          ) : (
            <Skeleton variant="rect" height={240} />
          )}
        </SectionCard>
      </Grid>
      <Grid item xs={12} md={4}>
        <SectionCard title={t('project.models.title')}>
          {value ? (
            <ModelDistributionChart models={value.models} />
          ) : (
            <Skeleton variant="circle" width={160} height={160} />
          )}
        </SectionCard>
      </Grid>
    </>
  );
}
