import { useState } from 'react';
import { Box, Grid, TableCell, TableRow, Typography } from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { llmUsageTranslationRef } from '../../translation';
import {
  rangeSearch,
  useFormatters,
  useGroupProjects,
  useGroupSpend,
  useRangeSelection,
  useUsageSource,
} from '../../hooks';
import {
  CostLines,
  DataTable,
  QueryContent,
  TablePager,
  RangePicker,
  SectionCard,
} from '../common';
import { QuotaSection } from '../dashboard/QuotaSection';
import { EntityKeysCard } from './EntityKeysCard';
import { EntityUsageSection } from './EntityUsageSection';
import { entityRefOf } from './entityPredicates';
import { useLlmUsageRoot } from './useLlmUsageRoot';

/** Rows per page of both tables; the server pages, so no team is cut off. */
const PAGE_SIZE = 25;

/** "1–25 of 230" under a table, translated; hidden for a single page. */
function Pager(props: {
  count: number;
  page: number;
  onPageChange: (page: number) => void;
}) {
  const { count, page, onPageChange } = props;
  if (count <= PAGE_SIZE) return null;
  return (
    <TablePager
      count={count}
      page={page}
      rowsPerPage={PAGE_SIZE}
      onPageChange={onPageChange}
    />
  );
}

function SpendByProject(props: { groupRef: string }) {
  const { groupRef } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const root = useLlmUsageRoot();
  const [range, setRange] = useRangeSelection();
  const [source] = useUsageSource();
  const [page, setPage] = useState(0);
  const projects = useGroupProjects(groupRef, range, {
    source,
    sort: 'cost',
    order: 'desc',
    offset: page * PAGE_SIZE,
    limit: PAGE_SIZE,
  });

  const body = (
    <QueryContent
      query={projects}
      loading={<Skeleton variant="rect" height={120} />}
      isEmpty={value => value.totalCount === 0}
      empty={
        <Typography color="textSecondary">
          {t('keyWorkspace.entity.noProjects')}
        </Typography>
      }
    >
      {value => (
        <Box>
          <DataTable
            testId="group-projects"
            columns={[
              { label: t('projects.columns.project') },
              { label: t('projects.columns.entity') },
              {
                label:
                  value.source === 'provider'
                    ? t('usageSource.requests')
                    : t('projects.columns.calls'),
                align: 'right',
              },
              { label: t('projects.columns.tokens'), align: 'right' },
              { label: t('projects.columns.cost'), align: 'right' },
            ]}
          >
            {value.items.map(project => (
              <TableRow key={project.projectId}>
                <TableCell>
                  <Link
                    to={`${root}/projects/${encodeURIComponent(
                      project.projectId,
                    )}${rangeSearch(range)}`}
                  >
                    {project.projectId}
                  </Link>
                </TableCell>
                <TableCell>
                  {project.entity && (
                    <EntityRefLink entityRef={project.entity.entityRef}>
                      {project.entity.title}
                    </EntityRefLink>
                  )}
                </TableCell>
                <TableCell align="right">
                  {format.integer(project.calls)}
                </TableCell>
                <TableCell align="right">
                  {format.compact(project.totalTokens)}
                </TableCell>
                <TableCell align="right">
                  <CostLines costs={project.costs} />
                </TableCell>
              </TableRow>
            ))}
          </DataTable>
          <Pager count={value.totalCount} page={page} onPageChange={setPage} />
        </Box>
      )}
    </QueryContent>
  );
  return (
    <SectionCard
      title={t('keyWorkspace.entity.spendByProject')}
      busy={projects.loading && !!projects.value}
      toolbar={
        <RangePicker
          value={range}
          onChange={next => {
            setRange(next);
            setPage(0);
          }}
        />
      }
    >
      {body}
    </SectionCard>
  );
}

function SpendByMember(props: { groupRef: string }) {
  const { groupRef } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const [page, setPage] = useState(0);
  const spend = useGroupSpend(groupRef, {
    offset: page * PAGE_SIZE,
    limit: PAGE_SIZE,
  });

  const body = (
    <QueryContent
      query={spend}
      loading={<Skeleton variant="rect" height={120} />}
      isEmpty={value => value.totalCount === 0}
      empty={
        <Typography color="textSecondary">
          {t('keyWorkspace.entity.noMemberKeys')}
        </Typography>
      }
    >
      {value => (
        <Box>
          <DataTable
            testId="group-members"
            columns={[
              { label: t('keyWorkspace.entity.member') },
              { label: t('keyWorkspace.tags.keys'), align: 'right' },
              { label: t('keyWorkspace.columns.monthTokens'), align: 'right' },
              { label: t('keyWorkspace.columns.monthCost'), align: 'right' },
            ]}
          >
            {value.items.map(row => (
              <TableRow key={row.ownerRef}>
                <TableCell>
                  <EntityRefLink entityRef={row.ownerRef} defaultKind="user" />
                </TableCell>
                <TableCell align="right">{format.integer(row.keys)}</TableCell>
                <TableCell align="right">
                  {format.integer(row.totalTokens)}
                </TableCell>
                <TableCell align="right">
                  <CostLines costs={row.costs} />
                </TableCell>
              </TableRow>
            ))}
          </DataTable>
          <Pager count={value.totalCount} page={page} onPageChange={setPage} />
        </Box>
      )}
    </QueryContent>
  );
  return (
    <SectionCard
      title={t('keyWorkspace.entity.spendByMember')}
      subheader={t('keyWorkspace.entity.spendByMemberNote')}
      busy={spend.loading && !!spend.value}
    >
      {body}
    </SectionCard>
  );
}

/**
 * A Group's LLM usage: the keys the team owns, spend per project it owns and
 * per member (from the keys each member owns), both summed by the server.
 */
export function GroupLlmUsage(props: { entity: Entity }) {
  const { entity } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const root = useLlmUsageRoot();
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
          moreLink={`${root}/keys?owner=${encodeURIComponent(groupRef)}`}
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
