import { ReactNode, useState } from 'react';
import { Grid } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import type {
  MemberSpend,
  ProjectUsage,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  PolledQueryState,
  useGroupProjects,
  useGroupSpend,
  useRangeSelection,
  useUsageSource,
  useLocalization,
} from '../../hooks';
import {
  CostLines,
  TablePager,
  RangePicker,
  SectionCard,
  useLlmUsagePaths,
} from '../common';
import {
  QueryRecordTable,
  RecordColumn,
  figureColumn,
} from '../common/RecordTable';
import { QuotaSection } from '../dashboard/QuotaSection';
import { EntityKeysCard } from './EntityKeysCard';
import { EntityUsageSection } from './EntityUsageSection';
import { entityRefOf } from './entityPredicates';

/** Rows per page of both tables; the server pages, so no team is cut off. */
const PAGE_SIZE = 25;

/** The page a server-paged list shows, and the slice of the list it asks for. */
function usePaging() {
  const [page, setPage] = useState(0);
  return {
    page,
    onPageChange: setPage,
    window: { offset: page * PAGE_SIZE, limit: PAGE_SIZE },
  };
}

type Paging = ReturnType<typeof usePaging>;

/**
 * A card with one page of a list the server pages and sums, and under it
 * "1–25 of 230", translated (hidden for a single page).
 */
function PagedSpendCard<T>(props: {
  title: string;
  subheader?: string;
  toolbar?: ReactNode;
  query: PolledQueryState<{ items: T[]; totalCount: number }>;
  paging: Paging;
  emptyText: string;
  testId: string;
  columns: Array<RecordColumn<T>>;
  rowKey: (row: T) => string;
}) {
  const { title, subheader, toolbar, query, paging } = props;
  return (
    <SectionCard
      title={title}
      subheader={subheader}
      busy={query.loading && !!query.value}
      toolbar={toolbar}
    >
      <QueryRecordTable
        query={query}
        rowsOf={value => value.items}
        isEmpty={value => value.totalCount === 0}
        emptyText={props.emptyText}
        testId={props.testId}
        columns={props.columns}
        rowKey={props.rowKey}
        footer={value =>
          value.totalCount > PAGE_SIZE && (
            <TablePager
              count={value.totalCount}
              page={paging.page}
              rowsPerPage={PAGE_SIZE}
              onPageChange={paging.onPageChange}
            />
          )
        }
      />
    </SectionCard>
  );
}

function SpendByProject(props: { groupRef: string }) {
  const { groupRef } = props;
  const { t, format } = useLocalization();
  const paths = useLlmUsagePaths();
  const [range, setRange] = useRangeSelection();
  const [source] = useUsageSource();
  const paging = usePaging();
  const projects = useGroupProjects(groupRef, range, {
    source,
    sort: 'cost',
    order: 'desc',
    ...paging.window,
  });
  return (
    <PagedSpendCard
      title={t('keyWorkspace.entity.spendByProject')}
      toolbar={
        <RangePicker
          value={range}
          onChange={next => {
            setRange(next);
            paging.onPageChange(0);
          }}
        />
      }
      query={projects}
      paging={paging}
      emptyText={t('keyWorkspace.entity.noProjects')}
      testId="group-projects"
      rowKey={project => project.projectId}
      columns={[
        {
          label: t('projects.columns.project'),
          cell: project => (
            <Link to={paths.project(project.projectId, range)}>
              {project.projectId}
            </Link>
          ),
        },
        {
          label: t('projects.columns.entity'),
          cell: project =>
            project.entity && (
              <EntityRefLink entityRef={project.entity.entityRef}>
                {project.entity.title}
              </EntityRefLink>
            ),
        },
        figureColumn<ProjectUsage>(
          projects.value?.source === 'provider'
            ? t('usageSource.requests')
            : t('projects.columns.calls'),
          project => format.integer(project.calls),
        ),
        figureColumn<ProjectUsage>(t('projects.columns.tokens'), project =>
          format.compact(project.totalTokens),
        ),
        figureColumn<ProjectUsage>(t('projects.columns.cost'), project => (
          <CostLines costs={project.costs} />
        )),
      ]}
    />
  );
}

function SpendByMember(props: { groupRef: string }) {
  const { groupRef } = props;
  const { t, format } = useLocalization();
  const paging = usePaging();
  const spend = useGroupSpend(groupRef, paging.window);
  return (
    <PagedSpendCard
      title={t('keyWorkspace.entity.spendByMember')}
      subheader={t('keyWorkspace.entity.spendByMemberNote')}
      query={spend}
      paging={paging}
      emptyText={t('keyWorkspace.entity.noMemberKeys')}
      testId="group-members"
      rowKey={row => row.ownerRef}
      columns={[
        {
          label: t('keyWorkspace.entity.member'),
          cell: row => (
            <EntityRefLink entityRef={row.ownerRef} defaultKind="user" />
          ),
        },
        figureColumn<MemberSpend>(t('keyWorkspace.tags.keys'), row =>
          format.integer(row.keys),
        ),
        figureColumn<MemberSpend>(t('keyWorkspace.columns.monthTokens'), row =>
          format.integer(row.totalTokens),
        ),
        figureColumn<MemberSpend>(t('keyWorkspace.columns.monthCost'), row => (
          <CostLines costs={row.costs} />
        )),
      ]}
    />
  );
}

/**
 * A Group's LLM usage: the keys the team owns, spend per project it owns and
 * per member (from the keys each member owns), both summed by the server.
 */
export function GroupLlmUsage(props: { entity: Entity }) {
  const { entity } = props;
  const { t } = useLocalization();
  const paths = useLlmUsagePaths();
  const groupRef = entityRefOf(entity);
  return (
    <Grid container spacing={3} data-testid="group-llm-usage">
      {/* The team's budgets and balances; hidden when it has none. */}
      <QuotaSection entityRef={groupRef} />
      <Grid item xs={12}>
        {/* Its projects' calls, or the provider usage of its keys. */}
        <EntityUsageSection entityRef={groupRef} />
      </Grid>
      <Grid item xs={12}>
        <EntityKeysCard
          title={t('keyWorkspace.entity.teamKeys')}
          query={{ ownerRef: [groupRef] }}
          hide={['owner']}
          moreLink={`${paths.keys()}?owner=${encodeURIComponent(groupRef)}`}
        />
      </Grid>
      <Grid item xs={12} lg={7}>
        <SpendByProject groupRef={groupRef} />
      </Grid>
      <Grid item xs={12} lg={5}>
        <SpendByMember groupRef={groupRef} />
      </Grid>
    </Grid>
  );
}
