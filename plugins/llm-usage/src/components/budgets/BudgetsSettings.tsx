import { useState } from 'react';
import { Button, Grid, TableCell, TableRow } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import { EmptyState } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Budget } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { errorMessage, useNotify, useLocalization } from '../../hooks';
import { useBudgets } from '../../hooks/quota';
import {
  DataTable,
  QuerySectionCard,
  RowIconActions,
  titledColumns,
} from '../common';
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
  const { t, format } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
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

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <QuerySectionCard
          title={t('budgetSettings.title')}
          subheader={t('budgetSettings.description')}
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
          query={budgets}
          isEmpty={value => value.items.length === 0}
          empty={
            <EmptyState missing="data" title={t('budgetSettings.empty')} />
          }
        >
          {value => (
            <DataTable
              columns={titledColumns(
                ['target', 'name', 'amount', 'actions'],
                column => t(`budgetSettings.columns.${column}`),
                ['amount', 'actions'],
              )}
            >
              {value.items.map(budget => (
                <TableRow
                  key={budget.id}
                  data-testid={`budget-row-${budget.id}`}
                >
                  <TableCell>{targetLabel(budget)}</TableCell>
                  <TableCell>{budget.name || t('common.none')}</TableCell>
                  <TableCell align="right">
                    {format.money(budget.amount)}
                  </TableCell>
                  <TableCell align="right">
                    {budget.canManage && (
                      <RowIconActions
                        actions={['edit', 'delete'] as const}
                        icons={{ edit: EditIcon, delete: DeleteIcon }}
                        title={action => t(`budgetSettings.${action}`)}
                        label={action => t(`budgetSettings.${action}`)}
                        onAction={action =>
                          action === 'edit'
                            ? setEditing(budget)
                            : remove(budget)
                        }
                      />
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </DataTable>
          )}
        </QuerySectionCard>
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
