import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  LLM_USAGE_SIGNAL_CHANNEL,
  type IngestCallsResponse,
  type LlmUsageCallsSignal,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { CallListPage, CallStore } from '../database/CallStore';
import type { NormalizedCall, VisibilityScope } from '../database/types';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';

/** Beyond this, a message names no projects: "refresh everything". */
const MAX_PROJECT_IDS = 50;

export interface CallSignalsOptions {
  signals: SignalsService;
  projects: ProjectDirectory;
  logger: LoggerService;
  /** Refs whose members see every call (e.g. `llmUsage.admins`). */
  adminRefs?: string[];
  /** Calls landing within this window share one signal per recipient. */
  delayMs?: number;
}

/**
 * Tells connected users that calls they can see have landed. Each call is
 * visible to its user and to the owners of its project, so those are the
 * recipients (signals match group refs against a user's ownership refs).
 * Batches landing close together are coalesced, so a busy gateway does not
 * make every open dashboard reload many times a second.
 */
export class CallSignals {
  private readonly pending = new Map<string, Set<string>>();
  private timer?: ReturnType<typeof setTimeout>;
  private readonly delayMs: number;

  constructor(private readonly options: CallSignalsOptions) {
    this.delayMs = options.delayMs ?? 1000;
  }

  /** Notes that these calls landed; the signal follows within `delayMs`. */
  callsLanded(calls: NormalizedCall[]) {
    for (const call of calls) {
      let users = this.pending.get(call.projectId);
      if (!users) {
        users = new Set();
        this.pending.set(call.projectId, users);
      }
      users.add(call.userRef);
    }
    if (!this.timer && this.pending.size > 0) {
      this.timer = setTimeout(() => {
        this.flush().catch(error =>
          this.options.logger.warn(`Could not publish call signals: ${error}`),
        );
      }, this.delayMs);
      this.timer.unref?.();
    }
  }

  /** Publishes what is pending now. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const byProject = new Map(this.pending);
    this.pending.clear();
    if (byProject.size === 0) return;

    const directory = await this.options.projects.projects().catch(error => {
      // Without the catalog, the callers themselves are still told.
      this.options.logger.warn(
        `Catalog unavailable for call signals: ${error}`,
      );
      return new Map();
    });
    const projectsByRecipient = new Map<string, Set<string>>();
    const add = (recipient: string, projectId: string) => {
      const key = recipient.toLocaleLowerCase('en-US');
      let ids = projectsByRecipient.get(key);
      if (!ids) {
        ids = new Set();
        projectsByRecipient.set(key, ids);
      }
      ids.add(projectId);
    };
    for (const [projectId, users] of byProject) {
      for (const user of users) add(user, projectId);
      for (const owner of directory.get(projectId)?.ownerRefs ?? []) {
        add(owner, projectId);
      }
      for (const admin of this.options.adminRefs ?? []) add(admin, projectId);
    }

    // One publish per distinct set of projects, to all who share it.
    const recipientsByMessage = new Map<string, string[]>();
    for (const [recipient, ids] of projectsByRecipient) {
      const key = [...ids].sort().join('\n');
      recipientsByMessage.set(key, [
        ...(recipientsByMessage.get(key) ?? []),
        recipient,
      ]);
    }
    for (const [key, recipients] of recipientsByMessage) {
      const projectIds = key.split('\n');
      const message: LlmUsageCallsSignal =
        projectIds.length > MAX_PROJECT_IDS
          ? { type: 'calls' }
          : { type: 'calls', projectIds };
      await this.options.signals.publish<LlmUsageCallsSignal>({
        recipients: { type: 'user', entityRef: recipients.sort() },
        channel: LLM_USAGE_SIGNAL_CHANNEL,
        message,
      });
    }
  }
}

/**
 * The call store of the running plugin: every path that stores calls
 * (`POST /calls`, the LiteLLM and OTLP adapters) signals through it. It
 * wraps the store rather than extending it, so the signal is the only
 * thing added.
 */
export class SignallingCallStore implements CallStore {
  constructor(
    private readonly calls: CallStore,
    private readonly callSignals: CallSignals,
  ) {}

  async ingest(calls: NormalizedCall[]): Promise<IngestCallsResponse> {
    const result = await this.calls.ingest(calls);
    if (result.inserted + result.completed > 0) {
      this.callSignals.callsLanded(calls);
    }
    return result;
  }

  list(...args: Parameters<CallStore['list']>): Promise<CallListPage> {
    return this.calls.list(...args);
  }

  hasVisibleCalls(scope: VisibilityScope, projectId: string) {
    return this.calls.hasVisibleCalls(scope, projectId);
  }
}
