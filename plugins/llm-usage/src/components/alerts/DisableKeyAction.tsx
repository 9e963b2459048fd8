import { useState } from 'react';
import { Box, Button, Typography, makeStyles } from '@material-ui/core';
import { Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { llmUsageKeyManagePermission } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import {
  notifyAlertsChanged,
  usePolledQuery,
  useLocalization,
} from '../../hooks';
import { ActionDialog, QueryErrorPanel } from '../common';

const useStyles = makeStyles(theme => ({
  box: {
    marginTop: theme.spacing(2),
    display: 'grid',
    gap: theme.spacing(1),
    justifyItems: 'start',
  },
}));

/**
 * "Disable key at the provider" for an anomaly on a key: shown to whoever
 * may manage the key (the server checks again and audits it), and
 * explained instead where the provider has no API to disable keys.
 */
export function DisableKeyAction(props: { keyId: string }) {
  const { keyId } = props;
  const { t } = useLocalization();
  const classes = useStyles();
  const api = useApi(llmUsageApiRef);
  const alertApi = useApi(alertApiRef);
  const permission = usePermission({
    permission: llmUsageKeyManagePermission,
    resourceRef: keyId,
  });
  const key = usePolledQuery(
    signal => api.getKey(keyId, { signal }),
    `alert-key:${keyId}`,
  );
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  if (key.error) {
    return <QueryErrorPanel error={key.error} onRetry={key.retry} />;
  }
  if (!key.value || permission.loading) return <Progress />;
  const apiKey = key.value;

  let reason: string | undefined;
  if (apiKey.status === 'disabled') {
    reason = t('alerts.anomaly.alreadyDisabled');
  } else if (!apiKey.capabilities.setEnabledAtProvider) {
    reason = t('alerts.anomaly.notSupported', {
      account: apiKey.accountName,
      provider: apiKey.provider,
    });
  } else if (!permission.allowed) {
    reason = t('alerts.anomaly.notAllowed');
  }

  const disable = async () => {
    setBusy(true);
    try {
      await api.disableKey(keyId);
      alertApi.post({
        message: t('alerts.anomaly.disabled', { name: apiKey.name }),
        severity: 'success',
        display: 'transient',
      });
      notifyAlertsChanged();
      key.retry();
    } catch (error) {
      alertApi.post({
        message: t('alerts.anomaly.disableFailed', {
          message: (error as Error).message,
        }),
        severity: 'error',
      });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <Box className={classes.box} data-testid="disable-key-action">
      <Button
        variant="contained"
        color="secondary"
        disabled={reason !== undefined || busy}
        onClick={() => setConfirming(true)}
      >
        {t('alerts.anomaly.disable')}
      </Button>
      {reason && (
        <Typography variant="body2" color="textSecondary">
          {reason}
        </Typography>
      )}
      <ActionDialog
        open={confirming}
        title={t('alerts.anomaly.disable')}
        onClose={() => setConfirming(false)}
        confirm={{
          label: t('alerts.anomaly.confirmDisable'),
          onClick: disable,
          disabled: busy,
          destructive: true,
        }}
      >
        <Typography variant="body2">
          {t('alerts.anomaly.confirmText', { name: apiKey.name })}
        </Typography>
      </ActionDialog>
    </Box>
  );
}
