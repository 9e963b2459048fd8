import { NotFoundError } from '@backstage/errors';
import type {
  AlertSeverity,
  AlertTargetType,
  AlertType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { WRITE_CHUNK_ROWS, chunk } from '../database/tables';
import {
  firstRecord,
  integer,
  json,
  nullable,
  rowMapping,
  text,
} from '../lib/rowMapping';
import type {
  AlertChanges,
  AlertCondition,
  AlertParams,
  AlertRecord,
  AlertViewer,
} from './types';
import {
  type AlertStore,
  type AlertCursor,
  type AlertListFilter,
  type AlertWithReadState,
  type DeliveryUpdate,
  type NewDelivery,
} from './AlertStore';

export const ALERTS_TABLE = 'llm_usage_alerts';
export const ALERT_READS_TABLE = 'llm_usage_alert_reads';
export const ALERT_DELIVERIES_TABLE = 'llm_usage_alert_deliveries';

/** A row as read; marking read needs its id and the viewer's read time. */
type AlertRow = Record<string, unknown> & {
  id: string;
  read_at?: unknown;
};

/** An alert as its columns keep it: the target in three of them. */
type AlertColumns = Omit<AlertRecord, 'target'> & {
  targetType: AlertTargetType;
  targetId: string;
  targetName: string | null;
};

const alertRows = rowMapping<AlertColumns>({
  id: text(),
  type: text<AlertType>(),
  severity: text<AlertSeverity>(),
  conditionKey: text(),
  targetType: text<AlertTargetType>(),
  targetId: text(),
  targetName: nullable(text()),
  accountId: nullable(text()),
  ownerRef: nullable(text()),
  params: json<AlertParams>(),
  firstSeenAt: integer,
  lastSeenAt: integer,
  resolvedAt: nullable(integer),
});

function toRecord(row: Record<string, unknown>): AlertRecord {
  const { targetType, targetId, targetName, ...alert } = alertRows.fromRow(row);
  return {
    ...alert,
    target: { type: targetType, id: targetId, name: targetName },
  };
}

/** A row of a query joined with the viewer's reads. */
function withReadState(row: AlertRow): AlertWithReadState {
  return {
    ...toRecord(row),
    read: row.read_at !== null && row.read_at !== undefined,
  };
}

function sameContent(alert: AlertRecord, condition: AlertCondition): boolean {
  return (
    alert.severity === condition.severity &&
    alert.ownerRef === condition.ownerRef &&
    alert.target.name === condition.target.name &&
    JSON.stringify(alert.params) === JSON.stringify(condition.params)
  );
}

/**
 * Alerts, their per-user read state and the delivery log.
 *
 * An open alert's dedupe key is its condition key, unique in the table, so
 * evaluations racing on several backend instances open it once. Resolving
 * an alert frees the key, and the next crossing opens a new alert.
 */
export class DatabaseAlertStore implements AlertStore {
  constructor(private readonly db: Knex) {}

  /**
   * Makes the open alerts of `types` match the conditions that hold now:
   * new conditions open alerts, known ones are refreshed, and open alerts
   * whose condition no longer holds are resolved.
   */
  async reconcile(
    types: readonly AlertType[],
    conditions: AlertCondition[],
    now: number,
  ): Promise<AlertChanges> {
    const open = await this.openAlerts(types);
    const openByKey = new Map(open.map(alert => [alert.conditionKey, alert]));
    const holding = new Set(conditions.map(c => c.conditionKey));
    const opened: AlertRecord[] = [];
    const resolved: AlertRecord[] = [];

    for (const condition of conditions) {
      const existing = openByKey.get(condition.conditionKey);
      if (existing) {
        await this.refresh(existing, condition, now);
      } else {
        const created = await this.open(condition, now);
        if (created) opened.push(created);
      }
    }

    for (const alert of open) {
      if (!holding.has(alert.conditionKey)) {
        const updated = await this.db(ALERTS_TABLE)
          .where({ id: alert.id })
          .whereNull('resolved_at')
          .update({
            resolved_at: now,
            dedupe_key: `${alert.conditionKey}#${alert.id}`,
          });
        if (updated > 0) resolved.push({ ...alert, resolvedAt: now });
      }
    }
    return { opened, resolved };
  }

  async get(id: string): Promise<AlertRecord | undefined> {
    return firstRecord(this.db(ALERTS_TABLE).where({ id }), toRecord);
  }

  /** The alerts the viewer may see, newest first. */
  async list(
    viewer: AlertViewer,
    filter: AlertListFilter,
  ): Promise<{ items: AlertWithReadState[]; next?: AlertCursor }> {
    const query = this.visibleWithReadState(viewer)
      .orderBy([
        { column: 'a.first_seen_at', order: 'desc' },
        { column: 'a.id', order: 'desc' },
      ])
      .limit(filter.limit + 1);
    if (filter.severity) query.where('a.severity', filter.severity);
    if (filter.type) query.where('a.type', filter.type);
    if (filter.state === 'open') query.whereNull('a.resolved_at');
    if (filter.state === 'resolved') query.whereNotNull('a.resolved_at');
    if (filter.unread) query.whereNull('r.read_at');
    const after = filter.after;
    if (after) {
      query.where(inner =>
        inner
          .where('a.first_seen_at', '<', after.firstSeenAt)
          .orWhere(same =>
            same
              .where('a.first_seen_at', after.firstSeenAt)
              .where('a.id', '<', after.id),
          ),
      );
    }
    const rows: AlertRow[] = await query;
    const items = rows.slice(0, filter.limit).map(withReadState);
    const last = items[items.length - 1];
    return {
      items,
      next:
        rows.length > filter.limit && last
          ? { firstSeenAt: last.firstSeenAt, id: last.id }
          : undefined,
    };
  }

  /** One alert with the viewer's read state; NotFoundError when not visible. */
  async getVisible(
    viewer: AlertViewer,
    id: string,
  ): Promise<AlertWithReadState> {
    const row: AlertRow | undefined = await this.visibleWithReadState(viewer)
      .where('a.id', id)
      .first();
    if (!row) throw new NotFoundError(`No alert with id '${id}'`);
    return withReadState(row);
  }

  /** Open alerts the viewer has not read, per severity. */
  async unreadCounts(
    viewer: AlertViewer,
  ): Promise<Record<AlertSeverity, number>> {
    const rows: Array<{ severity: string; count: number | string }> =
      await this.visibleWithReadState(viewer, false)
        .whereNull('a.resolved_at')
        .whereNull('r.read_at')
        .groupBy('a.severity')
        .select('a.severity')
        .count({ count: '*' });
    const counts: Record<AlertSeverity, number> = {
      info: 0,
      warning: 0,
      error: 0,
    };
    for (const row of rows) {
      counts[row.severity as AlertSeverity] = Number(row.count);
    }
    return counts;
  }

  /**
   * Marks alerts read for the viewer. Every id must be an alert the viewer
   * may see. Returns the ids that were not read before.
   */
  async markRead(
    viewer: AlertViewer,
    ids: string[],
    now: number,
  ): Promise<string[]> {
    const unique = [...new Set(ids)];
    const visible: AlertRow[] = await this.visibleWithReadState(viewer).whereIn(
      'a.id',
      unique,
    );
    const found = new Set(visible.map(row => row.id));
    const missing = unique.find(id => !found.has(id));
    if (missing) throw new NotFoundError(`No alert with id '${missing}'`);
    const unread = visible
      .filter(row => row.read_at === null || row.read_at === undefined)
      .map(row => row.id);
    await this.insertReads(viewer.userRef, unread, now);
    return unread;
  }

  /** Marks every open alert the viewer may see as read; returns their ids. */
  async markAllRead(viewer: AlertViewer, now: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.visibleWithReadState(
      viewer,
      false,
    )
      .whereNull('a.resolved_at')
      .whereNull('r.read_at')
      .select('a.id');
    const ids = rows.map(row => row.id);
    await this.insertReads(viewer.userRef, ids, now);
    return ids;
  }

  async addDelivery(delivery: NewDelivery): Promise<string> {
    const id = randomUUID();
    await this.db(ALERT_DELIVERIES_TABLE).insert({
      id,
      alert_id: delivery.alertId,
      channel: delivery.channel,
      destination: delivery.destination,
      event: delivery.event,
      status: delivery.status,
      attempts: 0,
      created_at: delivery.now,
      updated_at: delivery.now,
    });
    return id;
  }

  async updateDelivery(id: string, update: DeliveryUpdate, now: number) {
    await this.db(ALERT_DELIVERIES_TABLE)
      .where({ id })
      .update({
        status: update.status,
        attempts: update.attempts,
        last_status_code: update.lastStatusCode ?? null,
        last_error: update.lastError?.slice(0, 2000) ?? null,
        updated_at: now,
      });
  }

  async deliveriesOf(alertId: string) {
    const rows = await this.db(ALERT_DELIVERIES_TABLE)
      .where({ alert_id: alertId })
      .orderBy('created_at');
    return rows.map(row => ({
      id: row.id as string,
      channel: row.channel as string,
      destination: row.destination as string,
      event: row.event as string,
      status: row.status as string,
      attempts: Number(row.attempts),
      lastStatusCode:
        row.last_status_code === null ? null : Number(row.last_status_code),
      lastError: row.last_error as string | null,
    }));
  }

  private async openAlerts(types: readonly AlertType[]) {
    const rows: Array<Record<string, unknown>> = await this.db(ALERTS_TABLE)
      .whereIn('type', types)
      .whereNull('resolved_at');
    return rows.map(toRecord);
  }

  private async open(
    condition: AlertCondition,
    now: number,
  ): Promise<AlertRecord | undefined> {
    const id = randomUUID();
    await this.db(ALERTS_TABLE)
      .insert({
        ...alertRows.toRow({
          ...condition,
          id,
          targetType: condition.target.type,
          targetId: condition.target.id,
          targetName: condition.target.name,
          firstSeenAt: now,
          lastSeenAt: now,
          resolvedAt: null,
        }),
        dedupe_key: condition.conditionKey,
      })
      .onConflict('dedupe_key')
      .ignore();
    // Another instance may have opened it first: then it is not ours to announce.
    const stored = await this.get(id);
    return stored;
  }

  private async refresh(
    alert: AlertRecord,
    condition: AlertCondition,
    now: number,
  ) {
    const changes: Partial<AlertColumns> = { lastSeenAt: now };
    if (!sameContent(alert, condition)) {
      Object.assign(changes, {
        severity: condition.severity,
        ownerRef: condition.ownerRef,
        targetName: condition.target.name,
        params: condition.params,
      });
    }
    await this.db(ALERTS_TABLE)
      .where({ id: alert.id })
      .whereNull('resolved_at')
      .update(alertRows.toRow(changes));
  }

  private visibleWithReadState(viewer: AlertViewer, selectAll = true) {
    const query = this.db(`${ALERTS_TABLE} as a`).leftJoin(
      `${ALERT_READS_TABLE} as r`,
      join =>
        join
          .on('r.alert_id', '=', 'a.id')
          .andOn('r.user_ref', '=', this.db.raw('?', [viewer.userRef])),
    );
    if (selectAll) query.select('a.*', 'r.read_at');
    if (!viewer.isAdmin) {
      if (viewer.ownershipRefs.length === 0) {
        query.whereRaw('1 = 0');
      } else {
        query.whereIn('a.owner_ref', viewer.ownershipRefs);
      }
    }
    return query;
  }

  private async insertReads(userRef: string, ids: string[], now: number) {
    for (const part of chunk(ids, WRITE_CHUNK_ROWS)) {
      const rows = part.map(id => ({
        alert_id: id,
        user_ref: userRef,
        read_at: now,
      }));
      await this.db(ALERT_READS_TABLE)
        .insert(rows)
        .onConflict(['alert_id', 'user_ref'])
        .ignore();
    }
  }
}
