import { Button, Typography, makeStyles } from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import type { BalanceQuota } from '@llm-usage/backstage-plugin-llm-usage-common';
import { providerDisplayName } from '../../lib/providerNames';
import { BalanceHistoryButton } from './BalanceHistoryList';
import { QuotaCardFrame } from './QuotaCardFrame';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  stale: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.palette.warning.dark,
  },
}));

/** @internal */
export interface BalanceQuotaCardProps {
  balance: BalanceQuota;
}

/** One account's balance in one currency, its runway and a top-up link. */
export function BalanceQuotaCard({ balance }: BalanceQuotaCardProps) {
  const { t, format } = useLocalization();
  const classes = useStyles();

  return (
    <QuotaCardFrame
      testId={`balance-${balance.accountId}-${balance.available.currency}`}
      title={balance.accountName}
      runway={{
        runway: balance.runway,
        usedUp: Number(balance.available.amount) <= 0,
      }}
      actions={
        <>
          {balance.billingUrl && (
            <Button
              size="small"
              variant="outlined"
              color="primary"
              href={balance.billingUrl}
              target="_blank"
              rel="noopener noreferrer"
              endIcon={<OpenInNewIcon fontSize="small" />}
            >
              {t('quotaViews.topUp')}
            </Button>
          )}
          <BalanceHistoryButton
            accountId={balance.accountId}
            accountName={balance.accountName}
          />
        </>
      }
    >
      <Typography variant="caption" color="textSecondary">
        {providerDisplayName(balance.provider)}
      </Typography>
      <Typography variant="h5">{format.money(balance.available)}</Typography>
      {balance.total && (
        <Typography variant="body2" color="textSecondary">
          {t('quotaViews.ofTotal', { total: format.money(balance.total) })}
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary">
        {t('quotaViews.readAt', { time: format.shortDateTime(balance.readAt) })}
      </Typography>
      {balance.stale && (
        <Typography variant="body2" className={classes.stale}>
          <WarningIcon fontSize="small" />
          {t('quotaViews.stale')}
        </Typography>
      )}
    </QuotaCardFrame>
  );
}
