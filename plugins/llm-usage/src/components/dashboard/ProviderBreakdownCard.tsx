import { useApi } from '@backstage/frontend-plugin-api';
import {
  PROVIDER_BREAKDOWN_DIMENSIONS,
  type ProviderBreakdownDimension,
  type ProviderUsageBreakdownItem,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import {
  RangeSelection,
  rangeKey,
  resolveRange,
  usePolledQuery,
  useLocalization,
} from '../../hooks';
import {
  CostLines,
  EstimatedCostLines,
  OptionToggle,
  SectionCard,
  optionsOf,
} from '../common';
import { QueryRecordTable, figureColumn } from '../common/RecordTable';

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
  const { t, format } = useLocalization();
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
          options={optionsOf(PROVIDER_BREAKDOWN_DIMENSIONS, value =>
            t(`usageSource.by.${value}`),
          )}
          onChange={onByChange}
        />
      }
    >
      <QueryRecordTable
        query={breakdown}
        rowsOf={value => value.items}
        rowKey={item => item.id}
        emptyText={t('usageSource.noProviderUsage')}
        columns={[
          {
            label: t(`usageSource.by.${by}`),
            cell: item => item.label || t('reconciliation.notSplitByKey'),
          },
          figureColumn<ProviderUsageBreakdownItem>(
            t('usageSource.requests'),
            item => format.integer(item.requests),
          ),
          figureColumn<ProviderUsageBreakdownItem>(t('overview.tokens'), item =>
            format.compact(item.totalTokens),
          ),
          figureColumn<ProviderUsageBreakdownItem>(t('overview.cost'), item => (
            <>
              <CostLines costs={item.costs} />
              <EstimatedCostLines costs={item.estimatedCosts} />
            </>
          )),
        ]}
      />
    </SectionCard>
  );
}
