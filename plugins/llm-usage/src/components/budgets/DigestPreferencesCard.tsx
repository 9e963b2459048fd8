import { Switch, TableCell, TableRow } from '@material-ui/core';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import {
  DIGEST_CADENCES,
  type DigestCadence,
  type DigestPreferences,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { errorMessage, useNotify } from '../../hooks';
import { useDigestPreferences } from '../../hooks/quota';
import { llmUsageTranslationRef } from '../../translation';
import { DataTable, QueryContent, SectionCard } from '../common';

/** Weekly and monthly digest switches for the viewer and their teams. */
export function DigestPreferencesCard() {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
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
      notify.error(
        t('budgetSettings.digests.saveFailed', { error: errorMessage(error) }),
      );
    }
  };

  const body = (
    <QueryContent query={preferences}>
      {value => (
        <DataTable
          columns={[
            { label: t('budgetSettings.digests.owner') },
            { label: t('budgetSettings.digests.weekly') },
            { label: t('budgetSettings.digests.monthly') },
          ]}
        >
          {value.items.map(item => (
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
        </DataTable>
      )}
    </QueryContent>
  );

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
