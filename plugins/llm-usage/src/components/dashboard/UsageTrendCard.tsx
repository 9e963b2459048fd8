import { useMemo } from 'react';
import { Box, Typography } from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import type {
  TrendInterval,
  TrendSplit,
  UsageTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { PolledQueryState } from '../../hooks';
import {
  OTHER_SERIES,
  TREND_METRICS,
  TrendMetric,
  toTrendChartData,
  trendCurrencies,
} from '../../lib/trendSeries';
import {
  OptionToggle,
  TrendIntervalToggle,
  QueryErrorPanel,
  SectionCard,
  SelectField,
  optionsOf,
} from '../common';
import { UsageTrendChart } from './UsageTrendChart';
import { useLocalization } from '../../hooks';

const SPLITS: TrendSplit[] = ['none', 'provider', 'model'];

/** @internal */
export interface UsageTrendCardProps {
  trends: PolledQueryState<UsageTrendsResponse>;
  interval: TrendInterval;
  intervals: TrendInterval[];
  onIntervalChange: (interval: TrendInterval) => void;
  metric: TrendMetric;
  onMetricChange: (metric: TrendMetric) => void;
  split: TrendSplit;
  onSplitChange: (split: TrendSplit) => void;
  /** Requested currency for the cost metric; the most common one otherwise. */
  currency?: string;
  onCurrencyChange: (currency: string) => void;
}

/** The dashboard's usage trend with its interval, metric and split switches. */
export function UsageTrendCard(props: UsageTrendCardProps) {
  const {
    trends: query,
    interval,
    intervals,
    onIntervalChange,
    metric,
    onMetricChange,
    split,
    onSplitChange,
    onCurrencyChange,
  } = props;
  const { t } = useLocalization();
  const trends = query.value;

  const currencies = useMemo(
    () => (trends ? trendCurrencies(trends) : []),
    [trends],
  );
  const currency =
    props.currency && currencies.includes(props.currency)
      ? props.currency
      : currencies[0];
  const data = useMemo(
    () => trends && toTrendChartData(trends, metric, { currency }),
    [trends, metric, currency],
  );

  const seriesLabel = (key: string) => {
    if (key === 'total') {
      return t('trend.total');
    }
    return key === OTHER_SERIES ? t('trend.other') : key;
  };

  const toolbar = (
    <>
      <TrendIntervalToggle
        value={interval}
        intervals={intervals}
        onChange={onIntervalChange}
      />
      <OptionToggle
        label={t('trend.metric')}
        value={metric}
        onChange={onMetricChange}
        options={optionsOf(TREND_METRICS, value => t(`trend.metrics.${value}`))}
      />
      <OptionToggle
        label={t('trend.split')}
        value={split}
        onChange={onSplitChange}
        options={optionsOf(SPLITS, value => t(`trend.splits.${value}`))}
      />
      {metric === 'cost' && currencies.length > 1 && (
        <SelectField
          size="small"
          variant="outlined"
          label={t('trend.currency')}
          value={currency}
          onChange={onCurrencyChange}
          options={optionsOf(currencies, code => code)}
        />
      )}
    </>
  );

  let content;
  if (query.error) {
    content = <QueryErrorPanel error={query.error} onRetry={query.retry} />;
  } else if (!data) {
    content = (
      <Skeleton variant="rect" height={300} data-testid="trend-skeleton" />
    );
  } else if (data.rows.length === 0) {
    content = (
      <Box
        height={300}
        display="flex"
        alignItems="center"
        justifyContent="center"
      >
        <Typography color="textSecondary">{t('trend.empty')}</Typography>
      </Box>
    );
  } else {
    content = (
      <UsageTrendChart
        data={data}
        metric={metric}
        interval={interval}
        currency={currency}
        seriesLabel={seriesLabel}
      />
    );
  }

  return (
    <SectionCard
      title={t('trend.title')}
      toolbar={toolbar}
      busy={query.loading && !!trends}
      testId="usage-trend"
    >
      {content}
    </SectionCard>
  );
}
