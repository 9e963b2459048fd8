import { Grid } from '@material-ui/core';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { UsageTotals } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { useFormatters } from '../../hooks';
import { CostLines, StatCard } from '../common';

/** @internal */
export interface ProjectStatCardsProps {
  stats?: UsageTotals;
  loading?: boolean;
}

/** Calls, success rate, average and P95 latency, tokens and cost. */
export function ProjectStatCards(props: ProjectStatCardsProps) {
  const { stats, loading } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const skeleton = loading && !stats;

  const cards = [
    {
      id: 'calls',
      title: t('project.stats.calls'),
      value: stats && format.integer(stats.calls),
      caption:
        stats &&
        t('overview.failedCalls', {
          failed: format.integer(stats.failedCalls),
        }),
    },
    {
      id: 'successRate',
      title: t('project.stats.successRate'),
      value: stats && format.percent(stats.successRate),
    },
    {
      id: 'avgLatency',
      title: t('project.stats.avgLatency'),
      value: stats && format.duration(stats.avgLatencyMs),
    },
    {
      id: 'p95Latency',
      title: t('project.stats.p95Latency'),
      value: stats && format.duration(stats.p95LatencyMs),
    },
    {
      id: 'tokens',
      title: t('project.stats.tokens'),
      value: stats && format.compact(stats.totalTokens),
      valueTitle: stats && format.integer(stats.totalTokens),
      caption:
        stats &&
        t('overview.tokensInOut', {
          input: format.compact(stats.inputTokens),
          output: format.compact(stats.outputTokens),
        }),
    },
    {
      id: 'cost',
      title: t('project.stats.cost'),
      value: stats && (
        <CostLines
          costs={stats.costs}
          empty={t('overview.noCost')}
          testIdPrefix="project-cost"
        />
      ),
    },
  ];

  return (
    <Grid container spacing={2} data-testid="project-stats">
      {cards.map(card => (
        <Grid item xs={6} sm={4} lg={2} key={card.id}>
          <StatCard
            title={card.title}
            value={card.value}
            valueTitle={card.valueTitle}
            caption={card.caption}
            loading={skeleton}
          />
        </Grid>
      ))}
    </Grid>
  );
}
