import { MouseEvent } from 'react';
import { TableCell, TableRow, Typography, makeStyles } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import { useNavigate } from 'react-router-dom';
import type {
  ProjectListResponse,
  ProjectSortField,
  SortOrder,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { PolledQueryState, useLocalization } from '../../hooks';
import type { ExportedFile, UsageExportFormat } from '../../api';
import {
  CostLines,
  ExportMenu,
  QueryErrorPanel,
  DataTable,
  OneLineText,
  SearchField,
  SectionCard,
  TablePager,
  sortableColumns,
} from '../common';
import type { SortableColumn } from '../common';
import {
  EmptyTableRow,
  SkeletonTableRows,
} from '../common/TablePlaceholderRows';

const useStyles = makeStyles(theme => ({
  row: {
    cursor: 'pointer',
  },
  muted: {
    color: theme.palette.text.secondary,
  },
}));

type Column = SortableColumn<ProjectSortField> & { id: string };

/** @internal */
export const PROJECT_PAGE_SIZES = [10, 25, 50];

/** @internal */
export interface ProjectListCardProps {
  projects: PolledQueryState<ProjectListResponse>;
  search: string;
  onSearchChange: (search: string) => void;
  sort: ProjectSortField;
  order: SortOrder;
  onSortChange: (sort: ProjectSortField, order: SortOrder) => void;
  page: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  onPageSizeChange: (pageSize: number) => void;
  projectLink: (projectId: string) => string;
  /** Downloads the whole list with the current search and sort. */
  onExport?: (format: UsageExportFormat) => Promise<ExportedFile>;
}

/** Projects with their usage, linked catalog component and owner. */
export function ProjectListCard({
  projects: query,
  search,
  onSearchChange,
  sort,
  order,
  onSortChange,
  page,
  pageSize,
  onPageChange,
  onPageSizeChange,
  projectLink,
  onExport,
}: ProjectListCardProps) {
  const classes = useStyles();
  const { t, format } = useLocalization();
  const navigate = useNavigate();
  const projects = query.value;

  const columns: Column[] = [
    {
      id: 'project',
      label: t('projects.columns.project'),
      sort: 'projectId',
      nowrap: true,
    },
    // Component names are ids too (sales-email-writer): one line each.
    {
      id: 'entity',
      label: t('projects.columns.entity'),
      nowrap: true,
      low: true,
    },
    { id: 'owner', label: t('projects.columns.owner') },
    {
      id: 'calls',
      label: t('projects.columns.calls'),
      sort: 'calls',
      numeric: true,
    },
    {
      id: 'tokens',
      label: t('projects.columns.tokens'),
      sort: 'tokens',
      numeric: true,
    },
    {
      id: 'cost',
      label: t('projects.columns.cost'),
      sort: 'cost',
      numeric: true,
    },
    {
      id: 'successRate',
      label: t('projects.columns.successRate'),
      sort: 'successRate',
      numeric: true,
    },
    {
      id: 'p95Latency',
      label: t('projects.columns.p95Latency'),
      sort: 'p95Latency',
      numeric: true,
      // Also on the project's own page.
      low: true,
    },
    {
      id: 'lastCall',
      label: t('projects.columns.lastCall'),
      sort: 'lastCall',
      numeric: true,
    },
  ];

  const stop = (event: MouseEvent) => event.stopPropagation();

  let body;
  if (!projects) {
    body = (
      <SkeletonTableRows
        columnCount={columns.length}
        testId="project-row-skeleton"
      />
    );
  } else if (projects.items.length === 0) {
    body = (
      <EmptyTableRow columnCount={columns.length}>
        {t('projects.empty')}
      </EmptyTableRow>
    );
  } else {
    // One precision and one latency unit per column.
    const costColumn = format.moneyColumn(
      projects.items.flatMap(project => project.costs),
    );
    const latencyColumn = format.durationColumn(
      projects.items.map(project => project.p95LatencyMs),
    );
    body = projects.items.map(project => {
      const href = projectLink(project.projectId);
      return (
        <TableRow
          key={project.projectId}
          hover
          className={classes.row}
          onClick={() => navigate(href)}
          data-testid={`project-row-${project.projectId}`}
        >
          <TableCell>
            <Link to={href} onClick={stop}>
              <OneLineText text={project.projectId} />
            </Link>
          </TableCell>
          <TableCell onClick={stop}>
            {project.entity ? (
              <EntityRefLink entityRef={project.entity.entityRef}>
                {project.entity.title}
              </EntityRefLink>
            ) : (
              <Typography variant="body2" className={classes.muted}>
                {t('projects.notLinked')}
              </Typography>
            )}
          </TableCell>
          <TableCell onClick={stop}>
            {project.entity && project.entity.ownerRefs.length > 0 ? (
              <EntityRefLinks
                entityRefs={project.entity.ownerRefs}
                defaultKind="group"
              />
            ) : (
              t('common.none')
            )}
          </TableCell>
          <TableCell align="right">{format.integer(project.calls)}</TableCell>
          <TableCell align="right" title={format.integer(project.totalTokens)}>
            {format.compact(project.totalTokens)}
          </TableCell>
          <TableCell align="right">
            <CostLines costs={project.costs} formatCost={costColumn} />
          </TableCell>
          <TableCell align="right">
            {format.percent(project.successRate)}
          </TableCell>
          <TableCell align="right">
            {latencyColumn(project.p95LatencyMs)}
          </TableCell>
          <TableCell align="right" title={format.dateTime(project.lastCallAt)}>
            {format.shortDateTime(project.lastCallAt)}
          </TableCell>
        </TableRow>
      );
    });
  }

  return (
    <SectionCard
      title={t('projects.title')}
      busy={query.loading && !!projects}
      testId="project-list"
      toolbar={
        <>
          <SearchField
            label={t('projects.search')}
            value={search}
            onChange={onSearchChange}
          />
          {onExport && (
            <ExportMenu onExport={onExport} testId="project-export" />
          )}
        </>
      }
    >
      {query.error ? (
        <QueryErrorPanel error={query.error} onRetry={query.retry} />
      ) : (
        <>
          <DataTable
            minWidth={960}
            columns={sortableColumns(columns, {
              sort,
              order,
              // Names read A to Z; figures biggest first.
              firstOrder: field => (field === 'projectId' ? 'asc' : 'desc'),
              onSortChange,
            })}
          >
            {body}
          </DataTable>
          <TablePager
            count={projects?.totalCount ?? 0}
            page={page}
            rowsPerPage={pageSize}
            rowsPerPageOptions={PROJECT_PAGE_SIZES}
            onPageChange={onPageChange}
            onRowsPerPageChange={onPageSizeChange}
          />
        </>
      )}
    </SectionCard>
  );
}
