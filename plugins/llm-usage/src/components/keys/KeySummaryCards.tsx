import { Fragment } from 'react';
import { Grid, Link, Typography } from '@material-ui/core';
import { KeySummary, useLocalization } from '../../hooks';
import { sumCostsByCurrency } from '@llm-usage/backstage-plugin-llm-usage-common';
import { CostLines, StatCard } from '../common';

/** The key counts, each on its own card. */
const COUNTS = ['total', 'active', 'expiringSoon'] as const;

/** Currencies shown as their own balance card, as the providers bill them. */
const BALANCE_CURRENCIES = ['USD', 'CNY'] as const;

/** "Top up: OpenAI main · OpenRouter" — each account's billing page. */
function TopUpLinks(props: {
  accounts: Array<{ id: string; name: string; billingUrl: string | null }>;
}) {
  const { t } = useLocalization();
  const withPage = props.accounts.filter(a => a.billingUrl);
  if (withPage.length === 0) return null;
  return (
    <Typography variant="caption" component="div" data-testid="top-up-links">
      {t('quotaViews.topUp')}:{' '}
      {withPage.map((account, index) => (
        <Fragment key={account.id}>
          {index > 0 && ' · '}
          <Link
            href={account.billingUrl!}
            target="_blank"
            rel="noopener noreferrer"
          >
            {account.name}
          </Link>
        </Fragment>
      ))}
    </Typography>
  );
}

/**
 * Total, active and soon-expiring keys, balances per currency (USD and CNY
 * apart, never added together) and this month's spend.
 */
export function KeySummaryCards(props: {
  summary?: KeySummary;
  loading: boolean;
}) {
  const { summary, loading } = props;
  const { t, format } = useLocalization();
  const skeleton = loading && !summary;
  const balances = sumCostsByCurrency(
    (summary?.accounts ?? []).flatMap(account =>
      account.balances.map(b => ({
        currency: b.currency,
        amount: b.available,
      })),
    ),
  );
  const accountsHolding = (currency: string) =>
    (summary?.accounts ?? []).filter(a =>
      a.balances.some(b => b.currency === currency),
    );
  const accountsWithBalance = (currency: string) =>
    accountsHolding(currency).length;

  // A currency none of the viewer's accounts holds gets no card: "— from 0
  // accounts" read as "no balance" while others' accounts have one.
  const shownCurrencies = summary
    ? BALANCE_CURRENCIES.filter(currency => accountsWithBalance(currency) > 0)
    : BALANCE_CURRENCIES;

  return (
    <Grid container spacing={2} data-testid="key-summary">
      {COUNTS.map(count => (
        <Grid item xs={6} sm={4} md={2} key={count}>
          <StatCard
            title={t(`keyWorkspace.summary.${count}`)}
            loading={skeleton}
            value={summary && format.integer(summary[count])}
            caption={
              count === 'expiringSoon'
                ? t('keyWorkspace.summary.expiringSoonCaption')
                : undefined
            }
          />
        </Grid>
      ))}
      {shownCurrencies.map(currency => {
        const balance = balances.find(b => b.currency === currency);
        return (
          <Grid item xs={6} sm={4} md={2} key={currency}>
            <StatCard
              title={t('keyWorkspace.summary.balance', { currency })}
              loading={skeleton}
              value={
                summary && (balance ? format.money(balance) : t('common.none'))
              }
              caption={
                summary &&
                t('keyWorkspace.summary.balanceCaption', {
                  count: accountsWithBalance(currency),
                })
              }
              footer={
                summary && <TopUpLinks accounts={accountsHolding(currency)} />
              }
            />
          </Grid>
        );
      })}
      <Grid item xs={6} sm={4} md={2}>
        <StatCard
          title={t('keyWorkspace.summary.monthSpend')}
          loading={skeleton}
          value={
            summary && (
              <CostLines
                costs={summary.monthSpend}
                empty={t('overview.noCost')}
                testIdPrefix="month-spend"
              />
            )
          }
          caption={t('keyWorkspace.summary.monthSpendCaption')}
        />
      </Grid>
    </Grid>
  );
}
