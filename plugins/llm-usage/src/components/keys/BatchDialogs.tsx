import { ReactNode, useState } from 'react';
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
import type {
  ApiKey,
  KeyBatchAction,
  KeyBatchResult,
  KeyTag,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { providerDisplayName } from '../../lib/providerNames';
import { ActionDialog, DataTable } from '../common';
import { TagChip } from './KeyChips';
import { EntityPicker } from './OwnerPicker';
import { useLocalization } from '../../hooks';

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
  succeeded: { color: theme.palette.success.main },
  failed: { color: theme.palette.error.main },
  localOnly: { color: theme.palette.info.main },
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

/** A row of {@link BatchKeysTable}: a key and what the dialog says of it. */
interface BatchKeyRow {
  id: string;
  name: string;
  provider: string;
  /** The cells of the last two columns. */
  cells: [ReactNode, ReactNode];
  testId?: string;
}

/**
 * The keys a batch action touches, one row each with their name and
 * provider, scrolling inside the dialog when there are many.
 */
function BatchKeysTable(props: {
  testId: string;
  /** The titles of the last two columns. */
  columns: [string, string];
  rows: BatchKeyRow[];
}) {
  const classes = useStyles();
  const { t } = useLocalization();
  return (
    <DataTable
      containerClassName={classes.list}
      testId={props.testId}
      columns={[
        t('keyWorkspace.columns.name'),
        t('keyWorkspace.columns.provider'),
        ...props.columns,
      ].map(label => ({ label }))}
    >
      {props.rows.map(row => (
        <TableRow key={row.id} data-testid={row.testId}>
          <TableCell>{row.name}</TableCell>
          <TableCell>{row.provider}</TableCell>
          {row.cells.map((cell, index) => (
            <TableCell key={index}>{cell}</TableCell>
          ))}
        </TableRow>
      ))}
    </DataTable>
  );
}

const OUTCOME_ICONS = {
  failed: ErrorIcon,
  localOnly: InfoIcon,
  succeeded: CheckCircleIcon,
};

/** What a batch action did to one key, with an icon of its colour. */
function BatchOutcome(props: { result: KeyBatchResult }) {
  const { result } = props;
  const classes = useStyles();
  const { t } = useLocalization();
  let kind: keyof typeof OUTCOME_ICONS = 'succeeded';
  if (!result.ok) {
    kind = 'failed';
  } else if (result.localOnly) {
    kind = 'localOnly';
  }
  const Icon = OUTCOME_ICONS[kind];
  return (
    <span className={`${classes.outcome} ${classes[kind]}`}>
      <Icon fontSize="small" />
      {t(`keyWorkspace.report.${kind}`)}
    </span>
  );
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
  const { t } = useLocalization();
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
      <BatchKeysTable
        testId="batch-report"
        columns={[
          t('keyWorkspace.report.outcome'),
          t('keyWorkspace.report.details'),
        ]}
        rows={rows.map(result => {
          const key = report.keys.get(result.keyId);
          return {
            id: result.keyId,
            testId: `report-row-${result.keyId}`,
            name: key?.name ?? result.keyId,
            provider: key?.provider ?? t('common.none'),
            cells: [
              <BatchOutcome result={result} />,
              result.error ??
                (result.localOnly
                  ? t('keyWorkspace.report.localOnlyDetail')
                  : ''),
            ],
          };
        })}
      />
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
  const { t } = useLocalization();
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
      <BatchKeysTable
        testId="delete-list"
        columns={[
          t('keyWorkspace.columns.account'),
          t('keyWorkspace.delete.where'),
        ]}
        rows={keys.map(key => ({
          id: key.id,
          name: key.name,
          provider: providerDisplayName(key.provider),
          cells: [
            key.accountName,
            key.capabilities.deleteAtProvider
              ? t('keyWorkspace.delete.atProvider')
              : t('keyWorkspace.delete.localOnly'),
          ],
        }))}
      />
    </ActionDialog>
  );
}

/** Chooses the owner (a catalog Group or User) for the selected keys. */
export function AssignOwnerDialog({
  count,
  busy,
  onConfirm,
  onCancel,
}: {
  count: number;
  busy: boolean;
  onConfirm: (ownerRef: string | null) => void;
  onCancel: () => void;
}) {
  const { t } = useLocalization();
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
  const { t } = useLocalization();
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
