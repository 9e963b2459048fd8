/** What an audit event is about. @public */
export type AuditTargetType =
  | 'key'
  | 'account'
  | 'tag'
  | 'budget'
  | 'alertRule'
  | 'alert'
  | (string & {});

/**
 * One change made through the API, with the state before and after (never
 * holding a secret).
 *
 * @public
 */
export interface AuditEvent {
  id: string;
  /** ISO 8601. */
  occurredAt: string;
  /** Entity ref of the user, or `plugin:<id>` for a service. */
  actorRef: string;
  /** e.g. `key.update`, `key.disable`, `account.create`. */
  action: string;
  targetType: AuditTargetType;
  targetId: string;
  before: unknown | null;
  after: unknown | null;
}

/** `GET /audit-events` filters. @public */
export interface AuditEventListQuery {
  targetType?: string;
  targetId?: string;
  actorRef?: string;
  action?: string;
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
  limit?: number;
  cursor?: string;
}

/** @public */
export interface AuditEventListResponse {
  items: AuditEvent[];
  /** Opaque; pass as `cursor` for the next page. Absent on the last page. */
  nextCursor?: string;
}
