import { makeStyles } from '@material-ui/core';
import type {
  ProviderAccountSummary,
  SyncRun,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { useSyncRuns, useLocalization } from '../../hooks';
import { ActionDialog } from '../common';
import { QueryRecordTable, figureColumn } from '../common/RecordTable';

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

/** The latest sync runs of one account, failures with their error. */
export function SyncHistoryDialog(props: {
  account: ProviderAccountSummary;
  onClose: () => void;
}) {
  const { account, onClose } = props;
  const classes = useStyles();
  const { t, format } = useLocalization();
  const runs = useSyncRuns({ accountId: account.id, limit: HISTORY_LENGTH });

  return (
    <ActionDialog
      size="md"
      onClose={onClose}
      title={t('keyWorkspace.accounts.historyTitle', { name: account.name })}
    >
      <QueryRecordTable
        query={runs}
        rowsOf={value => value.items}
        rowKey={run => run.id}
        emptyText={t('keyWorkspace.accounts.noRuns')}
        testId="sync-runs"
        columns={[
          {
            label: t('keyWorkspace.accounts.runs.started'),
            cell: run => format.dateTime(run.startedAt),
          },
          {
            label: t('keyWorkspace.accounts.runs.duration'),
            cell: run =>
              run.finishedAt
                ? format.duration(
                    Date.parse(run.finishedAt) - Date.parse(run.startedAt),
                  )
                : t('common.none'),
          },
          {
            label: t('keyWorkspace.accounts.runs.trigger'),
            cell: run =>
              t(`keyWorkspace.accounts.runs.triggers.${run.trigger}`),
          },
          {
            label: t('keyWorkspace.accounts.runs.scope'),
            cell: run => t(`keyWorkspace.accounts.runs.scopes.${run.scope}`),
          },
          {
            label: t('keyWorkspace.accounts.runs.status'),
            cell: run => (
              <span
                className={run.status === 'failed' ? classes.failed : undefined}
              >
                {t(`keyWorkspace.accounts.runs.statuses.${run.status}`)}
              </span>
            ),
          },
          figureColumn<SyncRun>(t('keyWorkspace.accounts.runs.items'), run =>
            format.integer(run.items),
          ),
          {
            label: t('keyWorkspace.accounts.runs.error'),
            cell: run => <div className={classes.error}>{run.error ?? ''}</div>,
          },
        ]}
      />
    </ActionDialog>
  );
}
