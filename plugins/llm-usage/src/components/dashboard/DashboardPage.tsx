import { Box, Grid } from '@material-ui/core';
import { EmptyState } from '@backstage/core-components';
import {
  PROJECT_SORT_FIELDS,
  PROVIDER_BREAKDOWN_DIMENSIONS,
  TREND_SPLITS,
  type UsageTotals,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  trendIntervalChoice,
  useProjectList,
  useRangeSelection,
  useUrlParams,
  useUsageExports,
  useUsageOverview,
  useUsageSource,
  useUsageTrends,
  useLocalization,
} from '../../hooks';
import { hasNoCalls } from '../../lib/deltas';
import { nonNegativeInt, oneOf } from '../../lib/params';
import { TREND_METRICS } from '../../lib/trendSeries';
import {
  ControlsBar,
  LlmUsageLayout,
  NoCallsEmptyState,
  QueryErrorPanel,
  RangePicker,
  UsageSourceSwitch,
  useLlmUsagePaths,
} from '../common';
import { OverviewCards } from './OverviewCards';
import { PROJECT_PAGE_SIZES, ProjectListCard } from './ProjectListCard';
import { ProviderBreakdownCard } from './ProviderBreakdownCard';
import { QuotaSection } from './QuotaSection';
import { UsageTrendCard } from './UsageTrendCard';

const LONG_RANGES: string[] = ['30d', '90d'];

/** Whether providers reported any request, token or cost (some report no requests). */
function reportsAnything(totals: UsageTotals): boolean {
  return totals.calls + totals.totalTokens > 0 || totals.costs.length > 0;
}
const ORDERS = ['asc', 'desc'] as const;

/** The LLM Usage landing page: everything the viewer may see, at a glance. */
export function DashboardPage() {
  const { t } = useLocalization();
  const paths = useLlmUsagePaths();
  const [range, setRange] = useRangeSelection();
  const [params, setParams] = useUrlParams();

  const { intervals, interval } = trendIntervalChoice(
    range,
    params.get('interval'),
  );
  const metric = oneOf(params.get('metric'), TREND_METRICS, 'calls');
  const split = oneOf(params.get('split'), TREND_SPLITS, 'none');
  const currency = params.get('currency') ?? undefined;

  const search = params.get('q') ?? '';
  const sort = oneOf(params.get('sort'), PROJECT_SORT_FIELDS, 'calls');
  const order = oneOf(params.get('order'), ORDERS, 'desc');
  const pageSize = oneOf(
    params.get('size'),
    PROJECT_PAGE_SIZES.map(String),
    String(PROJECT_PAGE_SIZES[0]),
  );
  const page = nonNegativeInt(params.get('page'), 0);

  // Recorded calls or provider reports; `auto` until the viewer picks one.
  const [source, setSource] = useUsageSource();
  const breakdownBy = oneOf(
    params.get('by'),
    PROVIDER_BREAKDOWN_DIMENSIONS,
    'key',
  );

  // All dashboard requests start together; none waits for another.
  const overview = useUsageOverview(range, { live: true, source });
  const trends = useUsageTrends(range, interval, split, source);
  const projects = useProjectList(range, {
    source,
    search: search || undefined,
    sort,
    order,
    offset: page * Number(pageSize),
    limit: Number(pageSize),
  });

  const exports = useUsageExports(range);

  let body;
  if (overview.error) {
    body = <QueryErrorPanel error={overview.error} onRetry={overview.retry} />;
  } else if (
    overview.value?.source === 'provider' &&
    !overview.loading &&
    !reportsAnything(overview.value.current) &&
    !reportsAnything(overview.value.previous)
  ) {
    body = (
      <EmptyState
        missing="data"
        title={t('usageSource.noProviderUsage')}
        description={t('empty.tryAnotherRange')}
      />
    );
  } else if (
    overview.value &&
    !overview.loading &&
    hasNoCalls(overview.value.current, overview.value.previous)
  ) {
    // Nothing in two long periods means nobody reports calls yet: explain how.
    // A short or custom range just happens to be quiet.
    body = LONG_RANGES.includes(range.preset) ? (
      <NoCallsEmptyState />
    ) : (
      <EmptyState
        missing="data"
        title={t('empty.noCallsInRange')}
        description={t('empty.tryAnotherRange')}
      />
    );
  } else {
    body = (
      <Grid container spacing={3}>
        <QuotaSection />
        <Grid item xs={12}>
          <OverviewCards overview={overview.value} loading={overview.loading} />
        </Grid>
        <Grid item xs={12}>
          <UsageTrendCard
            trends={trends}
            interval={interval}
            intervals={intervals}
            onIntervalChange={next => setParams({ interval: next })}
            metric={metric}
            onMetricChange={next => setParams({ metric: next })}
            split={split}
            onSplitChange={next => setParams({ split: next })}
            currency={currency}
            onCurrencyChange={next => setParams({ currency: next })}
          />
        </Grid>
        {overview.value?.source === 'provider' && (
          <Grid item xs={12}>
            <ProviderBreakdownCard
              range={range}
              by={breakdownBy}
              onByChange={next => setParams({ by: next })}
            />
          </Grid>
        )}
        <Grid item xs={12}>
          <ProjectListCard
            projects={projects}
            search={search}
            onSearchChange={next => setParams({ q: next, page: undefined })}
            sort={sort}
            order={order}
            onSortChange={(nextSort, nextOrder) =>
              setParams({ sort: nextSort, order: nextOrder, page: undefined })
            }
            page={page}
            pageSize={Number(pageSize)}
            onPageChange={next =>
              setParams({ page: next > 0 ? String(next) : undefined })
            }
            onPageSizeChange={next =>
              setParams({ size: String(next), page: undefined })
            }
            projectLink={id => paths.project(id, range)}
            onExport={format =>
              exports.projects(
                { search: search || undefined, sort, order },
                format,
              )
            }
          />
        </Grid>
      </Grid>
    );
  }

  return (
    <LlmUsageLayout
      title={t('page.title')}
      pageTitle={t('page.title')}
      subtitle={t('page.subtitle')}
    >
      <Box mb={2}>
        <ControlsBar>
          <RangePicker
            value={range}
            // A new range changes the buckets and the project pages.
            onChange={next =>
              setRange(next, { interval: undefined, page: undefined })
            }
          />
          <UsageSourceSwitch
            shown={overview.value?.source}
            onChange={next => setSource(next)}
          />
        </ControlsBar>
      </Box>
      {body}
    </LlmUsageLayout>
  );
}
