import { Box, Grid } from '@material-ui/core';
import { EmptyState, LinkButton } from '@backstage/core-components';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import type { LinkedEntity } from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  trendIntervalChoice,
  useDocumentVisible,
  usePollingIntervalMs,
  useProjectCalls,
  useProjectModels,
  useProjectStats,
  useProjectTrends,
  useRangeSelection,
  useUrlParams,
  useUsageExports,
  useLocalization,
} from '../../hooks';
import { isNotFound } from '../../lib/errors';
import {
  LlmUsageLayout,
  RangePicker,
  TrendIntervalToggle,
  useLlmUsagePaths,
} from '../common';
import { CallHistoryCard } from './CallHistoryCard';
import { ProjectUsageGrid } from './ProjectUsageGrid';
import { SloCard } from './SloCard';
import { useCallListParams } from './useCallListParams';

/** How the links of the page's subtitle look: in its colour, underlined. */
const SUBTITLE_LINK = { color: 'inherit', underline: 'always' } as const;

/** The catalog entity the project belongs to and its owners. */
function ProjectEntitySubtitle(props: { entity: LinkedEntity }) {
  const { entity } = props;
  const { t } = useLocalization();
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} component="span">
      <span>
        {t('project.entity')}:{' '}
        <EntityRefLink entityRef={entity.entityRef} {...SUBTITLE_LINK}>
          {entity.title}
        </EntityRefLink>
      </span>
      {entity.ownerRefs.length > 0 && (
        <span>
          {t('project.owner')}:{' '}
          <EntityRefLinks
            entityRefs={entity.ownerRefs}
            defaultKind="group"
            {...SUBTITLE_LINK}
          />
        </span>
      )}
    </Box>
  );
}

/** @internal */
export interface ProjectDetailPageProps {
  projectId: string;
}

/** Stats, trend, models and call history of one project. */
export function ProjectDetailPage({ projectId }: ProjectDetailPageProps) {
  const { t } = useLocalization();
  const paths = useLlmUsagePaths();
  const [range, setRange] = useRangeSelection();
  const [params, setParams] = useUrlParams();
  const pollIntervalMs = usePollingIntervalMs();
  const visible = useDocumentVisible();

  const { intervals, interval } = trendIntervalChoice(
    range,
    params.get('interval'),
  );
  const callList = useCallListParams();

  const stats = useProjectStats(projectId, range, { live: true });
  const trends = useProjectTrends(projectId, range, interval);
  const models = useProjectModels(projectId, range);
  const calls = useProjectCalls(
    projectId,
    range,
    { ...callList.view, cursor: callList.cursor },
    { live: true },
  );

  const exports = useUsageExports(range);

  const layout = {
    title: projectId,
    pageTitle: `${projectId} · ${t('page.title')}`,
    type: t('page.allProjects'),
    typeLink: paths.dashboard(range),
  };

  // Missing and hidden projects answer alike: one page-level state instead
  // of an error panel per section, and no export or live controls.
  if (stats.error && isNotFound(stats.error)) {
    return (
      <LlmUsageLayout {...layout}>
        <Box data-testid="project-not-found">
          <EmptyState
            missing="data"
            title={t('project.notFound.title', { projectId })}
            description={t('project.notFound.description')}
            action={
              <LinkButton
                variant="contained"
                color="primary"
                to={layout.typeLink}
              >
                {t('page.allProjects')}
              </LinkButton>
            }
          />
        </Box>
      </LlmUsageLayout>
    );
  }

  return (
    <LlmUsageLayout
      {...layout}
      subtitle={
        stats.value?.entity && (
          <ProjectEntitySubtitle entity={stats.value.entity} />
        )
      }
    >
      <Box mb={2}>
        <RangePicker
          value={range}
          onChange={next => {
            callList.forgetPreviousPages();
            setRange(next, { interval: undefined, cursor: undefined });
          }}
        />
      </Box>
      <Grid container spacing={3}>
        <ProjectUsageGrid
          stats={stats}
          trends={trends}
          models={models}
          trendToolbar={
            <TrendIntervalToggle
              value={interval}
              intervals={intervals}
              onChange={next => setParams({ interval: next })}
            />
          }
        />
        <Grid item xs={12}>
          <SloCard projectId={projectId} />
        </Grid>
        <Grid item xs={12}>
          <CallHistoryCard
            calls={calls.value}
            loading={calls.loading}
            error={calls.error}
            onRetry={calls.retry}
            models={models.value?.models.map(m => m.model) ?? []}
            view={callList.view}
            onViewChange={callList.setView}
            paging={callList.paging}
            live={
              pollIntervalMs > 0
                ? { intervalSeconds: pollIntervalMs / 1000, paused: !visible }
                : undefined
            }
            onExport={format => {
              const { model, status, sort, order } = callList.view;
              return exports.projectCalls(
                projectId,
                { model, status, sort, order },
                format,
              );
            }}
          />
        </Grid>
      </Grid>
    </LlmUsageLayout>
  );
}
