import { Typography } from '@material-ui/core';
import type { Runway } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useLocalization } from '../../hooks';

/** @internal */
export interface RunwayTextProps {
  runway: Runway;
  /** For budgets: when the period ends and the budget starts afresh. */
  periodEnd?: string;
  /** Nothing is left (a budget spent, a balance at zero). */
  usedUp?: boolean;
}

/**
 * "About 12 days left · likely 9–16 days", with the spend per day it is based
 * on and where that spend comes from. The server counts whole days and caps
 * them at a year ("more than a year left"); a budget that outlasts its month
 * says so instead of a count of days it will never reach.
 */
export function RunwayText({ runway, periodEnd, usedUp }: RunwayTextProps) {
  const { t, format } = useLocalization();
  const days = (value: number) => format.integer(value);

  let headline: string;
  let range: string | undefined;
  const outlastsPeriod =
    !!periodEnd &&
    (runway.beyondCap ||
      (runway.runsOutAt !== null &&
        Date.parse(runway.runsOutAt) >= Date.parse(periodEnd)));
  if (usedUp) {
    headline = t('quotaViews.runway.usedUp');
  } else if (runway.daysLeft === null) {
    headline = t('quotaViews.runway.noBurn');
  } else if (outlastsPeriod) {
    // A monthly budget starts afresh first: its days beyond the month are moot.
    headline = t('quotaViews.runway.lastsMonth');
  } else if (runway.beyondCap) {
    headline = t('quotaViews.runway.overYear');
  } else if (runway.daysLeft === 0) {
    headline = t('quotaViews.runway.underDay');
  } else {
    headline = t('quotaViews.runway.days', { days: days(runway.daysLeft) });
    const low = runway.daysLeftLow === null ? null : days(runway.daysLeftLow);
    const high =
      runway.daysLeftHigh === null ? null : days(runway.daysLeftHigh);
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
      <Typography variant="caption" color="textSecondary">
        {runway.daysLeft === null
          ? source
          : `${t('quotaViews.runway.burn', {
              amount: format.money(runway.dailyBurn),
            })} · ${source}`}
      </Typography>
    </div>
  );
}
