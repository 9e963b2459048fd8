import { ReactNode } from 'react';
import { Box, Grid, Typography } from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import type {
  ProjectModelsResponse,
  ProjectStatsResponse,
  ProjectTrendsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { PolledQueryState } from '../../hooks';
import { QueryErrorPanel, SectionCard } from '../common';
import { ModelDistributionChart } from './ModelDistributionChart';
import { ProjectStatCards } from './ProjectStatCards';
import { ProjectTrendChart } from './ProjectTrendChart';
import { useLocalization } from '../../hooks';

function CenteredText(props: { text: string; height: number }) {
  return (
    <Box
      height={props.height}
      display="flex"
      alignItems="center"
      justifyContent="center"
    >
      <Typography color="textSecondary">{props.text}</Typography>
    </Box>
  );
}

/** @internal */
export interface ProjectUsageGridProps {
  stats: PolledQueryState<ProjectStatsResponse>;
  trends: PolledQueryState<ProjectTrendsResponse>;
  models: PolledQueryState<ProjectModelsResponse>;
  /** Height of the trend chart. */
  trendHeight?: number;
  /** Controls in the trend card's header, e.g. the interval. */
  trendToolbar?: ReactNode;
}

/**
 * A project's stat cards, its requests-and-latency trend and its models, as
 * grid items, each with its own loading, empty and error state: the same on
 * the project page and on a Component's tab.
 */
export function ProjectUsageGrid({
  stats,
  trends,
  models,
  trendHeight = 300,
  trendToolbar,
}: ProjectUsageGridProps) {
  const { t } = useLocalization();

  let trendContent;
  if (trends.error) {
    trendContent = (
      <QueryErrorPanel error={trends.error} onRetry={trends.retry} />
    );
  } else if (!trends.value) {
    trendContent = <Skeleton variant="rect" height={trendHeight} />;
  } else if (trends.value.points.every(p => p.calls === 0)) {
    trendContent = (
      <CenteredText text={t('project.trend.empty')} height={trendHeight} />
    );
  } else {
    trendContent = (
      <ProjectTrendChart trends={trends.value} height={trendHeight} />
    );
  }

  let modelContent;
  if (models.error) {
    modelContent = (
      <QueryErrorPanel error={models.error} onRetry={models.retry} />
    );
  } else if (!models.value) {
    modelContent = <Skeleton variant="circle" width={160} height={160} />;
  } else if (models.value.models.length === 0) {
    modelContent = (
      <CenteredText text={t('project.models.empty')} height={180} />
    );
  } else {
    modelContent = <ModelDistributionChart models={models.value.models} />;
  }

  return (
    <>
      <Grid item xs={12}>
        {stats.error ? (
          <QueryErrorPanel error={stats.error} onRetry={stats.retry} />
        ) : (
          <ProjectStatCards
            stats={stats.value?.stats}
            loading={stats.loading}
          />
        )}
      </Grid>
      <Grid item xs={12} md={8}>
        <SectionCard
          title={t('project.trend.title')}
          busy={trends.loading && !!trends.value}
          testId="project-trend"
          toolbar={trendToolbar}
        >
          {trendContent}
        </SectionCard>
      </Grid>
      <Grid item xs={12} md={4}>
        <SectionCard
          title={t('project.models.title')}
          busy={models.loading && !!models.value}
        >
          {modelContent}
        </SectionCard>
      </Grid>
    </>
  );
}
