import { Typography } from '@material-ui/core';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { Runway } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useFormatters } from '../../hooks';
import { llmUsageTranslationRef } from '../../translation';

/** @internal */
export interface RunwayTextProps {
  runway: Runway;
  /** For budgets: when the period ends and the budget starts afresh. */
  periodEnd?: string;
}

/** "About 12 days left, likely 9–16 days", with the burn it is based on. */
export function RunwayText(props: RunwayTextProps) {
  const { runway, periodEnd } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const days = (value: number) =>
    new Intl.NumberFormat(format.locale, { maximumFractionDigits: 1 }).format(
      value,
    );

  let headline: string;
  let range: string | undefined;
  if (runway.daysLeft === null) {
    headline = t('quotaViews.runway.noBurn');
  } else if (runway.daysLeft === 0) {
    headline = t('quotaViews.runway.usedUp');
  } else {
    headline = t('quotaViews.runway.days', { days: days(runway.daysLeft) });
    if (
      periodEnd &&
      runway.runsOutAt &&
      Date.parse(runway.runsOutAt) >= Date.parse(periodEnd)
    ) {
      headline = `${headline} · ${t('quotaViews.runway.lastsPeriod')}`;
    }
    if (runway.daysLeftLow !== null && runway.daysLeftHigh === null) {
      range = t('quotaViews.runway.rangeOpen', {
        low: days(runway.daysLeftLow),
      });
    } else if (
      runway.daysLeftLow !== null &&
      runway.daysLeftHigh !== null &&
      runway.daysLeftLow !== runway.daysLeftHigh
    ) {
      range = t('quotaViews.runway.range', {
        low: days(runway.daysLeftLow),
        high: days(runway.daysLeftHigh),
      });
    }
  }
  const source = {
    calls: t('quotaViews.runway.fromCalls'),
    'provider-usage': t('quotaViews.runway.fromProvider'),
    'balance-history': t('quotaViews.runway.fromBalance'),
  }[runway.burnSource];

  return (
    <div data-testid="runway">
      <Typography variant="body2">
        <strong>{headline}</strong>
        {range ? ` · ${range}` : ''}
      </Typography>
      {runway.daysLeft !== null && (
        <Typography variant="caption" color="textSecondary">
          {t('quotaViews.runway.burn', {
            amount: format.money(runway.dailyBurn),
          })}{' '}
          · {source}
        </Typography>
      )}
    </div>
  );
}
