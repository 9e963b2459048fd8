import { Grid } from '@material-ui/core';
import { EmptyState, Link } from '@backstage/core-components';
import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import type { Entity } from '@backstage/catalog-model';
import {
  getEntityRelations,
  useEntityOwnership,
} from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { llmUsageAdminPermission } from '@llm-usage/backstage-plugin-llm-usage-common';
import Alert from '@material-ui/lab/Alert';
import {
  defaultIntervalFor,
  useProjectModels,
  useProjectStats,
  useProjectTrends,
  useRangeSelection,
  useUrlParams,
  useLocalization,
} from '../../hooks';
import { oneOf } from '../../lib/params';
import {
  ControlsBar,
  OptionToggle,
  RangePicker,
  optionsOf,
  useLlmUsagePaths,
} from '../common';
import { ProjectUsageGrid } from '../project/ProjectUsageGrid';
import { SloCard } from '../project/SloCard';
import { EntityKeysCard } from './EntityKeysCard';
import { EntityUsageSection } from './EntityUsageSection';
import { entityRefOf, projectIdsOf } from './entityPredicates';
import { isNotFound } from '../../lib/errors';
import { readableEntityRef } from '../../lib/readableRefs';

function ProjectUsage(props: { projectId: string }) {
  const { projectId } = props;
  const { t } = useLocalization();
  const paths = useLlmUsagePaths();
  const [range, setRange] = useRangeSelection();
  const interval = defaultIntervalFor(range);
  const stats = useProjectStats(projectId, range);
  const trends = useProjectTrends(projectId, range, interval);
  const models = useProjectModels(projectId, range);

  // A 404 for a project id means nothing was reported under it yet.
  if (stats.error && isNotFound(stats.error)) {
    return (
      <EmptyState
        missing="data"
        title={t('keyWorkspace.entity.noCallsTitle', { project: projectId })}
        description={t('keyWorkspace.entity.noCallsDescription')}
      />
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ControlsBar>
          <RangePicker value={range} onChange={next => setRange(next)} />
          <Link to={paths.project(projectId, range)}>
            {t('keyWorkspace.entity.openProject')}
          </Link>
        </ControlsBar>
      </Grid>
      <ProjectUsageGrid
        stats={stats}
        trends={trends}
        models={models}
        trendHeight={260}
      />
      <Grid item xs={12}>
        <SloCard projectId={projectId} />
      </Grid>
    </Grid>
  );
}

/**
 * For a viewer who neither owns the service nor is an admin: the figures are
 * only their own calls (the backend filters them), and who sees the rest.
 */
function OwnCallsOnlyNote(props: { entity: Entity }) {
  const { entity } = props;
  const { t } = useLocalization();
  const ownership = useEntityOwnership();
  const admin = usePermission({ permission: llmUsageAdminPermission });
  if (
    ownership.loading ||
    admin.loading ||
    admin.allowed ||
    ownership.isOwnedEntity(entity)
  ) {
    return null;
  }
  const owners = getEntityRelations(entity, RELATION_OWNED_BY).map(ref =>
    readableEntityRef(
      `${ref.kind}:${ref.namespace}/${ref.name}`.toLocaleLowerCase('en-US'),
    ),
  );
  return (
    <Grid item xs={12}>
      <Alert severity="info" data-testid="own-calls-only">
        {t('keyWorkspace.entity.ownCallsOnly', {
          owners: owners.length > 0 ? owners.join(', ') : t('common.none'),
        })}
      </Alert>
    </Grid>
  );
}

/**
 * A Component's LLM usage: the Project Detail views for each project id it
 * reports under (or the provider-reported usage of its keys), and the
 * provider keys linked to it.
 */
export function ComponentLlmUsage(props: { entity: Entity }) {
  const { entity } = props;
  const { t } = useLocalization();
  const [params, setParams] = useUrlParams();
  const projectIds = projectIdsOf(entity);
  const projectId = oneOf(params.get('project'), projectIds, projectIds[0]);

  // Recorded calls: the Project Detail views of each project id.
  const callsView = (
    <Grid container spacing={3}>
      {projectIds.length > 1 && (
        <Grid item xs={12}>
          <OptionToggle
            label={t('keyWorkspace.entity.project')}
            value={projectId}
            options={optionsOf(projectIds, id => id)}
            onChange={next => setParams({ project: next })}
          />
        </Grid>
      )}
      <OwnCallsOnlyNote entity={entity} />
      {projectId && (
        <Grid item xs={12}>
          {/* A new project is a new view: nothing carries over. */}
          <ProjectUsage key={projectId} projectId={projectId} />
        </Grid>
      )}
    </Grid>
  );

  return (
    <Grid container spacing={3} data-testid="component-llm-usage">
      <Grid item xs={12}>
        {/* Provider reports: the usage of the keys linked to it. */}
        <EntityUsageSection
          entityRef={entityRefOf(entity)}
          callsView={callsView}
        />
      </Grid>
      <Grid item xs={12}>
        <EntityKeysCard
          title={t('keyWorkspace.entity.linkedKeys')}
          query={{ componentRef: entityRefOf(entity) }}
          hide={['component']}
        />
      </Grid>
    </Grid>
  );
}
