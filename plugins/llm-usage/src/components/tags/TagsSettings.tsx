import { useState } from 'react';
import { Box, TableCell, TableRow, makeStyles } from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  TagWithStats,
  llmUsageAdminPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { useEditableList, useTags, useLocalization } from '../../hooks';
import {
  ActionDialog,
  AddButton,
  ConfirmDeleteDialog,
  CostLines,
  DataTable,
  DialogFields,
  ItemListCard,
  RowIconActions,
  TextInput,
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
  const { t } = useLocalization();
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
      <DialogFields>
        <TextInput
          id="tag-name"
          label={t('keyWorkspace.tags.name')}
          value={name}
          inputProps={{ maxLength: TAG_NAME_MAX }}
          onChange={setName}
        />
        <TextInput
          id="tag-color"
          label={t('keyWorkspace.tags.color')}
          type="color"
          value={color ?? '#9e9e9e'}
          onChange={setColor}
        />
      </DialogFields>
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
  const { t, format } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const paths = useLlmUsagePaths();
  const { allowed: canManage } = usePermission({
    permission: llmUsageAdminPermission,
  });
  const { reloadToken, editing, setEditing, close, run, busy } =
    useEditableList<Editing>(error => t('keyWorkspace.tags.failed', { error }));
  const tags = useTags(reloadToken);

  return (
    <>
      <ItemListCard
        title={t('keyWorkspace.tags.title')}
        subheader={t('keyWorkspace.tags.subtitle')}
        busy={busy}
        toolbar={
          canManage && (
            <AddButton
              label={t('keyWorkspace.tags.create')}
              onClick={() => setEditing({ mode: 'create' })}
            />
          )
        }
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
                    <RowIconActions
                      actions={['edit', 'delete'] as const}
                      icons={{ edit: EditIcon, delete: DeleteIcon }}
                      title={mode => t(`keyWorkspace.tags.${mode}`)}
                      label={mode =>
                        t(`keyWorkspace.tags.${mode}Named`, { name: tag.name })
                      }
                      onAction={mode => setEditing({ mode, tag })}
                    />
                  </TableCell>
                )}
              </TableRow>
            ))}
          </DataTable>
        )}
      </ItemListCard>
      {editing?.mode === 'create' && (
        <TagDialog
          busy={busy}
          onCancel={close}
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
          onCancel={close}
          onSave={(name, color) =>
            run(
              () => api.updateTag(editing.tag.id, { name, color }),
              t('keyWorkspace.tags.updated', { name }),
            )
          }
        />
      )}
      {editing?.mode === 'delete' && (
        <ConfirmDeleteDialog
          title={t('keyWorkspace.tags.deleteTitle', { name: editing.tag.name })}
          label={t('keyWorkspace.tags.delete')}
          warning={t('keyWorkspace.tags.deleteWarning', {
            count: editing.tag.keyCount,
          })}
          busy={busy}
          onClose={close}
          onDelete={() =>
            run(
              () => api.deleteTag(editing.tag.id),
              t('keyWorkspace.tags.deleted', { name: editing.tag.name }),
            )
          }
        />
      )}
    </>
  );
}
