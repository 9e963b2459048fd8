import type { AlertRecord } from '../alerts/types';
import { translatorFor, type Translator } from '../i18n';

/*
 * Alert texts for channels that cannot translate on the reader's side:
 * Backstage notifications (and the e-mails made from them) and webhooks,
 * written in the recipient's language. Amounts, counts and dates are
 * formatted for that language; the alert's params stay raw in payloads.
 * The in-app alert list formats the same params in the viewer's language.
 */

const ENGLISH = translatorFor('en');

/** One line describing the alert, e.g. `Key "ci-bot" expires in 3 days (…)`. */
export function describeAlert(
  alert: AlertRecord,
  tr: Translator = ENGLISH,
): string {
  const p = alert.params;
  const m = tr.messages.alerts;
  const name = tr.fill(tr.messages.namedTarget, {
    target: tr.messages.targets[alert.target.type],
    name: alert.target.name ?? alert.target.id,
  });
  const money = (amount: unknown) =>
    tr.money(String(amount ?? 0), String(p.currency ?? ''));
  const days = (count: unknown) =>
    tr.plural(tr.messages.units.days, Number(count));
  const detail = (text: string) =>
    p.error
      ? `${text}${tr.fill(m.errorDetail, { error: String(p.error) })}`
      : text;
  switch (alert.type) {
    case 'key_expiring':
      return Number(p.thresholdDays) === 0
        ? tr.fill(m.keyExpired, { name })
        : tr.fill(m.keyExpiring, {
            name,
            days: days(p.daysLeft),
            date: tr.day(Date.parse(String(p.expiresAt))),
          });
    case 'low_balance':
      return tr.fill(m.lowBalance, {
        name,
        available: money(p.available),
        threshold: money(p.threshold),
      });
    case 'high_usage': {
      const month = tr.month(String(p.month ?? ''));
      if (p.metric === 'budgetPercent') {
        return tr.fill(m.budgetPercent, {
          name,
          month,
          value: tr.percent(Number(p.value) / 100),
          threshold: tr.percent(Number(p.threshold) / 100),
        });
      }
      if (p.metric === 'tokens') {
        return tr.fill(m.tokensOver, {
          name,
          month,
          value: tr.integer(Number(p.value)),
          threshold: tr.integer(Number(p.threshold)),
        });
      }
      return tr.fill(m.spendOver, {
        name,
        month,
        value: money(p.value),
        threshold: money(p.threshold),
      });
    }
    case 'key_error':
      if (p.reason === 'sync_failed') {
        return detail(tr.fill(m.syncFailed, { name }));
      }
      if (p.reason === 'disabled') {
        return tr.fill(m.disabled, { name });
      }
      return detail(tr.fill(m.keyError, { name }));
    case 'budget_runway':
      return tr.fill(m.budgetRunway, {
        name,
        days: days(p.daysLeft),
        remaining: money(p.remaining),
        threshold: days(p.thresholdDays),
      });
    case 'rollup_failed': {
      const text = tr.fill(m.rollupFailed, {
        hours: tr.plural(tr.messages.units.hours, Number(p.hours)),
        firstHour: tr.time(Date.parse(String(p.firstHour))),
      });
      return p.error ? `${text} (${p.error})` : text;
    }
    case 'reconciliation_gap':
      return tr.fill(m.reconciliationGap, {
        name,
        days: days(p.days),
        from: tr.day(Date.parse(`${p.from}T00:00:00Z`)),
        to: tr.day(Date.parse(`${p.to}T00:00:00Z`)),
        tolerance: tr.percent(Number(p.tolerancePercent) / 100),
        providerCost: money(p.providerCost),
        recordedCost: money(p.recordedCost),
      });
    case 'anomaly':
      return describeAnomaly(alert, tr, name);
    case 'key_rotation_due': {
      const values = {
        name,
        days: days(p.daysLeft),
        date: tr.day(Date.parse(String(p.dueAt))),
        maxAge: days(p.maxAgeDays),
      };
      return Number(p.thresholdDays) === 0
        ? tr.fill(m.rotationOverdue, values)
        : tr.fill(m.rotationDue, values);
    }
    case 'slo_burn_rate':
      return describeSloBurn(alert, tr, name);
    default:
      return tr.fill(m.other, { name, type: alert.type });
  }
}

/** An anomaly with its evidence: the hour, the value, its usual level and the score. */
function describeAnomaly(
  alert: AlertRecord,
  tr: Translator,
  name: string,
): string {
  const p = alert.params;
  const m = tr.messages.alerts;
  const calls = (count: unknown) =>
    tr.plural(tr.messages.units.calls, Number(count));
  const at = tr.time(Date.parse(String(p.at)));
  const score = tr.integer(Math.round(Number(p.score)));
  switch (p.kind) {
    case 'request_spike':
      return tr.fill(m.anomalyRequestSpike, {
        name,
        at,
        score,
        value: calls(p.value),
        baseline: tr.integer(Number(p.baseline)),
      });
    case 'token_spike':
      return tr.fill(m.anomalyTokenSpike, {
        name,
        at,
        score,
        value: tr.integer(Number(p.value)),
        baseline: tr.integer(Number(p.baseline)),
      });
    case 'spend_spike': {
      const money = (amount: unknown) =>
        tr.money(String(amount ?? 0), String(p.currency ?? ''));
      return tr.fill(m.anomalySpendSpike, {
        name,
        at,
        score,
        value: money(p.value),
        baseline: money(p.baseline),
      });
    }
    case 'new_model':
      return tr.fill(m.anomalyNewModel, {
        name,
        at,
        model: String(p.model),
        known: String(p.knownModels),
      });
    case 'off_hours':
      return tr.fill(m.anomalyOffHours, { name, at, value: calls(p.value) });
    default:
      return tr.fill(m.anomalyLeakedKey, {
        name,
        day: tr.day(Date.parse(String(p.at))),
        requests: calls(p.providerRequests),
      });
  }
}

/** The notification title, e.g. `LLM Usage: Low balance`. */
export function alertTitle(
  alert: AlertRecord,
  tr: Translator = ENGLISH,
): string {
  return tr.fill(tr.messages.titlePrefix, {
    title: tr.messages.titles[alert.type],
  });
}

/** The app path of the alert on the Alerts page. */
export function alertLink(alert: AlertRecord): string {
  return `/llm-usage/alerts?alert=${encodeURIComponent(alert.id)}`;
}

/** A burning SLO: how much of its error budget the long window spent, and what is left. */
function describeSloBurn(
  alert: AlertRecord,
  tr: Translator,
  name: string,
): string {
  const p = alert.params;
  const metric = String(p.metric) as keyof Translator['messages']['sloMetrics'];
  const threshold =
    metric === 'errorRate'
      ? tr.percent(Number(p.threshold))
      : `${tr.integer(Number(p.threshold))} ms`;
  // A burn rate r over h hours spends r × h / window hours of the budget.
  const spent =
    (Number(p.longBurnRate) * Number(p.longHours)) /
    (Number(p.windowDays) * 24);
  return tr.fill(tr.messages.alerts.sloBurnRate, {
    name,
    metric: tr.messages.sloMetrics[metric] ?? metric,
    target: tr.percent(Number(p.target)),
    threshold,
    window: tr.plural(tr.messages.units.days, Number(p.windowDays)),
    spent: tr.percent(spent),
    hours: tr.plural(tr.messages.units.hours, Number(p.longHours)),
    left: tr.percent(Number(p.budgetRemaining ?? 0)),
  });
}
