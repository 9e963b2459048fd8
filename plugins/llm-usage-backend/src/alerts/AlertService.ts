import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type {
  Alert,
  AlertListResponse,
  AlertRule,
  AlertRuleInput,
  AlertRuleListResponse,
  AlertRuleScope,
  AlertUnreadCountResponse,
  MarkAlertsReadResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Request } from 'express';
import { type AuditLog, actionRecord } from '../audit/AuditLog';
import type { AlertRuleStore } from './AlertRuleStore';
import type {
  AlertListFilter,
  AlertStore,
  AlertWithReadState,
} from './AlertStore';
import { encodeAlertCursor } from './alertSchemas';
import type { AlertChanges, AlertViewer } from './types';

/**
 * Decides who may change a rule of a scope: the global, project and budget
 * scopes belong to admins; account and key scopes to whoever may manage
 * that account or key. Throws NotAllowedError or NotFoundError.
 */
export interface AlertRuleGuard {
  assertMayEdit(
    credentials: BackstageCredentials,
    viewer: AlertViewer,
    scope: AlertRuleScope,
    scopeId: string | null,
  ): Promise<void>;
  /**
   * Whether the viewer may see a rule of that scope: its thresholds and its
   * target are the target's owners' business. Global rules are everyone's.
   */
  maySee?(
    credentials: BackstageCredentials,
    viewer: AlertViewer,
    scope: AlertRuleScope,
    scopeId: string | null,
  ): Promise<boolean>;
}

/** Something that evaluates alert rules now (the evaluator). */
export interface AlertEvaluation {
  evaluate(): Promise<AlertChanges>;
  evaluateSoon(): void;
}

/** The alert as the API shows it: times in ISO 8601, no condition key. */
function toAlert(record: AlertWithReadState): Alert {
  const { conditionKey, firstSeenAt, lastSeenAt, resolvedAt, ...alert } =
    record;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    ...alert,
    firstSeenAt: iso(firstSeenAt),
    lastSeenAt: iso(lastSeenAt),
    resolvedAt: resolvedAt === null ? null : iso(resolvedAt),
  };
}

/** What the alert routes do, with every change recorded in the audit log. */
export class AlertService {
  constructor(
    private readonly options: {
      alerts: AlertStore;
      rules: AlertRuleStore;
      audit: AuditLog;
      guard: AlertRuleGuard;
      evaluation: AlertEvaluation;
      clock?: () => number;
    },
  ) {}

  private now() {
    return (this.options.clock ?? Date.now)();
  }

  async list(
    viewer: AlertViewer,
    filter: AlertListFilter,
  ): Promise<AlertListResponse> {
    const page = await this.options.alerts.list(viewer, filter);
    return {
      items: page.items.map(toAlert),
      nextCursor: page.next ? encodeAlertCursor(page.next) : null,
    };
  }

  async get(viewer: AlertViewer, id: string): Promise<Alert> {
    return toAlert(await this.options.alerts.getVisible(viewer, id));
  }

  async unreadCount(viewer: AlertViewer): Promise<AlertUnreadCountResponse> {
    const bySeverity = await this.options.alerts.unreadCounts(viewer);
    return {
      unread: bySeverity.info + bySeverity.warning + bySeverity.error,
      bySeverity,
    };
  }

  async markRead(
    credentials: BackstageCredentials,
    viewer: AlertViewer,
    ids: string[],
    request?: Request,
  ): Promise<MarkAlertsReadResponse> {
    const marked = await this.options.alerts.markRead(viewer, ids, this.now());
    const target = ids.length === 1 ? ids[0] : `${ids.length} alerts`;
    await this.options.audit.record(
      actionRecord(credentials, 'alert.read', target, {
        after: { ids: marked },
        request,
        severityLevel: 'low',
      }),
    );
    return { marked: marked.length };
  }

  async markAllRead(
    credentials: BackstageCredentials,
    viewer: AlertViewer,
    request?: Request,
  ): Promise<MarkAlertsReadResponse> {
    const marked = await this.options.alerts.markAllRead(viewer, this.now());
    await this.options.audit.record(
      actionRecord(credentials, 'alert.read-all', `${marked.length} alerts`, {
        after: { ids: marked },
        request,
        severityLevel: 'low',
      }),
    );
    return { marked: marked.length };
  }

  async listRules(
    filter: {
      scope?: AlertRuleScope;
      scopeId?: string;
    },
    viewer?: { credentials: BackstageCredentials; viewer: AlertViewer },
  ): Promise<AlertRuleListResponse> {
    const all = filter.scope
      ? await this.options.rules.listSaved(filter)
      : await this.options.rules.listEffective();
    const { guard } = this.options;
    if (!viewer || viewer.viewer.isAdmin || !guard.maySee) {
      return { items: all };
    }
    const seen = await Promise.all(
      all.map(rule =>
        guard.maySee!(
          viewer.credentials,
          viewer.viewer,
          rule.scope,
          rule.scopeId,
        ),
      ),
    );
    return { items: all.filter((_rule, index) => seen[index]) };
  }

  async saveRule(
    credentials: BackstageCredentials,
    viewer: AlertViewer,
    input: AlertRuleInput,
    request?: Request,
  ): Promise<AlertRule> {
    const scopeId = input.scope === 'global' ? null : input.scopeId ?? null;
    await this.options.guard.assertMayEdit(
      credentials,
      viewer,
      input.scope,
      scopeId,
    );
    const before = await this.options.rules.find(
      input.type,
      input.scope,
      scopeId,
    );
    const saved = await this.options.rules.save(
      input,
      viewer.userRef,
      this.now(),
    );
    const action = before ? 'alert-rule.update' : 'alert-rule.create';
    await this.options.audit.record(
      actionRecord(credentials, action, saved.id!, {
        before,
        after: saved,
        request,
      }),
    );
    this.options.evaluation.evaluateSoon();
    return saved;
  }

  async deleteRule(
    credentials: BackstageCredentials,
    viewer: AlertViewer,
    id: string,
    request?: Request,
  ): Promise<void> {
    const rule = await this.options.rules.get(id);
    await this.options.guard.assertMayEdit(
      credentials,
      viewer,
      rule.scope,
      rule.scopeId,
    );
    await this.options.rules.delete(id);
    await this.options.audit.record(
      actionRecord(credentials, 'alert-rule.delete', id, {
        before: rule,
        request,
      }),
    );
    this.options.evaluation.evaluateSoon();
  }

  /** Admins may ask for an evaluation now, e.g. after fixing a key. */
  async evaluateNow(
    credentials: BackstageCredentials,
    viewer: AlertViewer,
    request?: Request,
  ): Promise<{ opened: number; resolved: number }> {
    if (!viewer.isAdmin) {
      throw new NotAllowedError('Only LLM Usage admins can evaluate alerts');
    }
    const changes = await this.options.evaluation.evaluate();
    const result = {
      opened: changes.opened.length,
      resolved: changes.resolved.length,
    };
    await this.options.audit.record(
      actionRecord(credentials, 'alert.evaluate', 'all', {
        after: result,
        request,
        severityLevel: 'low',
      }),
    );
    return result;
  }
}
