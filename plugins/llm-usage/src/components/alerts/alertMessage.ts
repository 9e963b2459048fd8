import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { Alert } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useFormatters } from '../../hooks';
import { llmUsageTranslationRef } from '../../translation';

/**
 * The alert's message in the viewer's language, from its type and params:
 * the backend stores values, never sentences.
 */
export function useAlertMessage(): (alert: Alert) => string {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
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
