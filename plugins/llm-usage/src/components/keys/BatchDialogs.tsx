import { useState } from 'react';
import {
  Box,
  Checkbox,
  DialogContentText,
  FormControlLabel,
  TableCell,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import InfoIcon from '@material-ui/icons/Info';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type {
  ApiKey,
  KeyBatchAction,
  KeyBatchResult,
  KeyTag,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { providerDisplayName } from '../../lib/providerNames';
import { ActionDialog, DataTable } from '../common';
import { TagChip } from './KeyChips';
import { EntityPicker } from './OwnerPicker';

const useStyles = makeStyles(theme => ({
  list: {
    maxHeight: 360,
    overflowY: 'auto',
  },
  outcome: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
  ok: { color: theme.palette.success.main },
  failed: { color: theme.palette.error.main },
  local: { color: theme.palette.info.main },
  tags: {
    display: 'flex',
    flexDirection: 'column',
  },
}));

/** What a finished batch action did, per key. */
export interface BatchReport {
  action: KeyBatchAction | 'export';
  results: KeyBatchResult[];
  /** Key names and providers by id, for rows the page no longer shows. */
  keys: Map<string, Pick<ApiKey, 'id' | 'name' | 'provider'>>;
}

/**
 * The per-key outcome of a batch action: nothing is skipped silently, every
 * key is listed with what happened to it.
 */
export function BatchResultDialog(props: {
  report?: BatchReport;
  onClose: () => void;
}) {
  const { report, onClose } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(llmUsageTranslationRef);
  if (!report) {
    return null;
  }
  const succeeded = report.results.filter(r => r.ok).length;
  const failed = report.results.length - succeeded;
  // Failures first: they are what the user has to act on.
  const rows = [...report.results].sort((a, b) => Number(a.ok) - Number(b.ok));
  return (
    <ActionDialog
      size="md"
      onClose={onClose}
      title={t('keyWorkspace.report.title', {
        action: t(`keyWorkspace.batch.actions.${report.action}`),
      })}
    >
      <DialogContentText data-testid="batch-summary">
        {t('keyWorkspace.report.summary', {
          succeeded: String(succeeded),
          failed: String(failed),
        })}
      </DialogContentText>
      <DataTable
        containerClassName={classes.list}
        testId="batch-report"
        columns={[
          { label: t('keyWorkspace.columns.name') },
          { label: t('keyWorkspace.columns.provider') },
          { label: t('keyWorkspace.report.outcome') },
          { label: t('keyWorkspace.report.details') },
        ]}
      >
        {rows.map(result => {
          const key = report.keys.get(result.keyId);
          let outcome;
          if (!result.ok) {
            outcome = (
              <span className={`${classes.outcome} ${classes.failed}`}>
                <ErrorIcon fontSize="small" />
                {t('keyWorkspace.report.failed')}
              </span>
            );
          } else if (result.localOnly) {
            outcome = (
              <span className={`${classes.outcome} ${classes.local}`}>
                <InfoIcon fontSize="small" />
                {t('keyWorkspace.report.localOnly')}
              </span>
            );
          } else {
            outcome = (
              <span className={`${classes.outcome} ${classes.ok}`}>
                <CheckCircleIcon fontSize="small" />
                {t('keyWorkspace.report.succeeded')}
              </span>
            );
          }
          return (
            <TableRow
              key={result.keyId}
              data-testid={`report-row-${result.keyId}`}
            >
              <TableCell>{key?.name ?? result.keyId}</TableCell>
              <TableCell>{key?.provider ?? t('common.none')}</TableCell>
              <TableCell>{outcome}</TableCell>
              <TableCell>
                {result.error ??
                  (result.localOnly
                    ? t('keyWorkspace.report.localOnlyDetail')
                    : '')}
              </TableCell>
            </TableRow>
          );
        })}
      </DataTable>
    </ActionDialog>
  );
}

/** Lists every key a delete will affect, and where each is deleted. */
export function DeleteKeysDialog(props: {
  keys: ApiKey[];
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { keys, busy, onConfirm, onCancel } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return (
    <ActionDialog
      size="md"
      onClose={onCancel}
      title={t('keyWorkspace.delete.title', { count: keys.length })}
      confirm={{
        label: t('keyWorkspace.delete.confirm', { count: keys.length }),
        destructive: true,
        disabled: busy || keys.length === 0,
        onClick: onConfirm,
      }}
    >
      <DialogContentText>{t('keyWorkspace.delete.warning')}</DialogContentText>
      <DataTable
        containerClassName={classes.list}
        testId="delete-list"
        columns={[
          { label: t('keyWorkspace.columns.name') },
          { label: t('keyWorkspace.columns.provider') },
          { label: t('keyWorkspace.columns.account') },
          { label: t('keyWorkspace.delete.where') },
        ]}
      >
        {keys.map(key => (
          <TableRow key={key.id}>
            <TableCell>{key.name}</TableCell>
            <TableCell>{providerDisplayName(key.provider)}</TableCell>
            <TableCell>{key.accountName}</TableCell>
            <TableCell>
              {key.capabilities.deleteAtProvider
                ? t('keyWorkspace.delete.atProvider')
                : t('keyWorkspace.delete.localOnly')}
            </TableCell>
          </TableRow>
        ))}
      </DataTable>
    </ActionDialog>
  );
}

/** Chooses the owner (a catalog Group or User) for the selected keys. */
export function AssignOwnerDialog(props: {
  count: number;
  busy: boolean;
  onConfirm: (ownerRef: string | null) => void;
  onCancel: () => void;
}) {
  const { count, busy, onConfirm, onCancel } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const [owner, setOwner] = useState<string | null>(null);
  return (
    <ActionDialog
      size="sm"
      onClose={onCancel}
      title={t('keyWorkspace.assign.title', { count })}
      confirm={{
        label: t('keyWorkspace.assign.confirm'),
        disabled: busy || !owner,
        onClick: () => onConfirm(owner),
      }}
    >
      <EntityPicker
        name="assign-owner"
        label={t('keyWorkspace.assign.owner')}
        value={owner}
        onChange={setOwner}
      />
    </ActionDialog>
  );
}

/** Chooses tags to add to or remove from the selected keys. */
export function BatchTagsDialog(props: {
  mode: 'addTags' | 'removeTags';
  count: number;
  tags: KeyTag[];
  busy: boolean;
  onConfirm: (tagIds: string[]) => void;
  onCancel: () => void;
}) {
  const { mode, count, tags, busy, onConfirm, onCancel } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const [chosen, setChosen] = useState<string[]>([]);
  const toggle = (id: string) =>
    setChosen(current =>
      current.includes(id) ? current.filter(c => c !== id) : [...current, id],
    );
  return (
    <ActionDialog
      size="xs"
      onClose={onCancel}
      title={t(
        mode === 'addTags'
          ? 'keyWorkspace.tagsDialog.addTitle'
          : 'keyWorkspace.tagsDialog.removeTitle',
        { count },
      )}
      confirm={{
        label: t('keyWorkspace.tagsDialog.confirm'),
        disabled: busy || chosen.length === 0,
        onClick: () => onConfirm(chosen),
      }}
    >
      {tags.length === 0 && (
        <Typography color="textSecondary">
          {t('keyWorkspace.tagsDialog.none')}
        </Typography>
      )}
      <Box className={classes.tags}>
        {tags.map(tag => (
          <FormControlLabel
            key={tag.id}
            control={
              <Checkbox
                checked={chosen.includes(tag.id)}
                onChange={() => toggle(tag.id)}
                inputProps={{ 'aria-label': tag.name }}
              />
            }
            label={<TagChip tag={tag} />}
          />
        ))}
      </Box>
    </ActionDialog>
  );
}
