import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { AlertStore, DeliveryUpdate } from '../alerts/AlertStore';
import type { AlertRecord } from '../alerts/types';
import { supportedLanguage, translatorFor, type Translator } from '../i18n';
import { alertLink, describeAlert } from './alertText';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signWebhookBody,
} from './webhookSignature';

export interface WebhookTarget {
  /** Shown in logs and the delivery log instead of the URL, which may hold a token. */
  name: string;
  url: string;
  secret: string;
  /** The language of the message's text; English when absent. */
  language?: string;
}

export interface WebhookRetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** Deliveries waiting per webhook; beyond it new ones are dropped. */
  queueSize: number;
}

/** Where delivery attempts are recorded (the alert store's delivery log). */
export type DeliveryLog = Pick<AlertStore, 'addDelivery' | 'updateDelivery'>;

export type AlertEvent = 'opened' | 'resolved';

const DEFAULT_POLICY: WebhookRetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  timeoutMs: 10_000,
  queueSize: 500,
};

/** The JSON a webhook receives; `text` makes it a valid Slack incoming-webhook message. */
export function webhookBody(
  alert: AlertRecord,
  event: AlertEvent,
  appBaseUrl: string,
  tr: Translator = translatorFor('en'),
) {
  const link = `${appBaseUrl.replace(/\/$/, '')}${alertLink(alert)}`;
  const prefix =
    event === 'resolved'
      ? tr.messages.webhook.resolved
      : tr.messages.webhook.severities[alert.severity];
  return {
    // For people, in the webhook's language; `alert` below stays raw.
    text: `[${prefix}] ${describeAlert(alert, tr)} <${link}|${
      tr.messages.webhook.open
    }>`,
    event,
    alert: {
      id: alert.id,
      type: alert.type,
      severity: alert.severity,
      target: alert.target,
      accountId: alert.accountId,
      ownerRef: alert.ownerRef,
      params: alert.params,
      firstSeenAt: new Date(alert.firstSeenAt).toISOString(),
      resolvedAt:
        alert.resolvedAt === null
          ? null
          : new Date(alert.resolvedAt).toISOString(),
      url: link,
    },
  };
}

/** Retryable: the network failed, the receiver was busy or broken. */
function isRetryable(status: number | undefined): boolean {
  return (
    status === undefined || status === 408 || status === 429 || status >= 500
  );
}

interface Job {
  deliveryId: string;
  body: string;
}

/**
 * One queue per webhook with one sender each: a slow or failing receiver
 * only delays its own deliveries. Sending never blocks the caller, which
 * only enqueues; the queue is bounded so an unreachable receiver cannot grow
 * memory without end.
 */
class WebhookQueue {
  private readonly jobs: Job[] = [];
  private running?: Promise<void>;

  constructor(
    private readonly target: WebhookTarget,
    private readonly policy: WebhookRetryPolicy,
    private readonly log: DeliveryLog,
    private readonly logger: LoggerService,
    private readonly isStopped: () => boolean,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  hasRoom(): boolean {
    return this.jobs.length < this.policy.queueSize;
  }

  offer(job: Job): boolean {
    if (!this.hasRoom()) return false;
    this.jobs.push(job);
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = undefined;
      });
    }
    return true;
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain() {
    for (let job = this.jobs.shift(); job; job = this.jobs.shift()) {
      if (this.isStopped()) return;
      await this.deliver(job);
    }
  }

  private async deliver(job: Job) {
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const outcome = await this.attempt(job);
      if (outcome.ok) {
        await this.record(job, {
          status: 'delivered',
          attempts,
          lastStatusCode: outcome.status,
        });
        return;
      }
      const retry =
        isRetryable(outcome.status) &&
        attempts < this.policy.maxAttempts &&
        !this.isStopped();
      await this.record(job, {
        status: retry ? 'pending' : 'failed',
        attempts,
        lastStatusCode: outcome.status ?? null,
        lastError: outcome.error,
      });
      if (!retry) {
        this.logger.warn(
          `Alert webhook '${this.target.name}' gave up after ${attempts} attempt(s): ${outcome.error}`,
        );
        return;
      }
      await this.sleep(this.backoff(attempts, outcome.retryAfterMs));
    }
  }

  /** Doubling delays from the base, capped; a longer Retry-After wins. */
  private backoff(attempts: number, retryAfterMs?: number) {
    const exponential = this.policy.baseDelayMs * 2 ** (attempts - 1);
    return Math.min(
      this.policy.maxDelayMs,
      Math.max(exponential, retryAfterMs ?? 0),
    );
  }

  private async attempt(job: Job): Promise<{
    ok: boolean;
    status?: number;
    error?: string;
    retryAfterMs?: number;
  }> {
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(this.target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhookBody(
            this.target.secret,
            timestamp,
            job.body,
          ),
          [DELIVERY_HEADER]: job.deliveryId,
        },
        body: job.body,
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true, status: response.status };
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        ok: false,
        status: response.status,
        error: `HTTP ${response.status}`,
        retryAfterMs: Number.isFinite(retryAfter)
          ? retryAfter * 1000
          : undefined,
      };
    } catch (error) {
      // Only the error's name and message: never the URL, which may hold a token.
      const { name, message } = error as Error;
      return { ok: false, error: `${name}: ${message}` };
    }
  }

  private async record(job: Job, update: DeliveryUpdate) {
    try {
      await this.log.updateDelivery(job.deliveryId, update, Date.now());
    } catch (error) {
      this.logger.warn(
        `Could not record an alert webhook delivery: ${
          (error as Error).message
        }`,
      );
    }
  }
}

/** Sends alert events to the configured webhooks, signed, with retries. */
export class WebhookDispatcher {
  private readonly queues: Array<{
    target: WebhookTarget;
    queue: WebhookQueue;
  }>;
  private readonly log: DeliveryLog;
  private readonly logger: LoggerService;
  private readonly appBaseUrl: string;
  private stopped = false;
  private readonly timers = new Set<{
    timer: NodeJS.Timeout;
    resolve: () => void;
  }>();

  constructor(options: {
    targets: WebhookTarget[];
    log: DeliveryLog;
    logger: LoggerService;
    appBaseUrl: string;
    policy?: Partial<WebhookRetryPolicy>;
  }) {
    const policy = { ...DEFAULT_POLICY, ...options.policy };
    this.log = options.log;
    this.logger = options.logger;
    this.appBaseUrl = options.appBaseUrl;
    this.queues = options.targets.map(target => ({
      target,
      queue: new WebhookQueue(
        target,
        policy,
        options.log,
        options.logger,
        () => this.stopped,
        ms => this.sleep(ms),
      ),
    }));
  }

  static fromConfig(
    config: Config,
    deps: { log: DeliveryLog; logger: LoggerService },
  ): WebhookDispatcher {
    const alerts = config.getOptionalConfig('llmUsage.alerts');
    const defaultLanguage = config.getOptionalString('llmUsage.locale.default');
    const targets = (alerts?.getOptionalConfigArray('webhooks') ?? []).map(
      (webhook, index) => {
        const url = webhook.getString('url');
        return {
          name:
            webhook.getOptionalString('name') ??
            `webhook-${index + 1} (${new URL(url).host})`,
          url,
          secret: webhook.getString('secret'),
          language: webhookLanguage(
            webhook.getOptionalString('language') ?? defaultLanguage,
          ),
        };
      },
    );
    const retries = alerts?.getOptionalConfig('webhookRetries');
    return new WebhookDispatcher({
      targets,
      log: deps.log,
      logger: deps.logger,
      appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
      policy: {
        maxAttempts: retries?.getOptionalNumber('maxAttempts'),
        baseDelayMs: retries?.getOptionalNumber('baseDelayMs'),
        maxDelayMs: retries?.getOptionalNumber('maxDelayMs'),
        timeoutMs: retries?.getOptionalNumber('timeoutMs'),
        queueSize: retries?.getOptionalNumber('queueSize'),
      },
    });
  }

  get targetCount() {
    return this.queues.length;
  }

  /**
   * Queues the event for every webhook and returns at once; delivery and
   * retries happen in the background and are recorded in the delivery log.
   */
  async enqueue(alert: AlertRecord, event: AlertEvent): Promise<void> {
    if (this.stopped || this.queues.length === 0) return;
    // One body per language, not per webhook.
    const bodies = new Map<string, string>();
    for (const { target, queue } of this.queues) {
      const tr = translatorFor(target.language ?? 'en');
      let body = bodies.get(tr.language);
      if (body === undefined) {
        body = JSON.stringify(webhookBody(alert, event, this.appBaseUrl, tr));
        bodies.set(tr.language, body);
      }
      try {
        const room = queue.hasRoom();
        const deliveryId = await this.log.addDelivery({
          alertId: alert.id,
          channel: 'webhook',
          destination: target.name,
          event,
          status: room ? 'pending' : 'dropped',
          now: Date.now(),
        });
        if (!room || !queue.offer({ deliveryId, body })) {
          this.logger.warn(
            `Alert webhook '${target.name}' queue is full; dropped an alert event`,
          );
        }
      } catch (error) {
        this.logger.warn(
          `Could not queue alert webhook '${target.name}': ${
            (error as Error).message
          }`,
        );
      }
    }
  }

  /** Resolves when every queue is empty (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.queues.map(({ queue }) => queue.idle()));
  }

  /** Stops retrying; deliveries in flight finish their current attempt. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
    await this.idle();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }
}

function webhookLanguage(configured: string | undefined): string | undefined {
  if (configured === undefined) return undefined;
  const language = supportedLanguage(configured);
  if (!language) {
    throw new Error(
      `Webhook language "${configured}" is not a language the plugin writes in`,
    );
  }
  return language;
}
