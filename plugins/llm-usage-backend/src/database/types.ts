import type {
  CALL_COST_SOURCES,
  CallStatus,
  CallType,
} from '@llm-usage/backstage-plugin-llm-usage-common';

/** Where a stored call's cost comes from. */
export type CallCostSource = (typeof CALL_COST_SOURCES)[number];

/** A validated call, ready to store. */
export interface NormalizedCall {
  id: string;
  occurredAt: number;
  userRef: string;
  projectId: string;
  apiKeyId: string;
  provider: string;
  model: string;
  type: CallType;
  status: CallStatus;
  errorReason: string | null;
  durationMs: number | null;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costNanos: bigint;
  currency: string;
  /**
   * Who set the cost: the caller (`reported`), the price book (`priced`), or
   * nobody (null: the call came without a cost and no price applied).
   * Undefined, for calls built in code, reads as reported when above zero.
   */
  costSource?: CallCostSource | null;
  metadata: Record<string, unknown> | null;
}

/**
 * Which calls a caller may see: everything, or their own calls plus every call
 * of the projects they own. Applied inside every query, so paging and totals
 * agree with what is shown.
 */
export type VisibilityScope =
  | { kind: 'all' }
  | { kind: 'restricted'; userRef: string; projectIds: readonly string[] };
