import { useState } from 'react';
import {
  Box,
  Button,
  TextField,
  Typography,
  makeStyles,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import type {
  ApiKey,
  RotateKeyResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { usePolledQuery, useLocalization } from '../../hooks';
import { ActionDialog, DialogFields, QueryErrorPanel } from '../common';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
  stack: { display: 'grid', gap: theme.spacing(1) },
}));

const DEFAULT_GRACE_DAYS = '7';

/**
 * A key's rotation: its policy (rotate every so many days; reminders come
 * from the key_rotation_due alert rule), when it is due, and a guided
 * rotate that creates the replacement at the provider, shows its secret
 * once and keeps the old key for a grace period.
 */
export function KeyRotationSection(props: {
  apiKey: ApiKey;
  canManage: boolean;
  onChanged: () => void;
}) {
  const { apiKey, canManage, onChanged } = props;
  const { t, format } = useLocalization();
  const classes = useStyles();
  const api = useApi(llmUsageApiRef);
  const alertApi = useApi(alertApiRef);
  const state = usePolledQuery(
    signal => api.getKeyRotation(apiKey.id, { signal }),
    `key-rotation:${apiKey.id}:${apiKey.updatedAt}`,
  );
  const [policy, setPolicy] = useState<string | undefined>();
  const [rotating, setRotating] = useState(false);
  const [graceDays, setGraceDays] = useState(DEFAULT_GRACE_DAYS);
  const [busy, setBusy] = useState(false);
  const [rotated, setRotated] = useState<RotateKeyResponse | undefined>();

  if (state.error) {
    return <QueryErrorPanel error={state.error} onRetry={state.retry} />;
  }
  if (!state.value) return <Progress />;
  const rotation = state.value;
  const policyText = policy ?? rotation.maxAgeDays?.toString() ?? '';
  const policyValid =
    /^\d*$/.test(policyText.trim()) && policyText.trim() !== '0';
  const graceValid = /^\d+$/.test(graceDays.trim()) && Number(graceDays) <= 90;
  const replacing = rotation.rotations.find(
    item => item.oldKeyId === apiKey.id && item.status === 'grace',
  );

  const failed = (error: Error) =>
    alertApi.post({
      message: t('keyRotation.failed', { message: error.message }),
      severity: 'error',
    });
  const savePolicy = async () => {
    setBusy(true);
    try {
      const trimmed = policyText.trim();
      await api.setKeyRotationPolicy(
        apiKey.id,
        trimmed === '' ? null : Number(trimmed),
      );
      alertApi.post({
        message: t('keyRotation.policySaved'),
        severity: 'success',
        display: 'transient',
      });
      setPolicy(undefined);
      state.retry();
    } catch (error) {
      failed(error as Error);
    } finally {
      setBusy(false);
    }
  };
  const rotate = async () => {
    setBusy(true);
    try {
      setRotated(
        await api.rotateKey(apiKey.id, { graceDays: Number(graceDays) }),
      );
      setRotating(false);
      state.retry();
    } catch (error) {
      failed(error as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box className={classes.stack} data-testid="key-rotation">
      <Typography variant="body2">
        {rotation.dueAt
          ? t('keyRotation.due', { date: format.dateTime(rotation.dueAt) })
          : t('keyRotation.noPolicy')}
      </Typography>
      <Box className={classes.row}>
        <TextField
          id={`rotation-policy-${apiKey.id}`}
          size="small"
          label={t('keyRotation.policy')}
          helperText={
            policyValid ? t('keyRotation.policyHelp') : t('keyRotation.invalid')
          }
          error={!policyValid}
          value={policyText}
          disabled={!canManage || busy}
          inputProps={{ inputMode: 'numeric' }}
          onChange={e => setPolicy(e.target.value)}
        />
        {canManage && (
          <Button
            variant="outlined"
            disabled={busy || !policyValid || policy === undefined}
            onClick={savePolicy}
          >
            {t('keyRotation.savePolicy')}
          </Button>
        )}
      </Box>
      {replacing && (
        <Alert severity="info">
          {t('keyRotation.replacing', {
            date: format.dateTime(replacing.graceEndsAt),
          })}
          {replacing.lastUsedAt &&
            ` ${t('keyRotation.lastUsed', {
              time: format.dateTime(replacing.lastUsedAt),
            })}`}
        </Alert>
      )}
      {!rotation.canRotate && (
        <Typography variant="body2" color="textSecondary">
          {t('keyRotation.cannotRotate')}
        </Typography>
      )}
      {canManage && rotation.canRotate && !replacing && (
        <Box>
          <Button
            variant="contained"
            color="primary"
            onClick={() => setRotating(true)}
          >
            {t('keyRotation.rotate')}
          </Button>
        </Box>
      )}
      <ActionDialog
        open={rotating}
        size="sm"
        title={t('keyRotation.rotateTitle', { name: apiKey.name })}
        onClose={() => setRotating(false)}
        confirm={{
          label: t('keyRotation.confirm'),
          onClick: rotate,
          disabled: busy || !graceValid,
        }}
      >
        <DialogFields>
          <Typography variant="body2">{t('keyRotation.rotateHelp')}</Typography>
          <TextField
            id={`rotation-grace-${apiKey.id}`}
            label={t('keyRotation.graceDays')}
            value={graceDays}
            error={!graceValid}
            helperText={graceValid ? ' ' : t('keyRotation.invalidGrace')}
            inputProps={{ inputMode: 'numeric' }}
            onChange={e => setGraceDays(e.target.value)}
          />
        </DialogFields>
      </ActionDialog>
      <ActionDialog
        open={rotated !== undefined}
        size="sm"
        title={t('keyRotation.createdTitle')}
        cancelLabel={t('keyRotation.done')}
        onClose={() => {
          setRotated(undefined);
          onChanged();
        }}
      >
        <DialogFields>
          <Typography variant="body2">
            {t('keyRotation.created', {
              name: rotated?.created.key.name ?? '',
            })}
          </Typography>
          <TextField
            id={`rotation-secret-${apiKey.id}`}
            label={t('keyRotation.secret')}
            value={rotated?.created.secret ?? ''}
            InputProps={{ readOnly: true }}
            onFocus={e => e.target.select()}
          />
        </DialogFields>
      </ActionDialog>
    </Box>
  );
}
