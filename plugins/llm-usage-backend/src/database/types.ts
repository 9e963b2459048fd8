import type {
  CallStatus,
  CallType,
} from '@llm-usage/backstage-plugin-llm-usage-common';

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
