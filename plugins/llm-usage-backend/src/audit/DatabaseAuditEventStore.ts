import { InputError } from '@backstage/errors';
import type {
  AuditEvent,
  AuditEventListResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { z } from 'zod/v3';
import { AUDIT_EVENTS_TABLE } from './AuditLog';
import { cursorNumber, cursorText } from '../lib/cursorParts';
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

const cursorSchema = z.tuple([cursorNumber(), cursorText(64)]);

function encodeCursor(occurredAt: number, id: string): string {
  return Buffer.from(JSON.stringify([occurredAt, id])).toString('base64url');
}

function decodeCursor(text: string): [number, string] {
  try {
    return cursorSchema.parse(
      JSON.parse(Buffer.from(text, 'base64url').toString('utf8')),
    );
  } catch {
    throw new InputError(
      `Invalid query parameter 'cursor': not a cursor returned by this endpoint`,
    );
  }
}

function parseJson(text: string | null): unknown | null {
  return text === null ? null : JSON.parse(text);
}

/** The {@link AuditEventStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseAuditEventStore implements AuditEventStore {
  constructor(private readonly db: Knex) {}

  async list(filter: AuditEventFilter): Promise<AuditEventListResponse> {
    const query = this.db<AuditEventRow>(AUDIT_EVENTS_TABLE)
      .select('*')
      .orderBy([
        { column: 'occurred_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit + 1);
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
    if (filter.cursor) {
      const [occurredAt, id] = decodeCursor(filter.cursor);
      query.where(after =>
        after
          .where('occurred_at', '<', occurredAt)
          .orWhere(same =>
            same.where('occurred_at', occurredAt).where('id', '<', id),
          ),
      );
    }
    const rows = await query;
    const page = rows.slice(0, filter.limit);
    const items: AuditEvent[] = page.map(row => ({
      id: row.id,
      occurredAt: new Date(Number(row.occurred_at)).toISOString(),
      actorRef: row.actor_ref,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      before: parseJson(row.before),
      after: parseJson(row.after),
    }));
    const last = page[page.length - 1];
    return rows.length > filter.limit && last
      ? {
          items,
          nextCursor: encodeCursor(Number(last.occurred_at), last.id),
        }
      : { items };
  }
}
