import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationSeverity } from '@backstage/plugin-notifications-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { AlertSeverity } from '@llm-usage/backstage-plugin-llm-usage-common';
import type { AlertStore } from '../alerts/AlertStore';
import type { AlertChanges, AlertRecord } from '../alerts/types';
import { translatorFor } from '../i18n';
import type { RecipientLanguages } from '../i18n/RecipientLanguages';
import { alertLink, alertTitle, describeAlert } from './alertText';
import type { WebhookDispatcher } from './WebhookDispatcher';

const NOTIFICATION_SEVERITIES: Record<AlertSeverity, NotificationSeverity> = {
  info: 'low',
  warning: 'normal',
  error: 'high',
};

/** The notifications topic users can mute or route to e-mail. */
export const ALERT_NOTIFICATION_TOPIC = 'LLM Usage alerts';

/**
 * Tells people about alerts: a Backstage notification to the owner entity
 * for each new alert (the notifications e-mail module can mail it), and
 * every opened or resolved alert to the configured webhooks. A failing
 * channel is logged and recorded, never thrown: the others still deliver.
 */
export class AlertDelivery {
  constructor(
    private readonly options: {
      alerts: AlertStore;
      webhooks: Pick<WebhookDispatcher, 'enqueue'>;
      logger: LoggerService;
      /** Absent when the notifications backend is not installed. */
      notifications?: NotificationService;
      /** Told about alerts without an owner; usually the admins group. */
      fallbackRecipients?: string[];
      /** The recipient's language; English when absent. */
      languages?: Pick<RecipientLanguages, 'translatorFor'>;
    },
  ) {}

  async deliver(changes: AlertChanges): Promise<void> {
    for (const alert of changes.opened) {
      await this.options.webhooks.enqueue(alert, 'opened');
    }
    for (const alert of changes.resolved) {
      await this.options.webhooks.enqueue(alert, 'resolved');
    }
    for (const alert of changes.opened) {
      await this.notify(alert);
    }
  }

  private async notify(alert: AlertRecord) {
    const { notifications, alerts, logger } = this.options;
    const recipients = alert.ownerRef
      ? [alert.ownerRef]
      : this.options.fallbackRecipients ?? [];
    if (!notifications || recipients.length === 0) return;
    const destination = recipients.join(', ').slice(0, 255);
    let deliveryId: string | undefined;
    try {
      deliveryId = await alerts.addDelivery({
        alertId: alert.id,
        channel: 'notification',
        destination,
        event: 'opened',
        status: 'pending',
        now: Date.now(),
      });
      const tr =
        (await this.options.languages?.translatorFor(recipients)) ??
        translatorFor('en');
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          title: alertTitle(alert, tr),
          description: describeAlert(alert, tr),
          link: alertLink(alert),
          severity: NOTIFICATION_SEVERITIES[alert.severity],
          topic: ALERT_NOTIFICATION_TOPIC,
          // The same condition updates one notification instead of piling up.
          scope: `llm-usage-alert:${alert.conditionKey}`,
        },
      });
      await alerts.updateDelivery(
        deliveryId,
        { status: 'delivered', attempts: 1 },
        Date.now(),
      );
    } catch (error) {
      logger.warn(
        `Could not send the notification for alert ${alert.id} to ${destination}: ${error}`,
      );
      if (deliveryId) {
        await alerts
          .updateDelivery(
            deliveryId,
            {
              status: 'failed',
              attempts: 1,
              lastError: String((error as Error).message ?? error),
            },
            Date.now(),
          )
          .catch(() => undefined);
      }
    }
  }
}
