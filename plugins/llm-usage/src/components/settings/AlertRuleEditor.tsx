import { useState } from 'react';
import {
  Box,
  Button,
  Chip,
  FormControlLabel,
  Switch,
  TextField,
  Typography,
  makeStyles,
} from '@material-ui/core';
import {
  ALERT_SEVERITIES,
  type AlertRule,
  type AlertRuleInput,
  type AlertSeverity,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { SelectField } from '../common';
import {
  AlertRuleFields,
  fieldKind,
  fieldsOf,
  invalidFields,
  toRuleInput,
} from './alertRuleForm';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
  },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))',
    gap: theme.spacing(2),
    marginTop: theme.spacing(2),
  },
  actions: {
    display: 'flex',
    gap: theme.spacing(1),
    marginTop: theme.spacing(2),
  },
}));

const BOOLEAN_FIELDS = [
  'invalid',
  'disabled',
  'syncFailed',
  'spikes',
  'newModels',
  'offHours',
  'leakedKeys',
];

/** Every field of every rule type, as named in the translations. */
type FieldName =
  | 'days'
  | 'thresholds'
  | 'keySpend'
  | 'keyTokens'
  | 'accountSpend'
  | 'accountTokens'
  | 'projectSpend'
  | 'projectTokens'
  | 'budgetPercents'
  | 'invalid'
  | 'disabled'
  | 'syncFailed'
  | 'runwayDays'
  | 'minScore'
  | 'minRatio'
  | 'minRequests'
  | 'baselineWeeks'
  | 'spikes'
  | 'newModels'
  | 'offHours'
  | 'leakedKeys'
  | 'rotationDays'
  | 'gapDays'
  | 'gapTolerance';

function helpOf(name: string) {
  if (fieldKind(name) === 'money') return 'moneyHelp' as const;
  if (name === 'days') return 'daysHelp' as const;
  if (name === 'rotationDays') return 'rotationDaysHelp' as const;
  if (name === 'minScore') return 'minScoreHelp' as const;
  if (name === 'budgetPercents') return 'budgetPercentsHelp' as const;
  if (fieldKind(name) === 'tokens') return 'tokensHelp' as const;
  if (name === 'gapTolerance') return 'gapToleranceHelp' as const;
  return undefined;
}

function errorOf(name: string) {
  const kind = fieldKind(name);
  if (kind === 'money') return 'invalidMoney' as const;
  return kind === 'decimal' || kind === 'whole' || name === 'gapTolerance'
    ? ('invalidNumber' as const)
    : ('invalidNumbers' as const);
}

/** @internal */
export interface AlertRuleEditorProps {
  rule: AlertRule;
  canEdit: boolean;
  onSave: (input: AlertRuleInput) => Promise<unknown>;
  /** Removes the saved rule; absent for a rule that is still the default. */
  onReset?: () => Promise<unknown>;
  resetLabel?: string;
}

/** The switches and fields of one rule, saved as a whole. */
export function AlertRuleEditor(props: AlertRuleEditorProps) {
  const { rule, canEdit } = props;
  const { t } = useLocalization();
  const classes = useStyles();
  const [enabled, setEnabled] = useState(rule.enabled);
  const [severity, setSeverity] = useState<AlertSeverity>(rule.severity);
  const [fields, setFields] = useState<AlertRuleFields>(() => fieldsOf(rule));
  const [saving, setSaving] = useState(false);
  // Labels need ids to name their fields; several editors share a page.
  const idPrefix = `alert-rule-${rule.type}-${rule.scope}-${
    rule.scopeId ?? 'all'
  }`.replace(/[^\w-]/g, '_');
  const invalid = invalidFields(fields);
  const label = (name: string) => t(`alertRules.fields.${name as FieldName}`);

  const run = async (action: () => Promise<unknown>) => {
    setSaving(true);
    try {
      await action();
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box data-testid={`alert-rule-${rule.type}-${rule.scope}`}>
      <Box className={classes.row}>
        <FormControlLabel
          control={
            <Switch
              checked={enabled}
              disabled={!canEdit}
              onChange={e => setEnabled(e.target.checked)}
            />
          }
          label={t('alertRules.enabled')}
        />
        <SelectField
          size="small"
          id={`${idPrefix}-severity`}
          label={t('alertRules.severity')}
          value={severity}
          disabled={!canEdit}
          onChange={value => setSeverity(value as AlertSeverity)}
          options={ALERT_SEVERITIES.map(value => ({
            value,
            label: t(`alerts.severities.${value}`),
          }))}
        />
        <Chip
          size="small"
          label={rule.id ? t('alertRules.isCustom') : t('alertRules.isDefault')}
        />
      </Box>
      <Box className={classes.fields}>
        {Object.entries(fields).map(([name, value]) =>
          BOOLEAN_FIELDS.includes(name) ? (
            <FormControlLabel
              key={name}
              control={
                <Switch
                  checked={Boolean(value)}
                  disabled={!canEdit}
                  onChange={e =>
                    setFields({ ...fields, [name]: e.target.checked })
                  }
                />
              }
              label={label(name)}
            />
          ) : (
            <TextField
              key={name}
              id={`${idPrefix}-${name}`}
              label={label(name)}
              value={value}
              disabled={!canEdit}
              error={invalid.includes(name)}
              helperText={(() => {
                if (invalid.includes(name)) {
                  return t(`alertRules.fields.${errorOf(name)}`);
                }
                const help = helpOf(name);
                return help ? t(`alertRules.fields.${help}`) : ' ';
              })()}
              inputProps={{
                inputMode:
                  fieldKind(name) === 'numberList' ||
                  fieldKind(name) === 'tokens'
                    ? 'numeric'
                    : 'text',
              }}
              onChange={e => setFields({ ...fields, [name]: e.target.value })}
            />
          ),
        )}
      </Box>
      {canEdit && (
        <Box className={classes.actions}>
          <Button
            variant="contained"
            color="primary"
            disabled={saving || invalid.length > 0}
            onClick={() =>
              run(() =>
                props.onSave(
                  toRuleInput(
                    rule.type,
                    {
                      scope: rule.scope,
                      scopeId: rule.scopeId,
                      enabled,
                      severity,
                    },
                    fields,
                  ),
                ),
              )
            }
          >
            {t('alertRules.save')}
          </Button>
          {props.onReset && (
            <Button disabled={saving} onClick={() => run(props.onReset!)}>
              {props.resetLabel ?? t('alertRules.reset')}
            </Button>
          )}
        </Box>
      )}
      {!canEdit && (
        <Typography variant="caption" color="textSecondary">
          {t('alertRules.adminOnly')}
        </Typography>
      )}
    </Box>
  );
}
