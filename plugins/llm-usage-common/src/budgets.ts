import type { CostAmount } from './types';

/**
 * What a budget is for: a catalog User or Group (entity ref), a project id, or
 * a provider account id.
 *
 * @public
 */
export const BUDGET_TARGET_TYPES = [
  'user',
  'group',
  'project',
  'account',
] as const;

/** @public */
export type BudgetTargetType = (typeof BUDGET_TARGET_TYPES)[number];

/**
 * A monthly spend budget in one currency.
 *
 * @public
 */
export interface Budget {
  id: string;
  targetType: BudgetTargetType;
  /** `user:default/jane`, `group:default/team-a`, a project id or an account id. */
  targetRef: string;
  /** A label; may be empty. */
  name: string;
  /** The amount per calendar month (UTC) as an exact decimal. */
  amount: CostAmount;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Whether the caller may change or delete it. */
  canManage: boolean;
}

/**
 * Body of `POST /budgets`.
 *
 * @public
 */
export interface CreateBudgetRequest {
  targetType: BudgetTargetType;
  targetRef: string;
  name?: string;
  /** Decimal string, e.g. `"500"` or `"1250.50"`. */
  amount: string;
  /** ISO 4217, e.g. `USD`. */
  currency: string;
}

/**
 * Body of `PUT /budgets/:id`; fields left out keep their value. The target
 * never changes: delete and create instead.
 *
 * @public
 */
export interface UpdateBudgetRequest {
  name?: string;
  amount?: string;
  currency?: string;
}

/** @public */
export interface BudgetListResponse {
  items: Budget[];
}

/** @public */
export const DIGEST_CADENCES = ['weekly', 'monthly'] as const;

/** @public */
export type DigestCadence = (typeof DIGEST_CADENCES)[number];

/**
 * Which spend digests an owner (user or group) receives. Both are on unless
 * the owner opted out.
 *
 * @public
 */
export interface DigestPreferences {
  ownerRef: string;
  weekly: boolean;
  monthly: boolean;
}

/**
 * Body of `PUT /digests/preferences`.
 *
 * @public
 */
export interface UpdateDigestPreferencesRequest {
  ownerRef: string;
  weekly?: boolean;
  monthly?: boolean;
}

/**
 * `GET /digests/preferences`: the caller's own and their groups' settings.
 *
 * @public
 */
export interface DigestPreferencesResponse {
  items: DigestPreferences[];
}
