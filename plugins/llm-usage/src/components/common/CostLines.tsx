import type { CostAmount } from '@llm-usage/backstage-plugin-llm-usage-common';
import { sortCosts } from '../../lib/deltas';
import { useLocalization } from '../../hooks';

/**
 * Costs, one line per currency. Different currencies are never added up, so
 * a total is a list, not a number.
 */
export function CostLines(props: {
  costs: CostAmount[];
  empty?: string;
  testIdPrefix?: string;
  /** A table column's formatter, so every row has the same decimals. */
  formatCost?: (cost: CostAmount) => string;
}) {
  const { costs, empty = '—', testIdPrefix, formatCost } = props;
  const { format } = useLocalization();
  if (costs.length === 0) {
    return <>{empty}</>;
  }
  return (
    <>
      {sortCosts(costs).map(cost => {
        const amount = formatCost ? formatCost(cost) : format.money(cost);
        // A narrow card may cut the amount short; the title keeps it whole.
        return (
          <div
            key={cost.currency}
            title={amount}
            data-testid={testIdPrefix && `${testIdPrefix}-${cost.currency}`}
          >
            {amount}
          </div>
        );
      })}
    </>
  );
}
