import { Box, Grid } from '@material-ui/core';
import { EmptyState } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { llmUsageTranslationRef } from '../../translation';
import { useRangeSelection, useUsageOverview } from '../../hooks';
import { hasNoCalls } from '../../lib/deltas';
import {
  LlmUsageLayout,
  NoCallsEmptyState,
  QueryErrorPanel,
  RangePicker,
} from '../common';
import { OverviewCards } from './OverviewCards';

const LONG_RANGES: string[] = ['30d', '90d'];

/** The LLM Usage landing page: overview of everything the viewer may see. */
export function DashboardPage() {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const [range, setRange] = useRangeSelection();
  const overview = useUsageOverview(range, { live: true });

  let body;
  if (overview.error) {
    body = <QueryErrorPanel error={overview.error} onRetry={overview.retry} />;
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
        <Grid item xs={12}>
          <OverviewCards overview={overview.value} loading={overview.loading} />
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
        <RangePicker value={range} onChange={next => setRange(next)} />
      </Box>
      {body}
    </LlmUsageLayout>
  );
}
