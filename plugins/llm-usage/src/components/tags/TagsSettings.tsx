import { useState } from 'react';
import {
  Box,
  Button,
  DialogContentText,
  TableCell,
  TableRow,
  TextField,
  makeStyles,
} from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import { Link } from '@backstage/core-components';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  TagWithStats,
  llmUsageAdminPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { llmUsageApiRef } from '../../api';
import { useFormatters, useNotifiedRun, useTags } from '../../hooks';
import {
  ActionDialog,
  CostLines,
  DataTable,
  IconAction,
  ItemListContent,
  SectionCard,
  useLlmUsagePaths,
} from '../common';
import { TagChip } from '../keys/KeyChips';
import { CostSourceChip } from '../common/CostSourceChip';

const useStyles = makeStyles(theme => ({
  swatches: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(2),
  },
  swatch: {
    width: 28,
    height: 28,
    borderRadius: '50%',
    border: `2px solid ${theme.palette.background.paper}`,
    cursor: 'pointer',
    padding: 0,
  },
  chosen: {
    outline: `2px solid ${theme.palette.text.primary}`,
  },
  fields: {
    display: 'grid',
    gap: theme.spacing(2),
    paddingTop: theme.spacing(1),
  },
}));

/** Colours offered for tags: distinct, and readable with white or black text. */
export const TAG_COLORS = [
  '#d32f2f',
  '#f57c00',
  '#fbc02d',
  '#388e3c',
  '#0097a7',
  '#1976d2',
  '#7b1fa2',
  '#5d4037',
  '#616161',
] as const;

const TAG_NAME_MAX = 64;

type Editing =
  | { mode: 'create' }
  | { mode: 'edit'; tag: TagWithStats }
  | { mode: 'delete'; tag: TagWithStats };

function TagDialog(props: {
  tag?: TagWithStats;
  busy: boolean;
  onSave: (name: string, color: string | null) => void;
  onCancel: () => void;
}) {
  const { tag, busy, onSave, onCancel } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const [name, setName] = useState(tag?.name ?? '');
  const [color, setColor] = useState<string | null>(
    tag ? tag.color : TAG_COLORS[5],
  );
  const trimmed = name.trim();
  return (
    <ActionDialog
      size="xs"
      onClose={onCancel}
      title={
        tag
          ? t('keyWorkspace.tags.editTitle')
          : t('keyWorkspace.tags.createTitle')
      }
      confirm={{
        label: t('keyWorkspace.detail.save'),
        disabled: busy || !trimmed,
        onClick: () => onSave(trimmed, color),
      }}
    >
      <Box className={classes.fields}>
        <TextField
          id="tag-name"
          label={t('keyWorkspace.tags.name')}
          variant="outlined"
          size="small"
          value={name}
          inputProps={{ maxLength: TAG_NAME_MAX }}
          onChange={e => setName(e.target.value)}
        />
        <TextField
          id="tag-color"
          label={t('keyWorkspace.tags.color')}
          variant="outlined"
          size="small"
          type="color"
          value={color ?? '#9e9e9e'}
          onChange={e => setColor(e.target.value)}
        />
      </Box>
      <Box className={classes.swatches} role="radiogroup">
        {TAG_COLORS.map(swatch => (
          <button
            type="button"
            key={swatch}
            role="radio"
            aria-checked={color === swatch}
            aria-label={swatch}
            className={`${classes.swatch} ${
              color === swatch ? classes.chosen : ''
            }`}
            style={{ backgroundColor: swatch }}
            onClick={() => setColor(swatch)}
          />
        ))}
      </Box>
      {trimmed && (
        <Box mt={2}>
          <TagChip tag={{ id: 'preview', name: trimmed, color }} />
        </Box>
      )}
    </ActionDialog>
  );
}

/** Tags with what they are used for; admins create, rename, recolour and delete them. */
export function TagsSettings() {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const api = useApi(llmUsageApiRef);
  const paths = useLlmUsagePaths();
  const { allowed: canManage } = usePermission({
    permission: llmUsageAdminPermission,
  });
  const [reloadToken, setReloadToken] = useState(0);
  const tags = useTags(reloadToken);
  const [editing, setEditing] = useState<Editing>();
  const { run, busy } = useNotifiedRun(
    error => t('keyWorkspace.tags.failed', { error }),
    () => {
      setEditing(undefined);
      setReloadToken(n => n + 1);
    },
  );

  return (
    <SectionCard
      title={t('keyWorkspace.tags.title')}
      subheader={t('keyWorkspace.tags.subtitle')}
      busy={(tags.loading && !!tags.value) || busy}
      toolbar={
        canManage && (
          <Button
            color="primary"
            variant="outlined"
            size="small"
            startIcon={<AddIcon />}
            onClick={() => setEditing({ mode: 'create' })}
          >
            {t('keyWorkspace.tags.create')}
          </Button>
        )
      }
    >
      <ItemListContent
        query={tags}
        emptyTitle={t('keyWorkspace.tags.emptyTitle')}
        emptyDescription={t('keyWorkspace.tags.emptyDescription')}
      >
        {value => (
          <DataTable
            testId="tags-table"
            columns={[
              { label: t('keyWorkspace.tags.tag') },
              { label: t('keyWorkspace.tags.keys'), align: 'right' },
              { label: t('keyWorkspace.tags.activeKeys'), align: 'right' },
              {
                // The providers' billing, not recorded calls.
                label: (
                  <>
                    {t('keyWorkspace.tags.monthSpend')}
                    <CostSourceChip source="provider" />
                  </>
                ),
                align: 'right',
              },
              canManage && {},
            ]}
          >
            {value.items.map(tag => (
              <TableRow key={tag.id} data-testid={`tag-row-${tag.name}`}>
                <TableCell>
                  <TagChip tag={tag} />
                </TableCell>
                <TableCell align="right">
                  <Link
                    to={`${paths.keys()}?tag=${encodeURIComponent(tag.id)}`}
                  >
                    {format.integer(tag.keyCount)}
                  </Link>
                </TableCell>
                <TableCell align="right">
                  {format.integer(tag.activeKeyCount)}
                </TableCell>
                <TableCell align="right">
                  <CostLines costs={tag.monthCost} />
                </TableCell>
                {canManage && (
                  <TableCell align="right">
                    <IconAction
                      title={t('keyWorkspace.tags.edit')}
                      label={t('keyWorkspace.tags.editNamed', {
                        name: tag.name,
                      })}
                      icon={EditIcon}
                      onClick={() => setEditing({ mode: 'edit', tag })}
                    />
                    <IconAction
                      title={t('keyWorkspace.tags.delete')}
                      label={t('keyWorkspace.tags.deleteNamed', {
                        name: tag.name,
                      })}
                      icon={DeleteIcon}
                      onClick={() => setEditing({ mode: 'delete', tag })}
                    />
                  </TableCell>
                )}
              </TableRow>
            ))}
          </DataTable>
        )}
      </ItemListContent>
      {editing?.mode === 'create' && (
        <TagDialog
          busy={busy}
          onCancel={() => setEditing(undefined)}
          onSave={(name, color) =>
            run(
              () => api.createTag({ name, color }),
              t('keyWorkspace.tags.created', { name }),
            )
          }
        />
      )}
      {editing?.mode === 'edit' && (
        <TagDialog
          tag={editing.tag}
          busy={busy}
          onCancel={() => setEditing(undefined)}
          onSave={(name, color) =>
            run(
              () => api.updateTag(editing.tag.id, { name, color }),
              t('keyWorkspace.tags.updated', { name }),
            )
          }
        />
      )}
      {editing?.mode === 'delete' && (
        <ActionDialog
          onClose={() => setEditing(undefined)}
          title={t('keyWorkspace.tags.deleteTitle', { name: editing.tag.name })}
          confirm={{
            label: t('keyWorkspace.tags.delete'),
            destructive: true,
            disabled: busy,
            onClick: () =>
              run(
                () => api.deleteTag(editing.tag.id),
                t('keyWorkspace.tags.deleted', { name: editing.tag.name }),
              ),
          }}
        >
          <DialogContentText>
            {t('keyWorkspace.tags.deleteWarning', {
              count: editing.tag.keyCount,
            })}
          </DialogContentText>
        </ActionDialog>
      )}
    </SectionCard>
  );
}
