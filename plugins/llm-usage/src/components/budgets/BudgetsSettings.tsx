import { useState } from 'react';
import {
  Box,
  Button,
  Grid,
  IconButton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
} from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import { EmptyState, Progress } from '@backstage/core-components';
import {
  alertApiRef,
  useApi,
  useTranslationRef,
} from '@backstage/frontend-plugin-api';
import type { Budget } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { useFormatters } from '../../hooks';
import { useBudgets } from '../../hooks/quota';
import { llmUsageTranslationRef } from '../../translation';
import { QueryErrorPanel, SectionCard } from '../common';
import { BudgetDialog } from './BudgetDialog';
import { DigestPreferencesCard } from './DigestPreferencesCard';

/**
 * The Budgets tab of Settings: monthly budgets the viewer can see (editable
 * where they own the target) and their spend digest settings.
 *
 * @internal
 */
export function BudgetsSettings() {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const api = useApi(llmUsageApiRef);
  const alertApi = useApi(alertApiRef);
  const format = useFormatters();
  const budgets = useBudgets();
  const [editing, setEditing] = useState<Budget | 'new'>();

  const targetLabel = (budget: Budget) =>
    t(`quotaViews.target.${budget.targetType}`, { ref: budget.targetRef });

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
      alertApi.post({
        message: t('budgetSettings.deleteFailed', {
          error: error instanceof Error ? error.message : String(error),
        }),
        severity: 'error',
      });
    }
  };

  let body;
  if (budgets.error) {
    body = <QueryErrorPanel error={budgets.error} onRetry={budgets.retry} />;
  } else if (!budgets.value) {
    body = <Progress />;
  } else if (budgets.value.items.length === 0) {
    body = <EmptyState missing="data" title={t('budgetSettings.empty')} />;
  } else {
    body = (
      <Box style={{ overflowX: 'auto' }}>
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>{t('budgetSettings.columns.target')}</TableCell>
              <TableCell>{t('budgetSettings.columns.name')}</TableCell>
              <TableCell align="right">
                {t('budgetSettings.columns.amount')}
              </TableCell>
              <TableCell align="right">
                {t('budgetSettings.columns.actions')}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {budgets.value.items.map(budget => (
              <TableRow key={budget.id} data-testid={`budget-row-${budget.id}`}>
                <TableCell>{targetLabel(budget)}</TableCell>
                <TableCell>{budget.name || t('common.none')}</TableCell>
                <TableCell align="right">
                  {format.money(budget.amount)}
                </TableCell>
                <TableCell align="right">
                  {budget.canManage && (
                    <>
                      <Tooltip title={t('budgetSettings.edit')}>
                        <IconButton
                          size="small"
                          aria-label={t('budgetSettings.edit')}
                          onClick={() => setEditing(budget)}
                        >
                          <EditIcon fontSize="small" />
                        </IconButton>
                      </Tooltip>
                      <Tooltip title={t('budgetSettings.delete')}>
                        <IconButton
                          size="small"
                          aria-label={t('budgetSettings.delete')}
                          onClick={() => remove(budget)}
                        >
                          <DeleteIcon fontSize="small" />
                        </IconButton>
                      </Tooltip>
                    </>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    );
  }

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
