import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { ProviderAccountSummary } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { useFormatters, useSyncRuns } from '../../hooks';
import { QueryErrorPanel } from '../common';

const useStyles = makeStyles(theme => ({
  scroll: { overflowX: 'auto' },
  failed: { color: theme.palette.error.main },
  error: {
    color: theme.palette.error.main,
    whiteSpace: 'normal',
    wordBreak: 'break-word',
    maxWidth: 360,
  },
}));

const HISTORY_LENGTH = 50;

/** The latest sync runs of one account, failures with their error. */
export function SyncHistoryDialog(props: {
  account: ProviderAccountSummary;
  onClose: () => void;
}) {
  const { account, onClose } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const runs = useSyncRuns({ accountId: account.id, limit: HISTORY_LENGTH });

  let body;
  if (runs.error) {
    body = <QueryErrorPanel error={runs.error} onRetry={runs.retry} />;
  } else if (!runs.value) {
    body = <Skeleton variant="rect" height={120} />;
  } else if (runs.value.items.length === 0) {
    body = (
      <Typography color="textSecondary">
        {t('keyWorkspace.accounts.noRuns')}
      </Typography>
    );
  } else {
    body = (
      <Box className={classes.scroll}>
        <Table size="small" data-testid="sync-runs">
          <TableHead>
            <TableRow>
              <TableCell>{t('keyWorkspace.accounts.runs.started')}</TableCell>
              <TableCell>{t('keyWorkspace.accounts.runs.duration')}</TableCell>
              <TableCell>{t('keyWorkspace.accounts.runs.trigger')}</TableCell>
              <TableCell>{t('keyWorkspace.accounts.runs.scope')}</TableCell>
              <TableCell>{t('keyWorkspace.accounts.runs.status')}</TableCell>
              <TableCell align="right">
                {t('keyWorkspace.accounts.runs.items')}
              </TableCell>
              <TableCell>{t('keyWorkspace.accounts.runs.error')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {runs.value.items.map(run => (
              <TableRow key={run.id}>
                <TableCell>{format.dateTime(run.startedAt)}</TableCell>
                <TableCell>
                  {run.finishedAt
                    ? format.duration(
                        Date.parse(run.finishedAt) - Date.parse(run.startedAt),
                      )
                    : t('common.none')}
                </TableCell>
                <TableCell>
                  {t(`keyWorkspace.accounts.runs.triggers.${run.trigger}`)}
                </TableCell>
                <TableCell>
                  {t(`keyWorkspace.accounts.runs.scopes.${run.scope}`)}
                </TableCell>
                <TableCell
                  className={
                    run.status === 'failed' ? classes.failed : undefined
                  }
                >
                  {t(`keyWorkspace.accounts.runs.statuses.${run.status}`)}
                </TableCell>
                <TableCell align="right">{format.integer(run.items)}</TableCell>
                <TableCell className={classes.error}>
                  {run.error ?? ''}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    );
  }

  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>
        {t('keyWorkspace.accounts.historyTitle', { name: account.name })}
      </DialogTitle>
      <DialogContent>{body}</DialogContent>
      <DialogActions>
        <Button onClick={onClose} color="primary">
          {t('keyWorkspace.dialog.close')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
