import type { AlertRecord } from '../alerts/types';

/*
 * English text for channels that cannot translate on the reader's side:
 * Backstage notifications (and the e-mails made from them) and webhooks.
 * The in-app alert list formats the same params in the viewer's language.
 */

const TARGET_NOUNS: Record<AlertRecord['target']['type'], string> = {
  key: 'Key',
  account: 'Account',
  project: 'Project',
  budget: 'Budget',
  system: 'LLM Usage',
};

function plural(count: number | string | null, unit: string) {
  return `${count} ${unit}${Number(count) === 1 ? '' : 's'}`;
}

/** One line describing the alert, e.g. `Key "ci-bot" expires in 3 days`. */
export function describeAlert(alert: AlertRecord): string {
  const p = alert.params;
  const name = `${TARGET_NOUNS[alert.target.type]} "${
    alert.target.name ?? alert.target.id
  }"`;
  switch (alert.type) {
    case 'key_expiring':
      return Number(p.thresholdDays) === 0
        ? `${name} has expired`
        : `${name} expires in ${plural(p.daysLeft, 'day')} (${String(
            p.expiresAt ?? '',
          ).slice(0, 10)})`;
    case 'low_balance':
      return `${name} has a balance of ${p.available} ${p.currency}, below ${p.threshold} ${p.currency}`;
    case 'high_usage':
      if (p.metric === 'budgetPercent') {
        return `${name} is at ${p.value}% of its ${p.month} amount (alert at ${p.threshold}%)`;
      }
      if (p.metric === 'tokens') {
        return `${name} used ${p.value} tokens in ${p.month}, over ${p.threshold}`;
      }
      return `${name} spent ${p.value} ${p.currency} in ${p.month}, over ${p.threshold} ${p.currency}`;
    case 'key_error':
      if (p.reason === 'sync_failed') {
        return `${name} failed to sync${p.error ? `: ${p.error}` : ''}`;
      }
      if (p.reason === 'disabled') {
        return `${name} is disabled at the provider`;
      }
      return `${name} is in error at the provider${
        p.error ? `: ${p.error}` : ''
      }`;
    case 'budget_runway':
      return `${name} lasts about ${plural(
        p.daysLeft,
        'day',
      )} at the recent burn rate (${p.remaining} ${
        p.currency
      } left; alert under ${plural(p.thresholdDays, 'day')})`;
    case 'rollup_failed':
      return `The hourly rollup cannot roll ${plural(
        p.hours,
        'hour',
      )} of calls, the oldest ${p.firstHour}${
        p.error ? ` (${p.error})` : ''
      }; those hours are read from raw calls and retried every run`;
    default:
      return `${name}: ${alert.type}`;
  }
}

const TITLES: Record<AlertRecord['type'], string> = {
  key_expiring: 'API key expiring',
  low_balance: 'Low balance',
  high_usage: 'High usage',
  key_error: 'Key or account in error',
  budget_runway: 'Budget running out',
  rollup_failed: 'Rollup failing',
};

export function alertTitle(alert: AlertRecord): string {
  return `LLM Usage: ${TITLES[alert.type]}`;
}

/** The app path of the alert on the Alerts page. */
export function alertLink(alert: AlertRecord): string {
  return `/llm-usage/alerts?alert=${encodeURIComponent(alert.id)}`;
}
