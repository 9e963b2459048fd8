import { ConflictError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { integer, nanos, rowMapping, text } from '../lib/rowMapping';
import {
  type BudgetStore,
  type BudgetRecord,
  type NewBudget,
  type BudgetChanges,
  type BudgetTargetFilter,
} from './BudgetStore';

export const BUDGETS_TABLE = 'llm_usage_budgets';

const budgetRows = rowMapping<BudgetRecord>({
  id: text(),
  targetType: text(),
  targetRef: text(),
  name: text(),
  amountNanos: nanos,
  currency: text(),
  createdBy: text(),
  createdAt: integer,
  updatedAt: integer,
});

/** The {@link BudgetStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseBudgetStore implements BudgetStore {
  constructor(private readonly db: Knex) {}

  async list(filter?: BudgetTargetFilter): Promise<BudgetRecord[]> {
    const query = this.db(BUDGETS_TABLE).select();
    if (filter) {
      const targets = Object.entries(filter).filter(
        ([, refs]) => refs === 'any' || (refs && refs.length > 0),
      );
      if (targets.length === 0) return [];
      query.where(inner => {
        for (const [type, refs] of targets) {
          inner.orWhere(q => {
            q.where('target_type', type);
            if (refs !== 'any') q.whereIn('target_ref', refs!);
          });
        }
      });
    }
    const rows = await query.orderBy([
      'target_type',
      'target_ref',
      'currency',
      'id',
    ]);
    return rows.map(budgetRows.fromRow);
  }

  async get(id: string): Promise<BudgetRecord | undefined> {
    return budgetRows.first(this.db(BUDGETS_TABLE).where({ id }));
  }

  async create(
    budget: NewBudget,
    createdBy: string,
    now = Date.now(),
  ): Promise<BudgetRecord> {
    const record: BudgetRecord = {
      id: randomUUID(),
      ...budget,
      createdBy,
      createdAt: now,
      updatedAt: now,
    };
    await this.assertFree(record);
    await this.db(BUDGETS_TABLE).insert(budgetRows.toRow(record));
    return record;
  }

  async update(
    id: string,
    changes: BudgetChanges,
    now = Date.now(),
  ): Promise<BudgetRecord> {
    const current = await this.get(id);
    if (!current) throw new NotFoundError(`No budget '${id}'`);
    const next: BudgetRecord = {
      ...current,
      ...Object.fromEntries(
        Object.entries(changes).filter(([, value]) => value !== undefined),
      ),
      updatedAt: now,
    };
    if (next.currency !== current.currency) await this.assertFree(next);
    const { name, amountNanos, currency, updatedAt } = next;
    await this.db(BUDGETS_TABLE)
      .where({ id })
      .update(budgetRows.toRow({ name, amountNanos, currency, updatedAt }));
    return next;
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.db(BUDGETS_TABLE).where({ id }).delete();
    if (deleted === 0) throw new NotFoundError(`No budget '${id}'`);
  }

  /** A friendly 409 before the unique index would give an opaque error. */
  private async assertFree(budget: BudgetRecord) {
    const clash = await this.db(BUDGETS_TABLE)
      .where({
        target_type: budget.targetType,
        target_ref: budget.targetRef,
        currency: budget.currency,
      })
      .whereNot('id', budget.id)
      .first('id');
    if (clash) {
      throw new ConflictError(
        `${budget.targetRef} already has a ${budget.currency} budget`,
      );
    }
  }
}
