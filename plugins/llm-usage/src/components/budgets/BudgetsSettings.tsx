import { useState } from 'react';
import { Button, Grid, TableCell, TableRow } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import { EmptyState } from '@backstage/core-components';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import type { Budget } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { errorMessage, useFormatters, useNotify } from '../../hooks';
import { useBudgets } from '../../hooks/quota';
import { llmUsageTranslationRef } from '../../translation';
import { DataTable, IconAction, QueryContent, SectionCard } from '../common';
import { BudgetDialog } from './BudgetDialog';
import { DigestPreferencesCard } from './DigestPreferencesCard';
import { readableEntityRef } from '../../lib/readableRefs';

/**
 * The Budgets tab of Settings: monthly budgets the viewer can see (editable
 * where they own the target) and their spend digest settings.
 *
 * @internal
 */
export function BudgetsSettings() {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  const format = useFormatters();
  const budgets = useBudgets();
  const [editing, setEditing] = useState<Budget | 'new'>();

  const targetLabel = (budget: Budget) =>
    t(`quotaViews.target.${budget.targetType}`, {
      ref: readableEntityRef(budget.targetRef),
    });

  const remove = async (budget: Budget) => {
    // eslint-disable-next-line no-alert
    const confirmed = window.confirm(
      t('budgetSettings.deleteConfirm', {
        target: targetLabel(budget),
        currency: budget.amount.currency,
      }),
    );
    if (!confirmed) return;
    try {
      await api.deleteBudget(budget.id);
      budgets.retry();
    } catch (error) {
      notify.error(
        t('budgetSettings.deleteFailed', { error: errorMessage(error) }),
      );
    }
  };

  const body = (
    <QueryContent
      query={budgets}
      isEmpty={value => value.items.length === 0}
      empty={<EmptyState missing="data" title={t('budgetSettings.empty')} />}
    >
      {value => (
        <DataTable
          columns={[
            { label: t('budgetSettings.columns.target') },
            { label: t('budgetSettings.columns.name') },
            { label: t('budgetSettings.columns.amount'), align: 'right' },
            { label: t('budgetSettings.columns.actions'), align: 'right' },
          ]}
        >
          {value.items.map(budget => (
            <TableRow key={budget.id} data-testid={`budget-row-${budget.id}`}>
              <TableCell>{targetLabel(budget)}</TableCell>
              <TableCell>{budget.name || t('common.none')}</TableCell>
              <TableCell align="right">{format.money(budget.amount)}</TableCell>
              <TableCell align="right">
                {budget.canManage && (
                  <>
                    <IconAction
                      title={t('budgetSettings.edit')}
                      label={t('budgetSettings.edit')}
                      icon={EditIcon}
                      onClick={() => setEditing(budget)}
                    />
                    <IconAction
                      title={t('budgetSettings.delete')}
                      label={t('budgetSettings.delete')}
                      icon={DeleteIcon}
                      onClick={() => remove(budget)}
                    />
                  </>
                )}
              </TableCell>
            </TableRow>
          ))}
        </DataTable>
      )}
    </QueryContent>
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <SectionCard
          title={t('budgetSettings.title')}
          subheader={t('budgetSettings.description')}
          busy={budgets.loading && Boolean(budgets.value)}
          toolbar={
            <Button
              color="primary"
              variant="contained"
              startIcon={<AddIcon />}
              onClick={() => setEditing('new')}
            >
              {t('budgetSettings.add')}
            </Button>
          }
          testId="budgets-settings"
        >
          {body}
        </SectionCard>
      </Grid>
      <Grid item xs={12}>
        <DigestPreferencesCard />
      </Grid>
      {editing && (
        <BudgetDialog
          budget={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSave={async request => {
            if (editing === 'new') {
              await api.createBudget(request);
            } else {
              await api.updateBudget(editing.id, {
                name: request.name,
                amount: request.amount,
                currency: request.currency,
              });
            }
            setEditing(undefined);
            budgets.retry();
          }}
        />
      )}
    </Grid>
  );
}
