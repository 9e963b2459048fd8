import { NotFoundError } from '@backstage/errors';
import {
  ALERT_TYPES,
  type AlertRule,
  type AlertRuleInput,
  type AlertRuleScope,
  type AlertSeverity,
  type AlertType,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { ruleParamSchemas } from './ruleSchemas';
import {
  type AlertRuleStore,
  AlertRuleSet,
  DEFAULT_ALERT_RULES,
  defaultRule,
} from './AlertRuleStore';

export const ALERT_RULES_TABLE = 'llm_usage_alert_rules';

type RuleRow = {
  id: string;
  type: string;
  scope: string;
  scope_id: string;
  enabled: boolean | number;
  severity: string;
  params: string;
  updated_by: string | null;
  updated_at: number | string;
};

function toRule(row: RuleRow): AlertRule {
  const type = row.type as AlertType;
  // A row written by an older version may lack newer fields: defaults fill in.
  const parsed = ruleParamSchemas[type].safeParse({
    ...DEFAULT_ALERT_RULES[type].params,
    ...JSON.parse(row.params),
  });
  return {
    id: row.id,
    type,
    scope: row.scope as AlertRuleScope,
    scopeId: row.scope_id || null,
    enabled: Boolean(row.enabled),
    severity: row.severity as AlertSeverity,
    params: parsed.success ? parsed.data : DEFAULT_ALERT_RULES[type].params,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
    updatedBy: row.updated_by,
  } as AlertRule;
}

/** The {@link AlertRuleStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseAlertRuleStore implements AlertRuleStore {
  constructor(private readonly db: Knex) {}

  /** Saved rules, optionally of one scope. */
  async listSaved(filter?: {
    scope?: AlertRuleScope;
    scopeId?: string;
  }): Promise<AlertRule[]> {
    const query = this.db<RuleRow>(ALERT_RULES_TABLE).orderBy([
      'type',
      'scope',
      'scope_id',
    ]);
    if (filter?.scope) query.where('scope', filter.scope);
    if (filter?.scopeId) query.where('scope_id', filter.scopeId);
    return (await query).map(toRule);
  }

  /** Every global rule (saved or default) followed by every saved override. */
  async listEffective(): Promise<AlertRule[]> {
    const saved = await this.listSaved();
    const globals = ALERT_TYPES.map(
      type =>
        saved.find(rule => rule.type === type && rule.scope === 'global') ??
        defaultRule(type),
    );
    return [...globals, ...saved.filter(rule => rule.scope !== 'global')];
  }

  async ruleSet(): Promise<AlertRuleSet> {
    return new AlertRuleSet(await this.listSaved());
  }

  async get(id: string): Promise<AlertRule> {
    const row = await this.db<RuleRow>(ALERT_RULES_TABLE).where({ id }).first();
    if (!row) throw new NotFoundError(`No alert rule with id '${id}'`);
    return toRule(row);
  }

  /** The saved rule of that type and scope, if any. */
  async find(
    type: AlertType,
    scope: AlertRuleScope,
    scopeId: string | null,
  ): Promise<AlertRule | undefined> {
    const row = await this.db<RuleRow>(ALERT_RULES_TABLE)
      .where({ type, scope, scope_id: scopeId ?? '' })
      .first();
    return row ? toRule(row) : undefined;
  }

  /** Creates or replaces the rule of the input's type and scope. */
  async save(
    input: AlertRuleInput,
    actorRef: string,
    now: number,
  ): Promise<AlertRule> {
    const scopeId = input.scope === 'global' ? '' : input.scopeId ?? '';
    await this.db(ALERT_RULES_TABLE)
      .insert({
        id: randomUUID(),
        type: input.type,
        scope: input.scope,
        scope_id: scopeId,
        enabled: input.enabled,
        severity: input.severity,
        params: JSON.stringify(input.params),
        updated_by: actorRef,
        created_at: now,
        updated_at: now,
      })
      .onConflict(['type', 'scope', 'scope_id'])
      .merge(['enabled', 'severity', 'params', 'updated_by', 'updated_at']);
    const saved = await this.find(input.type, input.scope, scopeId || null);
    return saved!;
  }

  /** Removes a saved rule, so the next broader one (or the default) applies. */
  async delete(id: string): Promise<AlertRule> {
    const rule = await this.get(id);
    await this.db(ALERT_RULES_TABLE).where({ id }).delete();
    return rule;
  }
}
