import {
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';
import { Progress } from '@backstage/core-components';
import {
  alertApiRef,
  useApi,
  useTranslationRef,
} from '@backstage/frontend-plugin-api';
import {
  DIGEST_CADENCES,
  type DigestCadence,
  type DigestPreferences,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { useDigestPreferences } from '../../hooks/quota';
import { llmUsageTranslationRef } from '../../translation';
import { QueryErrorPanel, SectionCard } from '../common';

/** Weekly and monthly digest switches for the viewer and their teams. */
export function DigestPreferencesCard() {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const api = useApi(llmUsageApiRef);
  const alertApi = useApi(alertApiRef);
  const preferences = useDigestPreferences();

  const toggle = async (
    item: DigestPreferences,
    cadence: DigestCadence,
    enabled: boolean,
  ) => {
    try {
      await api.updateDigestPreferences({
        ownerRef: item.ownerRef,
        [cadence]: enabled,
      });
      preferences.retry();
    } catch (error) {
      alertApi.post({
        message: t('budgetSettings.digests.saveFailed', {
          error: error instanceof Error ? error.message : String(error),
        }),
        severity: 'error',
      });
    }
  };

  let body;
  if (preferences.error) {
    body = (
      <QueryErrorPanel error={preferences.error} onRetry={preferences.retry} />
    );
  } else if (!preferences.value) {
    body = <Progress />;
  } else {
    body = (
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>{t('budgetSettings.digests.owner')}</TableCell>
            <TableCell>{t('budgetSettings.digests.weekly')}</TableCell>
            <TableCell>{t('budgetSettings.digests.monthly')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {preferences.value.items.map(item => (
            <TableRow key={item.ownerRef}>
              <TableCell>{item.ownerRef}</TableCell>
              {DIGEST_CADENCES.map(cadence => (
                <TableCell key={cadence}>
                  <Switch
                    color="primary"
                    checked={item[cadence]}
                    onChange={(_e, checked) => toggle(item, cadence, checked)}
                    inputProps={{
                      'aria-label': `${item.ownerRef} ${t(
                        `budgetSettings.digests.${cadence}`,
                      )}`,
                    }}
                  />
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <SectionCard
      title={t('budgetSettings.digests.title')}
      subheader={t('budgetSettings.digests.description')}
      busy={preferences.loading && Boolean(preferences.value)}
    >
      {body}
    </SectionCard>
  );
}
