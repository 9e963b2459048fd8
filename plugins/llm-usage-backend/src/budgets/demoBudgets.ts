import type { LoggerService } from '@backstage/backend-plugin-api';
import type { BudgetStore, NewBudget } from './BudgetStore';

const UNIT = 1_000_000_000n;

/**
 * Budgets for the example catalog (examples/org.yaml, entities.yaml), sized
 * against the demo traffic so the dashboard shows one comfortable budget, one
 * close to its limit and one in CNY.
 */
const DEMO_BUDGETS: NewBudget[] = [
  {
    targetType: 'group',
    targetRef: 'group:default/ml-team',
    name: 'ML team',
    amountNanos: 900n * UNIT,
    currency: 'USD',
  },
  {
    targetType: 'group',
    targetRef: 'group:default/platform-team',
    name: 'Platform team',
    amountNanos: 400n * UNIT,
    currency: 'USD',
  },
  {
    targetType: 'project',
    targetRef: 'support-bot',
    name: 'Support bot',
    amountNanos: 250n * UNIT,
    currency: 'USD',
  },
  {
    targetType: 'group',
    targetRef: 'group:default/growth-team',
    name: 'Growth team (Doubao)',
    amountNanos: 300n * UNIT,
    currency: 'CNY',
  },
];

/** Adds the demo budgets when there is no budget at all; returns how many. */
export async function seedDemoBudgets(
  store: BudgetStore,
  logger: LoggerService,
): Promise<number> {
  if ((await store.list()).length > 0) return 0;
  for (const budget of DEMO_BUDGETS) {
    await store.create(budget, 'demo-data');
  }
  logger.info(`Demo data: created ${DEMO_BUDGETS.length} budgets`);
  return DEMO_BUDGETS.length;
}
