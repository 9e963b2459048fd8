import { randomUUID } from 'node:crypto';
import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Request } from 'express';
import type { Knex } from 'knex';

export const AUDIT_EVENTS_TABLE = 'llm_usage_audit_events';

/** One change to record. `before` / `after` must never hold a secret. */
export interface AuditRecord {
  /** Who did it: credentials of the request, or a fixed ref such as `system:scheduler`. */
  actor: BackstageCredentials | string;
  /** `<target>.<verb>`, e.g. `key.update`, `account.create`, `key.disable`. */
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  /** Passed on to the Backstage auditor, which takes the caller's ip and path from it. */
  request?: Request;
  severityLevel?: AuditorServiceEventSeverityLevel;
  /** Write inside the caller's transaction, so the audit row commits with the change. */
  transaction?: Knex.Transaction;
}

/** What an action did to its target, and where it was asked for. */
export type AuditedChange = Omit<
  AuditRecord,
  'actor' | 'action' | 'targetType' | 'targetId'
>;

/**
 * The record of `action` (`<targetType>.<verb>`) on one target: its type
 * is the action's first part, so a caller names it once.
 */
export function actionRecord(
  actor: AuditRecord['actor'],
  action: `${string}.${string}`,
  targetId: string,
  change: AuditedChange = {},
): AuditRecord {
  const targetType = action.slice(0, action.indexOf('.'));
  return { actor, action, targetType, targetId, ...change };
}

/** The entity ref of a user, `service:<subject>` for a service. */
export function actorRefOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  if (principal.type === 'service' && principal.subject) {
    return `service:${principal.subject}`;
  }
  return 'unknown';
}

/**
 * The one place every mutation of the plugin is recorded: a row in
 * `llm_usage_audit_events` (for the Activity page) and an event through the
 * Backstage auditor (for the operator's log pipeline).
 */
export class AuditLog {
  constructor(
    private readonly db: Knex,
    private readonly auditor: AuditorService,
    private readonly logger?: LoggerService,
  ) {}

  async record(entry: AuditRecord): Promise<string> {
    const id = randomUUID();
    const actorRef =
      typeof entry.actor === 'string' ? entry.actor : actorRefOf(entry.actor);
    await (entry.transaction ?? this.db)(AUDIT_EVENTS_TABLE).insert({
      id,
      occurred_at: Date.now(),
      actor_ref: actorRef,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    });
    // The row is the record of truth; a failing auditor sink must not undo
    // a change that already happened.
    await this.emit(entry, { auditEventId: id, actorRef }, event =>
      event.success(),
    );
    return id;
  }

  /** For a change that failed: only the Backstage auditor hears of it. */
  async recordFailure(
    entry: Omit<AuditRecord, 'before' | 'after' | 'transaction'>,
    error: Error,
  ): Promise<void> {
    const actorRef =
      typeof entry.actor === 'string' ? entry.actor : actorRefOf(entry.actor);
    await this.emit(entry, { actorRef }, event => event.fail({ error }));
  }

  /** Tells the Backstage auditor; its failure is logged, never thrown. */
  private async emit(
    entry: Omit<AuditRecord, 'before' | 'after' | 'transaction'>,
    meta: { auditEventId?: string; actorRef: string },
    outcome: (
      event: Awaited<ReturnType<AuditorService['createEvent']>>,
    ) => Promise<void>,
  ): Promise<void> {
    try {
      const event = await this.auditor.createEvent({
        eventId: entry.action.replace(/[^a-z0-9]+/gi, '-').toLowerCase(),
        severityLevel: entry.severityLevel ?? 'medium',
        request: entry.request,
        meta: {
          ...meta,
          targetType: entry.targetType,
          targetId: entry.targetId,
        },
      });
      await outcome(event);
    } catch (auditError) {
      this.logger?.warn(
        `Could not emit audit event ${entry.action}: ${auditError}`,
      );
    }
  }
}
