import { Box, Grid } from '@material-ui/core';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  CostAmount,
  KeyListQuery,
  sumCostsByCurrency,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import { LlmUsageApi, llmUsageApiRef } from '../../api';
import {
  EXPIRING_SOON_DAYS,
  usePolledQuery,
  useLocalization,
} from '../../hooks';
import { CostLines, QueryErrorPanel } from '../common';
import { LabelledValue } from '../common/LabelledValue';
import { entityRefOf, projectIdsOf } from './entityPredicates';
import { isNotFound } from '../../lib/errors';

interface CardFacts {
  keys: number;
  expiring: number;
  /** Components: cost of their calls over 30 days. Groups: key spend this month. */
  cost: CostAmount[];
}

/** Keys per request when a team's keys are summed: the API's largest page. */
const KEY_PAGE = 500;

/** Every key matching `query`, page by page, so no team is cut off. */
async function allKeys(
  api: LlmUsageApi,
  query: KeyListQuery,
  signal: AbortSignal,
) {
  const first = await api.listKeys(
    { ...query, offset: 0, limit: KEY_PAGE },
    { signal },
  );
  const items = [...first.items];
  while (items.length < first.total) {
    const next = await api.listKeys(
      { ...query, offset: items.length, limit: KEY_PAGE },
      { signal },
    );
    if (next.items.length === 0) break;
    items.push(...next.items);
  }
  return { items, total: first.total };
}

async function loadFacts(
  api: LlmUsageApi,
  entity: Entity,
  signal: AbortSignal,
): Promise<CardFacts> {
  const isGroup = entity.kind.toLocaleLowerCase('en-US') === 'group';
  const ref = entityRefOf(entity);
  const keyQuery: KeyListQuery = isGroup
    ? { ownerRef: [ref] }
    : { componentRef: ref };
  const [keys, expiring] = await Promise.all([
    // A team's month spend is the sum over all its keys, not the first page.
    isGroup
      ? allKeys(api, keyQuery, signal)
      : api.listKeys({ ...keyQuery, limit: 1 }, { signal }),
    api.listKeys(
      {
        ...keyQuery,
        expiry: ['expiring'],
        expiringWithinDays: EXPIRING_SOON_DAYS,
        limit: 1,
      },
      { signal },
    ),
  ]);
  if (isGroup) {
    return {
      keys: keys.total,
      expiring: expiring.total,
      cost: sumCostsByCurrency(keys.items.flatMap(k => k.month.cost)),
    };
  }
  const now = DateTime.utc();
  const range = { from: now.minus({ days: 30 }).toISO()!, to: now.toISO()! };
  const stats = await Promise.all(
    projectIdsOf(entity).map(id =>
      api.getProjectStats(id, range, { signal }).catch(error => {
        // A project nobody reported calls for yet adds nothing.
        if (isNotFound(error)) return undefined;
        throw error;
      }),
    ),
  );
  return {
    keys: keys.total,
    expiring: expiring.total,
    cost: sumCostsByCurrency(stats.flatMap(s => s?.stats.costs ?? [])),
  };
}

function Fact(props: { label: string; children: React.ReactNode }) {
  return (
    <Grid item xs={4}>
      <LabelledValue label={props.label} variant="h6">
        {props.children}
      </LabelledValue>
    </Grid>
  );
}

/**
 * A small card for entity overview pages: how many keys, how many expire
 * soon, and what the entity spends.
 *
 * @public
 */
export function EntityLlmUsageCard() {
  const { entity } = useEntity();
  const { t, format } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const facts = usePolledQuery(
    signal => loadFacts(api, entity, signal),
    `entity-card:${entityRefOf(entity)}`,
  );
  const isGroup = entity.kind.toLocaleLowerCase('en-US') === 'group';
  return (
    <InfoCard title={t('keyWorkspace.entity.cardTitle')} variant="gridItem">
      {facts.error && (
        <QueryErrorPanel error={facts.error} onRetry={facts.retry} />
      )}
      {!facts.error && (
        <Box data-testid="entity-llm-usage-card">
          <Grid container spacing={2}>
            <Fact label={t('keyWorkspace.entity.cardKeys')}>
              {facts.value ? format.integer(facts.value.keys) : '…'}
            </Fact>
            <Fact label={t('keyWorkspace.entity.cardExpiring')}>
              {facts.value ? format.integer(facts.value.expiring) : '…'}
            </Fact>
            <Fact
              label={
                isGroup
                  ? t('keyWorkspace.entity.cardMonthCost')
                  : t('keyWorkspace.entity.cardCost')
              }
            >
              {facts.value ? <CostLines costs={facts.value.cost} /> : '…'}
            </Fact>
          </Grid>
        </Box>
      )}
    </InfoCard>
  );
}
