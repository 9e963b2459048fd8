import { useState } from 'react';
import {
  Box,
  Button,
  TextField,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ALERT_RULE_SCOPES,
  ALERT_TYPES,
  type AlertRule,
  type AlertRuleInput,
  type AlertRuleScope,
  type AlertType,
  llmUsageAdminPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { useAlertRules, useNotify, useLocalization } from '../../hooks';
import {
  ActionDialog,
  QueryErrorPanel,
  SectionCard,
  SelectField,
} from '../common';
import { RecordTable } from '../common/RecordTable';
import { AlertRuleEditor } from './AlertRuleEditor';

const useStyles = makeStyles(theme => ({
  stack: { display: 'grid', gap: theme.spacing(3) },
  dialogFields: {
    display: 'grid',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
}));

// The rollup belongs to no account, key, project or budget: its rule is global only.
const OVERRIDE_TYPES = ALERT_TYPES.filter(type => type !== 'rollup_failed');

const OVERRIDE_SCOPES = ALERT_RULE_SCOPES.filter(
  (scope): scope is Exclude<AlertRuleScope, 'global'> => scope !== 'global',
);

/** Types whose rule applies to fewer scopes (reconciliation is per account). */
function overrideScopesOf(type: AlertType) {
  return type === 'reconciliation_gap'
    ? OVERRIDE_SCOPES.filter(scope => scope === 'account')
    : OVERRIDE_SCOPES;
}

/** Picks a type and a scope, then edits the override like any rule. */
function AddOverrideDialog(props: {
  open: boolean;
  globals: AlertRule[];
  onClose: () => void;
  onSave: (input: AlertRuleInput) => Promise<unknown>;
}) {
  const { t } = useLocalization();
  const classes = useStyles();
  const [type, setType] = useState<AlertType>('low_balance');
  const [scope, setScope] =
    useState<Exclude<AlertRuleScope, 'global'>>('account');
  const [scopeId, setScopeId] = useState('');
  const base = props.globals.find(rule => rule.type === type);
  return (
    <ActionDialog
      open={props.open}
      onClose={props.onClose}
      size="md"
      title={t('alertRules.overrides.add')}
      cancelLabel={t('alertRules.overrides.cancel')}
    >
      <Box className={classes.dialogFields}>
        <SelectField
          label={t('alertRules.overrides.type')}
          value={type}
          onChange={value => {
            const next = value as AlertType;
            setType(next);
            if (!overrideScopesOf(next).includes(scope)) setScope('account');
          }}
          options={OVERRIDE_TYPES.map(value => ({
            value,
            label: t(`alerts.types.${value}`),
          }))}
        />
        <SelectField
          label={t('alertRules.overrides.scope')}
          value={scope}
          onChange={value =>
            setScope(value as Exclude<AlertRuleScope, 'global'>)
          }
          options={overrideScopesOf(type).map(value => ({
            value,
            label: t(`alertRules.scopes.${value}`),
          }))}
        />
        <TextField
          label={t('alertRules.overrides.scopeId')}
          value={scopeId}
          onChange={e => setScopeId(e.target.value)}
          required
        />
      </Box>
      {base && scopeId.trim() && (
        <AlertRuleEditor
          // A new type or scope starts from that type's global rule.
          key={`${type}:${scope}`}
          rule={{ ...base, id: null, scope, scopeId: scopeId.trim() }}
          canEdit
          onSave={async input => {
            await props.onSave(input);
            props.onClose();
          }}
        />
      )}
    </ActionDialog>
  );
}

/**
 * Settings → Alert rules: the global rule of each alert type (the built-in
 * default until saved) and the overrides for single accounts, keys,
 * projects or budgets.
 *
 * @internal
 */
export function AlertRulesSettings() {
  const { t } = useLocalization();
  const classes = useStyles();
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  const rules = useAlertRules();
  const admin = usePermission({ permission: llmUsageAdminPermission });
  const [adding, setAdding] = useState(false);

  const failed = (error: Error) =>
    notify.error(t('alertRules.saveFailed', { message: error.message }));
  const save = (input: AlertRuleInput) =>
    api.saveAlertRule(input).then(() => {
      notify.success(t('alertRules.saved'));
      rules.retry();
    }, failed);
  const remove = (id: string) =>
    api.deleteAlertRule(id).then(() => rules.retry(), failed);

  if (rules.error) {
    return <QueryErrorPanel error={rules.error} onRetry={rules.retry} />;
  }
  if (!rules.value || admin.loading) {
    return <Progress />;
  }
  const globals = rules.value.items.filter(rule => rule.scope === 'global');
  const overrides = rules.value.items.filter(rule => rule.scope !== 'global');

  return (
    <Box className={classes.stack}>
      <Typography variant="body2" color="textSecondary">
        {t('alertRules.description')}
      </Typography>
      {globals.map(rule => (
        <SectionCard key={rule.type} title={t(`alerts.types.${rule.type}`)}>
          {rule.type === 'rollup_failed' && (
            <Typography variant="body2" color="textSecondary">
              {t('alertRules.rollupFailedHelp')}
            </Typography>
          )}
          <AlertRuleEditor
            // Saved or reset: start again from what the server has.
            key={`${rule.id}:${rule.updatedAt}`}
            rule={rule}
            canEdit={admin.allowed}
            onSave={save}
            onReset={rule.id ? () => remove(rule.id!) : undefined}
          />
        </SectionCard>
      ))}
      <SectionCard
        title={t('alertRules.overrides.title')}
        toolbar={
          <Button variant="outlined" onClick={() => setAdding(true)}>
            {t('alertRules.overrides.add')}
          </Button>
        }
      >
        <RecordTable
          rows={overrides}
          rowKey={rule => rule.id!}
          emptyText={t('alertRules.overrides.empty')}
          columns={[
            {
              label: t('alertRules.overrides.type'),
              cell: rule => t(`alerts.types.${rule.type}`),
            },
            {
              label: t('alertRules.overrides.scope'),
              cell: rule =>
                `${t(`alertRules.scopes.${rule.scope}`)}: ${rule.scopeId}`,
            },
            {
              label: t('alertRules.enabled'),
              cell: rule => (rule.enabled ? '✓' : '—'),
            },
            {
              label: t('alertRules.severity'),
              cell: rule => t(`alerts.severities.${rule.severity}`),
            },
            {
              cell: rule => (
                <Button size="small" onClick={() => remove(rule.id!)}>
                  {t('alertRules.overrides.remove')}
                </Button>
              ),
            },
          ]}
        />
      </SectionCard>
      <AddOverrideDialog
        open={adding}
        globals={globals}
        onClose={() => setAdding(false)}
        onSave={save}
      />
    </Box>
  );
}
