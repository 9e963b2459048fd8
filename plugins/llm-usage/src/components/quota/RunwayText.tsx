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

/** Runways longer than this read "more than a year". */
const RUNWAY_CAP_DAYS = 365;

/** "About 12 days left, likely 9–16 days", with the burn it is based on. */
export function RunwayText(props: RunwayTextProps) {
  const { runway, periodEnd } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  // Whole days: a tenth of a day is noise in a forecast from a week of spend.
  const days = (value: number) =>
    format.integer(Math.max(1, Math.floor(value)));

  let headline: string;
  let range: string | undefined;
  if (runway.daysLeft === null) {
    headline = t('quotaViews.runway.noBurn');
  } else if (runway.daysLeft === 0) {
    headline = t('quotaViews.runway.usedUp');
  } else if (runway.daysLeft > RUNWAY_CAP_DAYS) {
    // Beyond a year the burn of one week says nothing precise.
    headline = t('quotaViews.runway.overYear');
  } else if (runway.daysLeft < 1) {
    headline = t('quotaViews.runway.underDay');
  } else {
    headline = t('quotaViews.runway.days', { days: days(runway.daysLeft) });
    if (
      periodEnd &&
      runway.runsOutAt &&
      Date.parse(runway.runsOutAt) >= Date.parse(periodEnd)
    ) {
      headline = `${headline} · ${t('quotaViews.runway.lastsPeriod')}`;
    }
    const low = runway.daysLeftLow === null ? null : days(runway.daysLeftLow);
    const high =
      runway.daysLeftHigh === null || runway.daysLeftHigh > RUNWAY_CAP_DAYS
        ? null
        : days(runway.daysLeftHigh);
    if (low !== null && high === null) {
      range = t('quotaViews.runway.rangeOpen', { low });
    } else if (low !== null && high !== null && low !== high) {
      range = t('quotaViews.runway.range', { low, high });
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
        {range && (
          <>
            {' · '}
            <span style={{ whiteSpace: 'nowrap' }}>{range}</span>
          </>
        )}
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
