import type {
  CALL_COST_SOURCES,
  CallRecord,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/** Where a stored call's cost comes from. */
export type CallCostSource = (typeof CALL_COST_SOURCES)[number];

/**
 * A validated call, ready to store: the call as the API returns it, with
 * its time in epoch ms, its cost in nanos and always a key id.
 */
export interface NormalizedCall
  extends Omit<CallRecord, 'timestamp' | 'apiKeyId' | 'cost' | 'costSource'> {
  occurredAt: number;
  apiKeyId: string;
  costNanos: bigint;
  /**
   * Who set the cost: the caller (`reported`), the price book (`priced`), or
   * nobody (null: the call came without a cost and no price applied).
   * Undefined, for calls built in code, reads as reported when above zero.
   */
  costSource?: CallCostSource | null;
}

/**
 * Which calls a caller may see: everything, or their own calls plus every call
 * of the projects they own. Applied inside every query, so paging and totals
 * agree with what is shown.
 */
export type VisibilityScope =
  | { kind: 'all' }
  | { kind: 'restricted'; userRef: string; projectIds: readonly string[] };
