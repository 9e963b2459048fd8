import { TableCell, TableRow, Typography } from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import {
  PROVIDER_BREAKDOWN_DIMENSIONS,
  type ProviderBreakdownDimension,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { llmUsageTranslationRef } from '../../translation';
import {
  RangeSelection,
  rangeKey,
  resolveRange,
  useFormatters,
  usePolledQuery,
} from '../../hooks';
import {
  CostLines,
  DataTable,
  EstimatedCostLines,
  OptionToggle,
  QueryContent,
  SectionCard,
} from '../common';

/**
 * Provider-reported usage of the range per account, key, model or provider,
 * most tokens first: reported cost and the estimate in their own lines.
 */
export function ProviderBreakdownCard(props: {
  range: RangeSelection;
  by: ProviderBreakdownDimension;
  onByChange: (next: ProviderBreakdownDimension) => void;
}) {
  const { range, by, onByChange } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const api = useApi(llmUsageApiRef);
  const breakdown = usePolledQuery(
    signal =>
      api.getProviderBreakdown({ ...resolveRange(range), by }, { signal }),
    `provider-breakdown:${rangeKey(range)}:${by}`,
  );

  return (
    <SectionCard
      title={t('usageSource.breakdownTitle')}
      busy={breakdown.loading && !!breakdown.value}
      testId="provider-breakdown"
      toolbar={
        <OptionToggle
          label={t('usageSource.groupBy')}
          value={by}
          options={PROVIDER_BREAKDOWN_DIMENSIONS.map(value => ({
            value,
            label: t(`usageSource.by.${value}`),
          }))}
          onChange={onByChange}
        />
      }
    >
      <QueryContent
        query={breakdown}
        loading={<Skeleton variant="rect" height={120} />}
        isEmpty={value => value.items.length === 0}
        empty={
          <Typography color="textSecondary">
            {t('usageSource.noProviderUsage')}
          </Typography>
        }
      >
        {value => (
          <DataTable
            columns={[
              { label: t(`usageSource.by.${by}`) },
              { label: t('usageSource.requests'), align: 'right' },
              { label: t('overview.tokens'), align: 'right' },
              { label: t('overview.cost'), align: 'right' },
            ]}
          >
            {value.items.map(item => (
              <TableRow key={item.id}>
                <TableCell>
                  {item.label || t('reconciliation.notSplitByKey')}
                </TableCell>
                <TableCell align="right">
                  {format.integer(item.requests)}
                </TableCell>
                <TableCell align="right">
                  {format.compact(item.totalTokens)}
                </TableCell>
                <TableCell align="right">
                  <CostLines costs={item.costs} />
                  <EstimatedCostLines costs={item.estimatedCosts} />
                </TableCell>
              </TableRow>
            ))}
          </DataTable>
        )}
      </QueryContent>
    </SectionCard>
  );
}
