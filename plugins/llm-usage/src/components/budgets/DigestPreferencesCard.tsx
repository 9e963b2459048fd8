import { Switch, TableCell, TableRow } from '@material-ui/core';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  DIGEST_CADENCES,
  type DigestCadence,
  type DigestPreferences,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { errorMessage, useNotify, useLocalization } from '../../hooks';
import { useDigestPreferences } from '../../hooks/quota';
import { DataTable, QuerySectionCard, titledColumns } from '../common';

/** Weekly and monthly digest switches for the viewer and their teams. */
export function DigestPreferencesCard() {
  const { t } = useLocalization();
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

  return (
    <QuerySectionCard
      title={t('budgetSettings.digests.title')}
      subheader={t('budgetSettings.digests.description')}
      query={preferences}
    >
      {value => (
        <DataTable
          columns={titledColumns(['owner', ...DIGEST_CADENCES], column =>
            t(`budgetSettings.digests.${column}`),
          )}
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
    </QuerySectionCard>
  );
}
