import type { BudgetTargetType } from '@llm-usage/backstage-plugin-llm-usage-common';

/** A budget as stored: money in nanos, times in epoch ms. */
export interface BudgetRecord {
  id: string;
  targetType: BudgetTargetType;
  targetRef: string;
  name: string;
  amountNanos: bigint;
  currency: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface NewBudget {
  targetType: BudgetTargetType;
  targetRef: string;
  name: string;
  amountNanos: bigint;
  currency: string;
}

export interface BudgetChanges {
  name?: string;
  amountNanos?: bigint;
  currency?: string;
}

/**
 * Which targets to list, per type: these refs, or every target of the type
 * (`'any'`); an absent filter means every budget.
 */
export type BudgetTargetFilter = Partial<
  Record<BudgetTargetType, string[] | 'any'>
>;

/** Monthly budgets, one per target and currency. */
export interface BudgetStore {
  list(filter?: BudgetTargetFilter): Promise<BudgetRecord[]>;
  get(id: string): Promise<BudgetRecord | undefined>;
  create(
    budget: NewBudget,
    createdBy: string,
    now?: number,
  ): Promise<BudgetRecord>;
  update(
    id: string,
    changes: BudgetChanges,
    now?: number,
  ): Promise<BudgetRecord>;
  delete(id: string): Promise<void>;
}
