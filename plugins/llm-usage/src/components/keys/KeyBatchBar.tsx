import {
  Box,
  Button,
  Link as MuiLink,
  Typography,
  makeStyles,
} from '@material-ui/core';
import type { UsageExportFormat } from '../../api';
import { ExportButton } from './ExportButton';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 1.5),
    marginBottom: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.action.selected,
  },
  count: {
    marginRight: theme.spacing(1),
  },
}));

/** Which batch actions the user may start for the current selection. */
export interface BatchAbilities {
  manage: boolean;
  delete: boolean;
}

/** The batch commands that change keys, in the order of their buttons. */
const MANAGE_COMMANDS = [
  'enable',
  'disable',
  'assignOwner',
  'addTags',
  'removeTags',
] as const;

export type BatchCommand = (typeof MANAGE_COMMANDS)[number] | 'delete';

/** @internal */
export interface KeyBatchBarProps {
  selectedCount: number;
  allMatching: boolean;
  /** Offered when the whole page is selected and more keys match. */
  canSelectAllMatching: boolean;
  totalMatching: number;
  abilities: BatchAbilities;
  busy: boolean;
  onSelectAllMatching: () => void;
  onClear: () => void;
  onCommand: (command: BatchCommand) => void;
  onExport: (format: UsageExportFormat) => void;
}

/** Actions on the selected keys, shown while something is selected. */
export function KeyBatchBar({
  selectedCount,
  allMatching,
  canSelectAllMatching,
  totalMatching,
  abilities,
  busy,
  onSelectAllMatching,
  onClear,
  onCommand,
  onExport,
}: KeyBatchBarProps) {
  const classes = useStyles();
  const { t } = useLocalization();

  const commandButton = (command: BatchCommand, allowed: boolean) => (
    <Button
      key={command}
      size="small"
      variant="outlined"
      // Deleting stands out from the changes.
      color={command === 'delete' ? 'secondary' : 'default'}
      disabled={busy || !allowed}
      onClick={() => onCommand(command)}
    >
      {t(`keyWorkspace.batch.actions.${command}`)}
    </Button>
  );

  return (
    <Box className={classes.root} data-testid="batch-bar">
      <Typography variant="body2" className={classes.count}>
        {allMatching
          ? t('keyWorkspace.batch.allMatchingSelected', {
              count: totalMatching,
            })
          : t('keyWorkspace.batch.selected', { n: String(selectedCount) })}
      </Typography>
      {canSelectAllMatching && !allMatching && (
        <MuiLink
          component="button"
          variant="body2"
          onClick={onSelectAllMatching}
        >
          {t('keyWorkspace.batch.selectAllMatching', {
            count: totalMatching,
          })}
        </MuiLink>
      )}
      {MANAGE_COMMANDS.map(command => commandButton(command, abilities.manage))}
      {abilities.delete && commandButton('delete', true)}
      <ExportButton
        label={t('keyWorkspace.batch.actions.export')}
        disabled={busy}
        onExport={onExport}
      />
      <Button size="small" onClick={onClear} disabled={busy}>
        {t('keyWorkspace.batch.clear')}
      </Button>
    </Box>
  );
}
