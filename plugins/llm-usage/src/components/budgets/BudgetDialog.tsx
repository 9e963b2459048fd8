import { useState } from 'react';
import { TextField, TextFieldProps } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  BUDGET_TARGET_TYPES,
  type Budget,
  type BudgetTargetType,
  type CreateBudgetRequest,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { useSubmit, useLocalization } from '../../hooks';
import { ActionDialog, SelectField } from '../common';

/** @internal */
export interface BudgetDialogProps {
  /** The budget to edit; a new one when absent. */
  budget?: Budget;
  onClose: () => void;
  /** Saves; a rejection's message is shown in the dialog. */
  onSave: (request: CreateBudgetRequest) => Promise<void>;
}

/** Create or edit one budget. The target of an existing budget is fixed. */
export function BudgetDialog({ budget, onClose, onSave }: BudgetDialogProps) {
  const { t } = useLocalization();
  const [targetType, setTargetType] = useState<BudgetTargetType>(
    budget?.targetType ?? 'group',
  );
  const [targetRef, setTargetRef] = useState(budget?.targetRef ?? '');
  const [name, setName] = useState(budget?.name ?? '');
  const [amount, setAmount] = useState(budget?.amount.amount ?? '');
  const [currency, setCurrency] = useState(budget?.amount.currency ?? 'USD');
  const field = (
    id: string,
    value: string,
    onChange: (value: string) => void,
    fieldProps: Omit<TextFieldProps, 'value' | 'onChange'>,
  ) => (
    <TextField
      fullWidth
      margin="dense"
      id={`budget-${id}`}
      value={value}
      onChange={e => onChange(e.target.value)}
      {...fieldProps}
    />
  );
  const { submit, saving, error } = useSubmit(() =>
    onSave({ targetType, targetRef, name, amount, currency }),
  );

  return (
    <ActionDialog
      size="sm"
      onClose={onClose}
      title={budget ? t('budgetSettings.edit') : t('budgetSettings.add')}
      cancelLabel={t('budgetSettings.cancel')}
      confirm={{
        label: t('budgetSettings.save'),
        disabled: saving || !targetRef.trim() || !amount.trim(),
        onClick: submit,
      }}
    >
      {error && (
        <Alert severity="error" style={{ marginBottom: 16 }}>
          {t('budgetSettings.saveFailed', { error })}
        </Alert>
      )}
      <SelectField
        fullWidth
        margin="dense"
        id="budget-target-type"
        label={t('budgetSettings.fields.targetType')}
        value={targetType}
        disabled={Boolean(budget)}
        onChange={value => setTargetType(value as BudgetTargetType)}
        options={BUDGET_TARGET_TYPES.map(type => ({
          value: type,
          label: t(`budgetSettings.targetTypes.${type}`),
        }))}
      />
      {field('target-ref', targetRef, setTargetRef, {
        required: true,
        label: t('budgetSettings.fields.targetRef'),
        helperText: t('budgetSettings.fields.targetRefHelp'),
        disabled: Boolean(budget),
      })}
      {field('name', name, setName, {
        label: t('budgetSettings.fields.name'),
      })}
      {field('amount', amount, setAmount, {
        required: true,
        label: t('budgetSettings.fields.amount'),
        inputProps: { inputMode: 'decimal' },
      })}
      {field('currency', currency, value => setCurrency(value.toUpperCase()), {
        required: true,
        label: t('budgetSettings.fields.currency'),
        inputProps: { maxLength: 3 },
      })}
    </ActionDialog>
  );
}
