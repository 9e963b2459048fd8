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
import {
  type Column,
  firstRecord,
  flag,
  isoTimestamp,
  nullable,
  rowMapping,
  text,
} from '../lib/rowMapping';
import { ruleParamSchemas } from './ruleSchemas';
import {
  type AlertRuleStore,
  AlertRuleSet,
  DEFAULT_ALERT_RULES,
  defaultRule,
} from './AlertRuleStore';

export const ALERT_RULES_TABLE = 'llm_usage_alert_rules';

/** A global rule's scope id is '', so (type, scope, scope id) stays unique on both databases. */
const scopeIdColumn: Column<string | null> = {
  read: value => value || null,
  write: value => value ?? '',
};

/** A rule's columns but its params, which are read by the rule's type. */
const ruleRows = rowMapping<Omit<AlertRule, 'params'>>({
  id: text(),
  type: text<AlertType>(),
  scope: text<AlertRuleScope>(),
  scopeId: scopeIdColumn,
  enabled: flag,
  severity: text<AlertSeverity>(),
  updatedAt: isoTimestamp,
  updatedBy: nullable(text()),
});

function toRule(row: Record<string, unknown>): AlertRule {
  const rule = ruleRows.fromRow(row);
  // A row written by an older version may lack newer fields: defaults fill in.
  const defaults = DEFAULT_ALERT_RULES[rule.type].params;
  const parsed = ruleParamSchemas[rule.type].safeParse({
    ...defaults,
    ...JSON.parse(row.params as string),
  });
  return {
    ...rule,
    params: parsed.success ? parsed.data : defaults,
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
    const query = this.db(ALERT_RULES_TABLE).orderBy([
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
    const rule = await firstRecord(
      this.db(ALERT_RULES_TABLE).where({ id }),
      toRule,
    );
    if (!rule) throw new NotFoundError(`No alert rule with id '${id}'`);
    return rule;
  }

  /** The saved rule of that type and scope, if any. */
  async find(
    type: AlertType,
    scope: AlertRuleScope,
    scopeId: string | null,
  ): Promise<AlertRule | undefined> {
    return firstRecord(
      this.db(ALERT_RULES_TABLE).where(
        ruleRows.toRow({ type, scope, scopeId }),
      ),
      toRule,
    );
  }

  /** Creates or replaces the rule of the input's type and scope. */
  async save(
    input: AlertRuleInput,
    actorRef: string,
    now: number,
  ): Promise<AlertRule> {
    const scopeId = input.scope === 'global' ? null : input.scopeId ?? null;
    await this.db(ALERT_RULES_TABLE)
      .insert({
        ...ruleRows.toRow({
          id: randomUUID(),
          type: input.type,
          scope: input.scope,
          scopeId,
          enabled: input.enabled,
          severity: input.severity,
          updatedBy: actorRef,
        }),
        params: JSON.stringify(input.params),
        created_at: now,
        updated_at: now,
      })
      .onConflict(['type', 'scope', 'scope_id'])
      .merge(['enabled', 'severity', 'params', 'updated_by', 'updated_at']);
    const saved = await this.find(input.type, input.scope, scopeId);
    return saved!;
  }

  /** Removes a saved rule, so the next broader one (or the default) applies. */
  async delete(id: string): Promise<AlertRule> {
    const rule = await this.get(id);
    await this.db(ALERT_RULES_TABLE).where({ id }).delete();
    return rule;
  }
}
