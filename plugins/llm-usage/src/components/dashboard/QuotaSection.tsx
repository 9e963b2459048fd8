import { Box, Grid, Typography, makeStyles } from '@material-ui/core';
import type { ResponseError } from '@backstage/errors';
import { useQuota } from '../../hooks/quota';
import { QueryErrorPanel, SectionCard } from '../common';
import { BalanceQuotaCard, BudgetQuotaCard } from '../quota';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  // Cards share each row between them: one budget takes the whole width
  // instead of a third of it with the rest empty.
  cards: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 300px), 1fr))',
    gap: theme.spacing(2),
  },
}));

function isNotAllowed(error: Error): boolean {
  return (error as Partial<ResponseError>).statusCode === 403;
}

/** @internal */
export interface QuotaSectionProps {
  /** An entity's budgets and balances instead of the viewer's. */
  entityRef?: string;
}

/**
 * Budgets (used, remaining, days left at the current burn) and provider
 * balances with a top-up link and their history. Live; hidden when there is
 * neither a budget nor a balance to show.
 *
 * @internal
 */
export function QuotaSection({ entityRef }: QuotaSectionProps) {
  const { t } = useLocalization();
  const quota = useQuota(entityRef);
  const classes = useStyles();

  if (quota.error && isNotAllowed(quota.error)) {
    // Someone else's team page: its budgets are not the viewer's to see.
    return null;
  }
  let content;
  if (quota.error && !quota.value) {
    content = <QueryErrorPanel error={quota.error} onRetry={quota.retry} />;
  } else if (!quota.value) {
    // Most viewers have no budget: a spinner that then vanishes would flash.
    return null;
  } else {
    const { budgets, balances } = quota.value;
    if (budgets.length === 0 && balances.length === 0) {
      return null;
    }
    content = (
      <>
        {budgets.length > 0 && (
          <>
            <Typography variant="h6" component="h3" gutterBottom>
              {t('quotaViews.budgetsHeading')}
            </Typography>
            <Box className={classes.cards}>
              {budgets.map(budget => (
                <BudgetQuotaCard quota={budget} key={budget.budget.id} />
              ))}
            </Box>
          </>
        )}
        {balances.length > 0 && (
          <>
            <Typography
              variant="h6"
              component="h3"
              gutterBottom
              style={{ marginTop: budgets.length > 0 ? 16 : 0 }}
            >
              {t('quotaViews.balancesHeading')}
            </Typography>
            <Box className={classes.cards}>
              {balances.map(balance => (
                <BalanceQuotaCard
                  balance={balance}
                  key={`${balance.accountId}-${balance.available.currency}`}
                />
              ))}
            </Box>
          </>
        )}
      </>
    );
  }

  return (
    <Grid item xs={12}>
      <SectionCard title={t('quotaViews.title')} testId="quota-section">
        {content}
      </SectionCard>
    </Grid>
  );
}
