import type { ReactNode } from 'react';
import { Grid } from '@material-ui/core';
import type {
  UsageOverviewResponse,
  UsageTotals,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { deltasAgainst } from '../../lib/deltas';
import { DeltaLabel } from '../common/DeltaLabel';
import { StatCardGridItems } from '../common/StatCardGridItems';
import { useUsageTotalsCards } from '../common/useUsageTotalsCards';
import { useLocalization } from '../../hooks';

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
export function OverviewCards({ overview, loading }: OverviewCardsProps) {
  const { t, format } = useLocalization();
  const current = overview?.current;
  const previous = overview?.previous;
  // Providers report requests, tokens and cost; no failures or latency.
  const fromProvider = overview?.source === 'provider';
  const totalsCards = useUsageTotalsCards(current, {
    fromProvider,
    costTestIdPrefix: 'cost',
  });
  // "No earlier data to compare" instead of "new" when the previous period is empty.
  const { costDeltas, countDelta, rateDelta } = deltasAgainst(previous);
  /** A card's change against the previous period, once both are loaded. */
  const change = (
    render: (now: UsageTotals, before: UsageTotals) => ReactNode,
  ) => current && previous && render(current, previous);

  return (
    <Grid container spacing={2} data-testid="overview-cards">
      <StatCardGridItems
        loading={loading && !overview}
        size={{ xs: 12, sm: 6, lg: 3 }}
        cards={[
          {
            ...totalsCards.calls,
            caption:
              current &&
              !fromProvider &&
              t('overview.failedCalls', {
                failed: format.integer(current.failedCalls),
              }),
            footer: change((now, before) => (
              <DeltaLabel delta={countDelta(now.calls, before.calls)} />
            )),
          },
          {
            ...totalsCards.tokens,
            footer: change((now, before) => (
              <DeltaLabel
                delta={countDelta(now.totalTokens, before.totalTokens)}
              />
            )),
          },
          {
            ...totalsCards.cost,
            footer: change((now, before) =>
              costDeltas(now.costs, before.costs).map(({ cost, delta }) => (
                <DeltaLabel
                  key={cost.currency}
                  delta={delta}
                  suffix={now.costs.length > 1 ? cost.currency : undefined}
                />
              )),
            ),
          },
          {
            id: 'successRate',
            title: t('overview.successRate'),
            value: current && format.percent(current.successRate),
            caption: fromProvider && t('usageSource.notReported'),
            footer:
              !fromProvider &&
              change((now, before) => (
                <DeltaLabel
                  delta={rateDelta(now.successRate, before.successRate)}
                  tone="higher-is-better"
                />
              )),
          },
        ]}
      />
    </Grid>
  );
}
