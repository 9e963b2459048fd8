import {
  Box,
  Grid,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import { Link } from '@backstage/core-components';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import {
  Entity,
  RELATION_HAS_MEMBER,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  EntityRefLink,
  getEntityRelations,
} from '@backstage/plugin-catalog-react';
import {
  type ApiKey,
  sumCostsByCurrency,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { llmUsageApiRef } from '../../api';
import {
  rangeSearch,
  useFormatters,
  usePolledQuery,
  useProjectList,
  useRangeSelection,
} from '../../hooks';
import {
  CostLines,
  QueryErrorPanel,
  RangePicker,
  SectionCard,
} from '../common';
import { QuotaSection } from '../dashboard/QuotaSection';
import { EntityKeysCard } from './EntityKeysCard';
import { entityRefOf } from './entityPredicates';
import { useLlmUsageRoot } from './useLlmUsageRoot';

/** The API's largest project page; a team rarely owns more projects. */
const PROJECT_LIMIT = 200;
/** Keys fetched for the member breakdown. */
const MEMBER_KEY_LIMIT = 100;

function SpendByProject(props: { groupRef: string }) {
  const { groupRef } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const root = useLlmUsageRoot();
  const [range, setRange] = useRangeSelection();
  const projects = useProjectList(range, {
    sort: 'cost',
    order: 'desc',
    limit: PROJECT_LIMIT,
  });
  const owned = (projects.value?.items ?? []).filter(project =>
    project.entity?.ownerRefs
      .map(ref => ref.toLocaleLowerCase('en-US'))
      .includes(groupRef),
  );

  let body;
  if (projects.error) {
    body = <QueryErrorPanel error={projects.error} onRetry={projects.retry} />;
  } else if (!projects.value) {
    body = <Skeleton variant="rect" height={120} />;
  } else if (owned.length === 0) {
    body = (
      <Typography color="textSecondary">
        {t('keyWorkspace.entity.noProjects')}
      </Typography>
    );
  } else {
    body = (
      <Box overflow="auto">
        <Table size="small" data-testid="group-projects">
          <TableHead>
            <TableRow>
              <TableCell>{t('projects.columns.project')}</TableCell>
              <TableCell>{t('projects.columns.entity')}</TableCell>
              <TableCell align="right">{t('projects.columns.calls')}</TableCell>
              <TableCell align="right">
                {t('projects.columns.tokens')}
              </TableCell>
              <TableCell align="right">{t('projects.columns.cost')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {owned.map(project => (
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
          </TableBody>
        </Table>
      </Box>
    );
  }
  return (
    <SectionCard
      title={t('keyWorkspace.entity.spendByProject')}
      busy={projects.loading && !!projects.value}
      toolbar={<RangePicker value={range} onChange={next => setRange(next)} />}
    >
      {body}
    </SectionCard>
  );
}

interface MemberSpend {
  ownerRef: string;
  keys: number;
  tokens: number;
  cost: ApiKey['month']['cost'];
}

/** Month-to-date spend of the keys each member owns, as providers report it. */
export function spendByOwner(keys: ApiKey[]): MemberSpend[] {
  const byOwner = new Map<string, ApiKey[]>();
  for (const key of keys) {
    if (key.ownerRef) {
      byOwner.set(key.ownerRef, [...(byOwner.get(key.ownerRef) ?? []), key]);
    }
  }
  return [...byOwner.entries()]
    .map(([ownerRef, owned]) => ({
      ownerRef,
      keys: owned.length,
      tokens: owned.reduce(
        (sum, k) => sum + k.month.inputTokens + k.month.outputTokens,
        0,
      ),
      cost: sumCostsByCurrency(owned.flatMap(k => k.month.cost)),
    }))
    .sort(
      (a, b) => b.tokens - a.tokens || a.ownerRef.localeCompare(b.ownerRef),
    );
}

function SpendByMember(props: { memberRefs: string[] }) {
  const { memberRefs } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const api = useApi(llmUsageApiRef);
  const keys = usePolledQuery(
    signal =>
      memberRefs.length === 0
        ? Promise.resolve({ items: [], total: 0, offset: 0, limit: 0 })
        : api.listKeys(
            { ownerRef: memberRefs, limit: MEMBER_KEY_LIMIT },
            { signal },
          ),
    `member-keys:${memberRefs.join(',')}`,
  );
  const rows = spendByOwner(keys.value?.items ?? []);

  let body;
  if (keys.error) {
    body = <QueryErrorPanel error={keys.error} onRetry={keys.retry} />;
  } else if (!keys.value) {
    body = <Skeleton variant="rect" height={120} />;
  } else if (rows.length === 0) {
    body = (
      <Typography color="textSecondary">
        {t('keyWorkspace.entity.noMemberKeys')}
      </Typography>
    );
  } else {
    body = (
      <Box overflow="auto">
        <Table size="small" data-testid="group-members">
          <TableHead>
            <TableRow>
              <TableCell>{t('keyWorkspace.entity.member')}</TableCell>
              <TableCell align="right">{t('keyWorkspace.tags.keys')}</TableCell>
              <TableCell align="right">
                {t('keyWorkspace.columns.monthTokens')}
              </TableCell>
              <TableCell align="right">
                {t('keyWorkspace.columns.monthCost')}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => (
              <TableRow key={row.ownerRef}>
                <TableCell>
                  <EntityRefLink entityRef={row.ownerRef} defaultKind="user" />
                </TableCell>
                <TableCell align="right">{format.integer(row.keys)}</TableCell>
                <TableCell align="right">
                  {format.integer(row.tokens)}
                </TableCell>
                <TableCell align="right">
                  <CostLines costs={row.cost} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    );
  }
  return (
    <SectionCard
      title={t('keyWorkspace.entity.spendByMember')}
      subheader={t('keyWorkspace.entity.spendByMemberNote')}
      busy={keys.loading && !!keys.value}
    >
      {body}
    </SectionCard>
  );
}

/**
 * A Group's LLM usage: the keys the team owns, spend per project it owns and
 * per member (from the keys each member owns).
 */
export function GroupLlmUsage(props: { entity: Entity }) {
  const { entity } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const root = useLlmUsageRoot();
  const groupRef = entityRefOf(entity);
  const memberRefs = getEntityRelations(entity, RELATION_HAS_MEMBER)
    .map(ref => stringifyEntityRef(ref).toLocaleLowerCase('en-US'))
    .sort();
  return (
    <Grid container spacing={3} data-testid="group-llm-usage">
      {/* The team's budgets and balances; hidden when it has none. */}
      <QuotaSection entityRef={groupRef} />
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
        <SpendByMember memberRefs={memberRefs} />
      </Grid>
    </Grid>
  );
}
