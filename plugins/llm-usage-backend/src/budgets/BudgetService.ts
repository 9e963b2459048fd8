import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type {
  Budget,
  BudgetTargetType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Request } from 'express';
import { type AuditLog, actionRecord } from '../audit/AuditLog';
import { formatNanos } from '../lib/money';
import type { Caller } from './Caller';
import { normalizeRef } from './Caller';
import type {
  BudgetChanges,
  BudgetRecord,
  BudgetStore,
  BudgetTargetFilter,
  NewBudget,
} from './BudgetStore';

/** The accounts budgets may target, and who owns them. */
export interface AccountOwnership {
  /** Undefined when there is no such account. */
  ownerOf(accountId: string): Promise<{ ownerRef: string | null } | undefined>;
  /** Ids of the accounts owned by any of these (lower-cased) refs. */
  idsOwnedBy(ownershipRefs: string[]): Promise<string[]>;
}

/** The request a change came from, for the audit trail. */
export interface ChangeContext {
  caller: Caller;
  request?: Request;
}

/**
 * Budgets with their access rules: an admin sees and manages all; anyone else
 * sees the budgets of themselves, their groups, the projects and accounts
 * they own, and may manage exactly those.
 */
export class BudgetService {
  constructor(
    private readonly store: BudgetStore,
    private readonly accounts: AccountOwnership,
    private readonly audit: Pick<AuditLog, 'record'>,
  ) {}

  async list(
    caller: Caller,
    filter?: BudgetTargetFilter,
    /** The ids of the accounts the caller owns, when already being read. */
    ownedAccountIds?: Promise<string[]>,
  ): Promise<BudgetRecord[]> {
    if (caller.isAdmin) return this.store.list(filter);
    // Account budgets are few: all of them are read beside the accounts the
    // caller owns, not after, which saves a round trip in sequence.
    const [records, ownedAccounts] = await Promise.all([
      this.store.list(
        intersect({ ...ownedTargets(caller), account: 'any' }, filter),
      ),
      ownedAccountIds ?? this.accounts.idsOwnedBy(caller.ownershipRefs),
    ]);
    const owned = new Set(ownedAccounts);
    return records.filter(
      budget => budget.targetType !== 'account' || owned.has(budget.targetRef),
    );
  }

  async get(caller: Caller, id: string): Promise<BudgetRecord> {
    const budget = await this.store.get(id);
    if (!budget || !(await this.canSee(caller, budget))) {
      throw new NotFoundError(`No budget '${id}'`);
    }
    return budget;
  }

  async create(context: ChangeContext, input: NewBudget): Promise<Budget> {
    const { caller } = context;
    await this.requireManage(caller, input.targetType, input.targetRef);
    const created = await this.store.create(input, caller.actorRef);
    const after = this.toBudget(created, true);
    await this.record(context, 'budget.create', created.id, undefined, after);
    return after;
  }

  async update(
    context: ChangeContext,
    id: string,
    changes: BudgetChanges,
  ): Promise<Budget> {
    const { caller } = context;
    const current = await this.get(caller, id);
    await this.requireManage(caller, current.targetType, current.targetRef);
    const updated = await this.store.update(id, changes);
    const after = this.toBudget(updated, true);
    await this.record(
      context,
      'budget.update',
      id,
      this.toBudget(current, true),
      after,
    );
    return after;
  }

  async delete(context: ChangeContext, id: string): Promise<void> {
    const { caller } = context;
    const current = await this.get(caller, id);
    await this.requireManage(caller, current.targetType, current.targetRef);
    await this.store.delete(id);
    await this.record(
      context,
      'budget.delete',
      id,
      this.toBudget(current, true),
      undefined,
    );
  }

  async canManage(
    caller: Caller,
    targetType: BudgetTargetType,
    targetRef: string,
  ): Promise<boolean> {
    if (caller.isAdmin) return true;
    const refs = caller.ownershipRefs;
    switch (targetType) {
      case 'user':
      case 'group':
        return refs.includes(normalizeRef(targetRef));
      case 'project':
        return (
          caller.scope.kind === 'restricted' &&
          caller.scope.projectIds.includes(targetRef)
        );
      case 'account': {
        const account = await this.accounts.ownerOf(targetRef);
        return Boolean(
          account?.ownerRef && refs.includes(normalizeRef(account.ownerRef)),
        );
      }
      default:
        return false;
    }
  }

  /** Adds whether the caller may manage each budget. */
  async withAccess(caller: Caller, records: BudgetRecord[]): Promise<Budget[]> {
    return Promise.all(
      records.map(async record =>
        this.toBudget(
          record,
          await this.canManage(caller, record.targetType, record.targetRef),
        ),
      ),
    );
  }

  toBudget(record: BudgetRecord, canManage: boolean): Budget {
    return {
      id: record.id,
      targetType: record.targetType,
      targetRef: record.targetRef,
      name: record.name,
      amount: {
        currency: record.currency,
        amount: formatNanos(record.amountNanos),
      },
      createdBy: record.createdBy,
      createdAt: new Date(record.createdAt).toISOString(),
      updatedAt: new Date(record.updatedAt).toISOString(),
      canManage,
    };
  }

  private async record(
    context: ChangeContext,
    action: `budget.${string}`,
    budgetId: string,
    before: Budget | undefined,
    after: Budget | undefined,
  ) {
    // canManage describes the caller, not the budget: keep it out of history.
    const strip = (budget?: Budget) => {
      if (!budget) return undefined;
      const { canManage: _canManage, ...rest } = budget;
      return rest;
    };
    await this.audit.record(
      actionRecord(context.caller.actorRef, action, budgetId, {
        before: strip(before),
        after: strip(after),
        request: context.request,
      }),
    );
  }

  private async canSee(caller: Caller, budget: BudgetRecord) {
    if (caller.isAdmin) return true;
    if (budget.targetType === 'account') {
      const owned = await this.accounts.idsOwnedBy(caller.ownershipRefs);
      return owned.includes(budget.targetRef);
    }
    const ref =
      budget.targetType === 'project'
        ? budget.targetRef
        : normalizeRef(budget.targetRef);
    return ownedTargets(caller)[budget.targetType].includes(ref);
  }

  private async requireManage(
    caller: Caller,
    targetType: BudgetTargetType,
    targetRef: string,
  ) {
    const mayManage = await this.canManage(caller, targetType, targetRef);
    // An account the caller may not see is not found, whether it exists or not.
    if (
      targetType === 'account' &&
      (!mayManage || !(await this.accounts.ownerOf(targetRef)))
    ) {
      throw new NotFoundError(`No account '${targetRef}'`);
    }
    if (!mayManage) {
      throw new NotAllowedError(
        `Only an admin or an owner of ${targetRef} may manage its budgets`,
      );
    }
  }
}

/** The targets other than accounts whose budgets a non-admin sees. */
function ownedTargets(
  caller: Caller,
): Record<Exclude<BudgetTargetType, 'account'>, string[]> {
  const refs = caller.ownershipRefs;
  return {
    user: refs.filter(ref => ref.startsWith('user:')),
    group: refs.filter(ref => ref.startsWith('group:')),
    project:
      caller.scope.kind === 'restricted' ? [...caller.scope.projectIds] : [],
  };
}

/** Narrows what is visible to what was asked for. */
function intersect(
  visible: BudgetTargetFilter,
  wanted: BudgetTargetFilter | undefined,
): BudgetTargetFilter {
  if (!wanted) return visible;
  const result: BudgetTargetFilter = {};
  for (const [type, refs] of Object.entries(wanted) as Array<
    [BudgetTargetType, string[] | 'any']
  >) {
    const allowed = visible[type] ?? [];
    if (allowed === 'any' || refs === 'any') {
      result[type] = allowed === 'any' ? refs : allowed;
    } else {
      const allowedRefs = new Set(allowed);
      result[type] = refs.filter(ref => allowedRefs.has(ref));
    }
  }
  return result;
}
