import type { UsageTotals } from '@llm-usage/backstage-plugin-llm-usage-common';
import { CostLines } from './CostLines';
import type { StatCardItem } from './StatCardGridItems';
import { EstimatedCostLines } from './UsageSourceSwitch';
import { useLocalization } from '../../hooks';

/**
 * The calls, tokens and cost cards of usage totals from either source
 * (providers report requests, not calls). Costs get one line per currency,
 * test ids `<costTestIdPrefix>-<currency>`; the estimate has lines of its own.
 */
export function useUsageTotalsCards(
  totals: UsageTotals | undefined,
  options: { fromProvider: boolean; costTestIdPrefix: string },
): Record<'calls' | 'tokens' | 'cost', StatCardItem> {
  const { fromProvider, costTestIdPrefix } = options;
  const { t, format } = useLocalization();
  return {
    calls: {
      id: 'calls',
      title: fromProvider ? t('usageSource.requests') : t('overview.calls'),
      value: totals && format.integer(totals.calls),
    },
    tokens: {
      id: 'tokens',
      title: t('overview.tokens'),
      value: totals && format.compact(totals.totalTokens),
      valueTitle: totals && format.integer(totals.totalTokens),
      caption:
        totals &&
        t('overview.tokensInOut', {
          input: format.compact(totals.inputTokens),
          output: format.compact(totals.outputTokens),
        }),
    },
    cost: {
      id: 'cost',
      title: t('overview.cost'),
      value: totals && (
        <CostLines
          costs={totals.costs}
          empty={t('overview.noCost')}
          testIdPrefix={costTestIdPrefix}
        />
      ),
      caption: totals && <EstimatedCostLines costs={totals.estimatedCosts} />,
    },
  };
}
