import type {
  AuditEvent,
  AuditEventListResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { AUDIT_EVENTS_TABLE } from './AuditLog';
import { isoTime } from '../lib/columnValues';
import { newestFirstPage } from '../lib/newestFirstPage';
import { type AuditEventStore, type AuditEventFilter } from './AuditEventStore';

interface AuditEventRow {
  id: string;
  occurred_at: string | number;
  actor_ref: string;
  action: string;
  target_type: string;
  target_id: string;
  before: string | null;
  after: string | null;
}

function parseJson(text: string | null): unknown | null {
  return text === null ? null : JSON.parse(text);
}

/** The {@link AuditEventStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseAuditEventStore implements AuditEventStore {
  constructor(private readonly db: Knex) {}

  async list(filter: AuditEventFilter): Promise<AuditEventListResponse> {
    const query = this.db<AuditEventRow>(AUDIT_EVENTS_TABLE).select('*');
    if (filter.targetType) query.where('target_type', filter.targetType);
    if (filter.targetId) query.where('target_id', filter.targetId);
    if (filter.actorRef) {
      query.whereRaw('lower(actor_ref) = ?', [filter.actorRef.toLowerCase()]);
    }
    if (filter.action) query.where('action', filter.action);
    if (filter.from !== undefined)
      query.where('occurred_at', '>=', filter.from);
    if (filter.to !== undefined) query.where('occurred_at', '<', filter.to);
    if (filter.visibleTargets) {
      const targets = filter.visibleTargets;
      query.where(visible => {
        visible.whereRaw('1 = 0');
        if (filter.visibleActorRef) {
          visible.orWhereRaw('lower(actor_ref) = ?', [
            filter.visibleActorRef.toLowerCase(),
          ]);
        }
        for (const target of targets) {
          if (target.targetIds.length > 0) {
            visible.orWhere(inner =>
              inner
                .where('target_type', target.targetType)
                .whereIn('target_id', target.targetIds),
            );
          }
        }
      });
    }
    const { rows, ...next } = await newestFirstPage<AuditEventRow>(
      query,
      'occurred_at',
      filter,
    );
    const items: AuditEvent[] = rows.map(row => ({
      id: row.id,
      occurredAt: isoTime(row.occurred_at),
      actorRef: row.actor_ref,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      before: parseJson(row.before),
      after: parseJson(row.after),
    }));
    return { items, ...next };
  }
}
