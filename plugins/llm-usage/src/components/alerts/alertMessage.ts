import type {
  Alert,
  SloMetric,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { useLocalization } from '../../hooks';

/**
 * The alert's message in the viewer's language, from its type and params:
 * the backend stores values, never sentences.
 */
export function useAlertMessage(): (alert: Alert) => string {
  const { t, format } = useLocalization();
  /** A finding and its evidence in a sentence; the drawer charts the series. */
  const anomalyMessage = (alert: Alert) => {
    const p = alert.params;
    const values = {
      target: t(`alerts.targets.${alert.target.type}`),
      name: alert.target.name ?? alert.target.id,
      at: format.dateTime(String(p.at)),
      value: format.integer(Number(p.value)),
      baseline: format.integer(Number(p.baseline)),
      score: format.compact(Number(p.score)),
    };
    switch (p.kind) {
      case 'request_spike':
        return t('alerts.anomaly.requestSpike', values);
      case 'token_spike':
        return t('alerts.anomaly.tokenSpike', values);
      case 'spend_spike': {
        const currency = String(p.currency);
        return t('alerts.anomaly.spendSpike', {
          ...values,
          value: format.money({ currency, amount: String(p.value) }),
          baseline: format.money({ currency, amount: String(p.baseline) }),
        });
      }
      case 'new_model':
        return t('alerts.anomaly.newModel', {
          ...values,
          model: String(p.model),
          known: String(p.knownModels),
        });
      case 'off_hours':
        return t('alerts.anomaly.offHours', values);
      default:
        return t('alerts.anomaly.leakedKey', {
          ...values,
          day: format.shortDateTime(String(p.at)),
          requests: format.integer(Number(p.providerRequests)),
        });
    }
  };
  return alert => {
    const p = alert.params;
    const name = alert.target.name ?? alert.target.id;
    const text = (value: unknown) => (value === null ? '' : String(value));
    switch (alert.type) {
      case 'key_expiring':
        return Number(p.thresholdDays) === 0
          ? t('alerts.messages.keyExpired', { name })
          : t('alerts.messages.keyExpiring', {
              name,
              days: text(p.daysLeft),
              date: format.shortDateTime(text(p.expiresAt)),
            });
      case 'low_balance':
        return t('alerts.messages.lowBalance', {
          name,
          available: text(p.available),
          threshold: text(p.threshold),
          currency: text(p.currency),
        });
      case 'high_usage': {
        const values = {
          name,
          target: t(`alerts.targets.${alert.target.type}`),
          value: text(p.value),
          threshold: text(p.threshold),
          currency: text(p.currency),
          month: text(p.month),
        };
        if (p.metric === 'budgetPercent') {
          return t('alerts.messages.budgetPercent', values);
        }
        return p.metric === 'tokens'
          ? t('alerts.messages.tokens', {
              ...values,
              value: format.integer(Number(p.value)),
              threshold: format.integer(Number(p.threshold)),
            })
          : t('alerts.messages.spend', values);
      }
      case 'key_error':
        if (p.reason === 'sync_failed') {
          return t('alerts.messages.syncFailed', { name });
        }
        return p.reason === 'disabled'
          ? t('alerts.messages.keyDisabled', { name })
          : t('alerts.messages.keyError', { name });
      case 'budget_runway':
        return t('alerts.messages.budgetRunway', {
          name,
          days: text(p.daysLeft),
          remaining: text(p.remaining),
          currency: text(p.currency),
        });
      case 'rollup_failed':
        return t('alerts.messages.rollupFailed', {
          hours: text(p.hours),
          hour: format.dateTime(text(p.firstHour)),
        });
      case 'anomaly':
        return anomalyMessage(alert);
      case 'key_rotation_due': {
        const values = {
          name,
          days: text(p.daysLeft),
          maxAge: text(p.maxAgeDays),
          date: format.shortDateTime(text(p.dueAt)),
        };
        return Number(p.thresholdDays) === 0
          ? t('alerts.anomaly.rotationOverdue', values)
          : t('alerts.anomaly.rotationDue', values);
      }
      case 'slo_burn_rate':
        return t('alerts.messages.sloBurnRate', {
          name,
          metric: t(`slo.metrics.${p.metric as SloMetric}`),
          rate: format.compact(Number(p.longBurnRate)),
          hours: text(p.longHours),
          left: format.percent(
            p.budgetRemaining === null ? null : Number(p.budgetRemaining),
          ),
        });
      case 'reconciliation_gap': {
        const currency = text(p.currency);
        return t('alerts.messages.reconciliationGap', {
          name,
          days: text(p.days),
          tolerance: format.percent(Number(p.tolerancePercent) / 100),
          reported: format.money({ currency, amount: text(p.providerCost) }),
          recorded: format.money({ currency, amount: text(p.recordedCost) }),
        });
      }
      default:
        return name;
    }
  };
}
