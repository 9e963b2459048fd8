import type { ReactNode } from 'react';
import { Grid } from '@material-ui/core';
import type { UsageTotals } from '@llm-usage/backstage-plugin-llm-usage-common';
import { CostLines } from '../common';
import { StatCardGridItems } from '../common/StatCardGridItems';
import { useLocalization } from '../../hooks';

/** @internal */
export interface ProjectStatCardsProps {
  stats?: UsageTotals;
  loading?: boolean;
}

/** A card of the row, titled by the `project.stats` text of its id. */
interface ProjectStatCard {
  id: 'calls' | 'successRate' | 'avgLatency' | 'p95Latency' | 'tokens' | 'cost';
  value: (stats: UsageTotals) => ReactNode;
  valueTitle?: (stats: UsageTotals) => string;
  caption?: (stats: UsageTotals) => ReactNode;
}

/** Calls, success rate, average and P95 latency, tokens and cost. */
export function ProjectStatCards({ stats, loading }: ProjectStatCardsProps) {
  const { t, format } = useLocalization();

  const cards: ProjectStatCard[] = [
    {
      id: 'calls',
      value: s => format.integer(s.calls),
      caption: s =>
        t('overview.failedCalls', { failed: format.integer(s.failedCalls) }),
    },
    { id: 'successRate', value: s => format.percent(s.successRate) },
    { id: 'avgLatency', value: s => format.duration(s.avgLatencyMs) },
    { id: 'p95Latency', value: s => format.duration(s.p95LatencyMs) },
    {
      id: 'tokens',
      value: s => format.compact(s.totalTokens),
      valueTitle: s => format.integer(s.totalTokens),
      caption: s =>
        t('overview.tokensInOut', {
          input: format.compact(s.inputTokens),
          output: format.compact(s.outputTokens),
        }),
    },
    {
      id: 'cost',
      value: s => (
        <CostLines
          costs={s.costs}
          empty={t('overview.noCost')}
          testIdPrefix="project-cost"
        />
      ),
    },
  ];

  return (
    <Grid container spacing={2} data-testid="project-stats">
      <StatCardGridItems
        loading={loading && !stats}
        size={{ xs: 6, sm: 4, lg: 2 }}
        cards={cards.map(card => ({
          id: card.id,
          title: t(`project.stats.${card.id}`),
          value: stats && card.value(stats),
          valueTitle: stats && card.valueTitle?.(stats),
          caption: stats && card.caption?.(stats),
        }))}
      />
    </Grid>
  );
}
