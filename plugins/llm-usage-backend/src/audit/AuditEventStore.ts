import type { AuditEventListResponse } from '@llm-usage/backstage-plugin-llm-usage-common';

/** Filters of an audit event listing; times in epoch ms. */
export interface AuditEventFilter {
  targetType?: string;
  targetId?: string;
  actorRef?: string;
  action?: string;
  /** Inclusive. */
  from?: number;
  /** Exclusive. */
  to?: number;
  /**
   * Restricts to events about these targets (e.g. the keys a user may see);
   * undefined means no restriction.
   */
  visibleTargets?: Array<{ targetType: string; targetIds: string[] }>;
  /** With `visibleTargets`: also the events this actor caused, on any target. */
  visibleActorRef?: string;
  limit: number;
  cursor?: string;
}

/** Reads the audit trail, newest first, with keyset paging. */
export interface AuditEventStore {
  list(filter: AuditEventFilter): Promise<AuditEventListResponse>;
}
