import { Grid } from '@material-ui/core';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { UsageOverviewResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { useFormatters } from '../../hooks';
import { deltasAgainst } from '../../lib/deltas';
import { DeltaLabel } from '../common/DeltaLabel';
import { StatCard } from '../common/StatCard';
import { CostLines } from '../common/CostLines';
import { EstimatedCostLines } from '../common/UsageSourceSwitch';

/** @internal */
export interface OverviewCardsProps {
  overview?: UsageOverviewResponse;
  loading?: boolean;
}

/**
 * Calls, tokens, cost and success rate for the range, each with its change
 * against the previous period of the same length. Costs get one line per
 * currency; currencies are never added together.
 */
export function OverviewCards(props: OverviewCardsProps) {
  const { overview, loading } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const showSkeleton = loading && !overview;
  const current = overview?.current;
  const previous = overview?.previous;
  // Providers report requests, tokens and cost; no failures or latency.
  const fromProvider = overview?.source === 'provider';
  // "No earlier data to compare" instead of "new" when the previous period is empty.
  const { costDeltas, countDelta, rateDelta } = deltasAgainst(previous);

  return (
    <Grid container spacing={2} data-testid="overview-cards">
      <Grid item xs={12} sm={6} lg={3}>
        <StatCard
          title={fromProvider ? t('usageSource.requests') : t('overview.calls')}
          loading={showSkeleton}
          value={current && format.integer(current.calls)}
          caption={
            current &&
            !fromProvider &&
            t('overview.failedCalls', {
              failed: format.integer(current.failedCalls),
            })
          }
          footer={
            current &&
            previous && (
              <DeltaLabel delta={countDelta(current.calls, previous.calls)} />
            )
          }
        />
      </Grid>
      <Grid item xs={12} sm={6} lg={3}>
        <StatCard
          title={t('overview.tokens')}
          loading={showSkeleton}
          value={current && format.compact(current.totalTokens)}
          valueTitle={current && format.integer(current.totalTokens)}
          caption={
            current &&
            t('overview.tokensInOut', {
              input: format.compact(current.inputTokens),
              output: format.compact(current.outputTokens),
            })
          }
          footer={
            current &&
            previous && (
              <DeltaLabel
                delta={countDelta(current.totalTokens, previous.totalTokens)}
              />
            )
          }
        />
      </Grid>
      <Grid item xs={12} sm={6} lg={3}>
        <StatCard
          title={t('overview.cost')}
          loading={showSkeleton}
          value={
            current && (
              <CostLines
                costs={current.costs}
                empty={t('overview.noCost')}
                testIdPrefix="cost"
              />
            )
          }
          caption={
            current && <EstimatedCostLines costs={current.estimatedCosts} />
          }
          footer={
            current &&
            previous &&
            costDeltas(current.costs, previous.costs).map(({ cost, delta }) => (
              <DeltaLabel
                key={cost.currency}
                delta={delta}
                suffix={current.costs.length > 1 ? cost.currency : undefined}
              />
            ))
          }
        />
      </Grid>
      <Grid item xs={12} sm={6} lg={3}>
        <StatCard
          title={t('overview.successRate')}
          loading={showSkeleton}
          value={current && format.percent(current.successRate)}
          caption={fromProvider && t('usageSource.notReported')}
          footer={
            current &&
            previous &&
            !fromProvider && (
              <DeltaLabel
                delta={rateDelta(current.successRate, previous.successRate)}
                tone="higher-is-better"
              />
            )
          }
        />
      </Grid>
    </Grid>
  );
}
