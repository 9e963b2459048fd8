import { TableCell, TableRow, Typography, makeStyles } from '@material-ui/core';
import Skeleton from '@material-ui/lab/Skeleton';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { ProviderAccountSummary } from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { useFormatters, useSyncRuns } from '../../hooks';
import {
  ActionDialog,
  DataTable,
  QueryContent,
  titledColumns,
} from '../common';

const useStyles = makeStyles(theme => ({
  failed: { color: theme.palette.error.main },
  error: {
    color: theme.palette.error.main,
    whiteSpace: 'normal',
    wordBreak: 'break-word',
    maxWidth: 360,
  },
}));

const HISTORY_LENGTH = 50;

const RUN_COLUMNS = [
  'started',
  'duration',
  'trigger',
  'scope',
  'status',
  'items',
  'error',
] as const;

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

  return (
    <ActionDialog
      size="md"
      onClose={onClose}
      title={t('keyWorkspace.accounts.historyTitle', { name: account.name })}
    >
      <QueryContent
        query={runs}
        loading={<Skeleton variant="rect" height={120} />}
        isEmpty={value => value.items.length === 0}
        empty={
          <Typography color="textSecondary">
            {t('keyWorkspace.accounts.noRuns')}
          </Typography>
        }
      >
        {value => (
          <DataTable
            testId="sync-runs"
            columns={titledColumns(
              RUN_COLUMNS,
              column => t(`keyWorkspace.accounts.runs.${column}`),
              ['items'],
            )}
          >
            {value.items.map(run => (
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
          </DataTable>
        )}
      </QueryContent>
    </ActionDialog>
  );
}
