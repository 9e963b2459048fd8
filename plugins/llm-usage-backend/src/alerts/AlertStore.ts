import type {
  AlertSeverity,
  AlertState,
  AlertType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type {
  AlertChanges,
  AlertCondition,
  AlertRecord,
  AlertViewer,
} from './types';

/** A position in the alert list: the first-seen time and id of the last row. */
export interface AlertCursor {
  firstSeenAt: number;
  id: string;
}

export interface AlertListFilter {
  severity?: AlertSeverity;
  type?: AlertType;
  state: AlertState;
  unread?: boolean;
  limit: number;
  after?: AlertCursor;
}

export interface AlertWithReadState extends AlertRecord {
  read: boolean;
}

export interface DeliveryUpdate {
  status: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: number;
  lastStatusCode?: number | null;
  lastError?: string | null;
}

/** A delivery of an alert's opening or resolution, as it is first logged. */
export interface NewDelivery {
  alertId: string;
  channel: 'webhook' | 'notification';
  destination: string;
  event: 'opened' | 'resolved';
  status: DeliveryUpdate['status'];
  now: number;
}

/**
 * Alerts, their per-user read state and the delivery log.
 *
 * An open alert's dedupe key is its condition key, unique in the table, so
 * evaluations racing on several backend instances open it once. Resolving
 * an alert frees the key, and the next crossing opens a new alert.
 */
export interface AlertStore {
  /**
   * Makes the open alerts of `types` match the conditions that hold now:
   * new conditions open alerts, known ones are refreshed, and open alerts
   * whose condition no longer holds are resolved.
   */
  reconcile(
    types: readonly AlertType[],
    conditions: AlertCondition[],
    now: number,
  ): Promise<AlertChanges>;
  get(id: string): Promise<AlertRecord | undefined>;
  /** The alerts the viewer may see, newest first. */
  list(
    viewer: AlertViewer,
    filter: AlertListFilter,
  ): Promise<{
    items: AlertWithReadState[];
    next?: AlertCursor;
  }>;
  /** One alert with the viewer's read state; NotFoundError when not visible. */
  getVisible(viewer: AlertViewer, id: string): Promise<AlertWithReadState>;
  /** Open alerts the viewer has not read, per severity. */
  unreadCounts(viewer: AlertViewer): Promise<Record<AlertSeverity, number>>;
  /**
   * Marks alerts read for the viewer. Every id must be an alert the viewer
   * may see. Returns the ids that were not read before.
   */
  markRead(viewer: AlertViewer, ids: string[], now: number): Promise<string[]>;
  /** Marks every open alert the viewer may see as read; returns their ids. */
  markAllRead(viewer: AlertViewer, now: number): Promise<string[]>;
  addDelivery(delivery: NewDelivery): Promise<string>;
  updateDelivery(
    id: string,
    update: DeliveryUpdate,
    now: number,
  ): Promise<void>;
  deliveriesOf(alertId: string): Promise<
    {
      id: string;
      channel: string;
      destination: string;
      event: string;
      status: string;
      attempts: number;
      lastStatusCode: number | null;
      lastError: string | null;
    }[]
  >;
}
