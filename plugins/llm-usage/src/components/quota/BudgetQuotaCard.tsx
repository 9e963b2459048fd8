import { LinearProgress, Typography, makeStyles } from '@material-ui/core';
import type { BudgetQuota } from '@llm-usage/backstage-plugin-llm-usage-common';
import { QuotaCardFrame } from './QuotaCardFrame';
import { readableEntityRef } from '../../lib/readableRefs';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  bar: { height: 8, borderRadius: 4, margin: theme.spacing(1, 0) },
  warning: { backgroundColor: theme.palette.warning.main },
  over: { backgroundColor: theme.palette.error.main },
  overText: { color: theme.palette.error.main },
}));

/** @internal */
export interface BudgetQuotaCardProps {
  quota: BudgetQuota;
}

/** One budget: progress, what is left and how long it lasts. */
export function BudgetQuotaCard({ quota }: BudgetQuotaCardProps) {
  const { t, format } = useLocalization();
  const classes = useStyles();
  const { budget } = quota;
  const over = quota.remaining.amount.startsWith('-');
  let barClass: string | undefined;
  if (quota.progress >= 1) barClass = classes.over;
  else if (quota.progress >= 0.8) barClass = classes.warning;
  const target = t(`quotaViews.target.${budget.targetType}`, {
    ref: readableEntityRef(budget.targetRef),
  });

  return (
    <QuotaCardFrame
      testId={`budget-${budget.id}`}
      title={budget.name || target}
      runway={{
        runway: quota.runway,
        periodEnd: quota.period.to,
        usedUp: over || Number(quota.remaining.amount) === 0,
      }}
    >
      {budget.name && (
        <Typography variant="caption" color="textSecondary" component="div">
          {target}
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary" component="div">
        {t(`quotaViews.counts.${budget.targetType}`)}
      </Typography>
      <LinearProgress
        variant="determinate"
        value={Math.min(100, quota.progress * 100)}
        className={classes.bar}
        classes={barClass ? { bar: barClass } : undefined}
        aria-label={t('quotaViews.progressLabel')}
      />
      <Typography variant="body2">
        {t('quotaViews.usedOfTotal', {
          used: format.money(quota.used),
          total: format.money(quota.total),
        })}{' '}
        · {format.percent(quota.progress)}
      </Typography>
      <Typography
        variant="body2"
        className={over ? classes.overText : undefined}
      >
        {over
          ? t('quotaViews.overBy', {
              amount: format.money({
                currency: quota.remaining.currency,
                amount: quota.remaining.amount.slice(1),
              }),
            })
          : t('quotaViews.remaining', {
              amount: format.money(quota.remaining),
            })}
      </Typography>
    </QuotaCardFrame>
  );
}
