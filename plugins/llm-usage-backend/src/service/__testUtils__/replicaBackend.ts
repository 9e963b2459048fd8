import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import eventsBackendPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import notificationsBackendPlugin from '@backstage/plugin-notifications-backend';
import {
  notificationService,
  type NotificationService,
} from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import signalsBackendPlugin from '@backstage/plugin-signals-backend';
import {
  signalsServiceRef,
  type SignalsService,
} from '@backstage/plugin-signals-node';
import type { JsonObject } from '@backstage/types';
import WebSocket from 'ws';
import { llmUsagePlugin } from '../../plugin';

/*
 * A backend replica as production runs one for live updates: the llm-usage
 * plugin next to the real events service, events backend, signals backend
 * and notifications backend, on its own port and connection pools, sharing
 * one PostgreSQL database with the other replicas (each plugin in its own
 * schema). What one replica publishes reaches the others only through the
 * events backend's bus in that database.
 */

/** The user the signal connections sign in as (the mock user token's). */
export const SIGNALS_USER = 'user:default/mock';

export interface ReplicaOptions {
  /** The shared database: `backend.database.connection`, object or string. */
  connection: JsonObject | string;
  /** Leaves the events backend out: this replica's events stay local. */
  withoutEventsBackend?: boolean;
}

export interface Replica {
  /** `http://localhost:<port>`, a free port. */
  baseUrl: string;
  /** The services the llm-usage plugin gets, as this replica built them. */
  signals: SignalsService;
  notifications: NotificationService;
  stop(): Promise<void>;
}

/** Starts one replica. Start them one after the other (migrations lock). */
export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  let services:
    | { signals: SignalsService; notifications: NotificationService }
    | undefined;
  // A plugin like any other, holding the services a plugin is handed.
  const servicesProbe = createBackendPlugin({
    pluginId: 'replica-probe',
    register(env) {
      env.registerInit({
        deps: {
          signals: signalsServiceRef,
          notifications: notificationService,
        },
        async init(deps) {
          services = deps;
        },
      });
    },
  });
  const eventsBackend = options.withoutEventsBackend
    ? []
    : [eventsBackendPlugin];
  const backend = await startTestBackend({
    features: [
      llmUsagePlugin,
      signalsBackendPlugin,
      notificationsBackendPlugin,
      ...eventsBackend,
      servicesProbe,
      // The real events service instead of the test backend's in-memory one.
      eventsServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          // Where notifications link to; the notifications backend requires it.
          app: { baseUrl: 'http://localhost:3000' },
          backend: {
            database: {
              client: 'pg',
              connection: options.connection,
              pluginDivisionMode: 'schema',
              ensureSchemaExists: true,
            },
          },
          // A replica stops once its open long polls of the bus have
          // ended: 2 s instead of 55 s. Delivery does not wait for it.
          events: { notifyTimeoutMs: 2000 },
        },
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      // No projects have owners: a call's live update goes to its user.
      catalogServiceMock.factory({ entities: [] }),
    ],
  });
  const address = backend.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://localhost:${port}`,
    signals: services!.signals,
    notifications: services!.notifications,
    stop: () => backend.stop(),
  };
}

export interface ReceivedSignal {
  channel: string;
  message: any;
  /** `performance.timeOrigin + performance.now()` when it arrived. */
  receivedAt: number;
}

/** A user's signals connection to one replica, as the app opens it. */
export class SignalsConnection {
  readonly received: ReceivedSignal[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', data => {
      const { channel, message } = JSON.parse(String(data));
      this.received.push({
        channel,
        message,
        receivedAt: performance.timeOrigin + performance.now(),
      });
      for (const wake of this.waiters) wake();
    });
  }

  /**
   * Connects as SIGNALS_USER and subscribes to `channels`. The signals
   * backend installs its upgrade handler on the first upgrade request it
   * sees, which it leaves unanswered: the app's client reconnects, and so
   * does this.
   */
  static async open(
    baseUrl: string,
    channels: string[],
  ): Promise<SignalsConnection> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/signals`;
    for (let attempt = 1; ; attempt++) {
      const socket = new WebSocket(url, mockCredentials.user.token(), {
        handshakeTimeout: 1000,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
      } catch (error) {
        socket.terminate();
        if (attempt >= 5) throw error;
        continue;
      }
      for (const channel of channels) {
        socket.send(JSON.stringify({ action: 'subscribe', channel }));
      }
      return new SignalsConnection(socket);
    }
  }

  /** The first signal received that `matches`, waiting up to `timeoutMs`. */
  async next(
    matches: (signal: ReceivedSignal) => boolean,
    timeoutMs: number,
  ): Promise<ReceivedSignal> {
    const found = () => this.received.find(matches);
    const already = found();
    if (already) return already;
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined = undefined;
      const wake = () => {
        const signal = found();
        if (!signal) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(signal);
      };
      timer = setTimeout(() => {
        this.waiters.delete(wake);
        const received = this.received.map(({ channel, message }) => ({
          channel,
          message,
        }));
        reject(
          new Error(
            `No matching signal within ${timeoutMs} ms; received ${JSON.stringify(
              received,
            )}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  close() {
    this.socket.terminate();
  }
}
