import type {
  AlertSeverity,
  AlertTargetType,
  AlertType,
} from '@llm-usage/backstage-plugin-llm-usage-common';

export type AlertParams = Record<string, string | number | null>;

/**
 * A condition an evaluation found true right now. The condition key names
 * the threshold crossed (and whatever makes a crossing new, such as a key's
 * expiry or the month), so the same key means the same crossing.
 */
export interface AlertCondition {
  type: AlertType;
  severity: AlertSeverity;
  conditionKey: string;
  target: { type: AlertTargetType; id: string; name: string | null };
  accountId: string | null;
  /** Lower-cased entity ref of whoever should hear about it. */
  ownerRef: string | null;
  params: AlertParams;
}

/** An alert as stored; times in epoch ms. */
export interface AlertRecord extends AlertCondition {
  id: string;
  firstSeenAt: number;
  lastSeenAt: number;
  resolvedAt: number | null;
}

/**
 * Who is looking at alerts: admins see all of them, everyone else the ones
 * owned by one of their ownership refs (lower-cased).
 */
export interface AlertViewer {
  userRef: string;
  isAdmin: boolean;
  ownershipRefs: string[];
}

/** What an evaluation changed, for delivery. */
export interface AlertChanges {
  opened: AlertRecord[];
  resolved: AlertRecord[];
}
