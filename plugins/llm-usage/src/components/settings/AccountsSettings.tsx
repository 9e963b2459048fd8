import { useState } from 'react';
import {
  Chip,
  Link,
  TableCell,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import HistoryIcon from '@material-ui/icons/History';
import SyncIcon from '@material-ui/icons/Sync';
import SettingsEthernetIcon from '@material-ui/icons/SettingsEthernet';
import { useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ProviderAccountStatus,
  ProviderAccountSummary,
  llmUsageAccountManagePermission,
  llmUsageAdminPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageTranslationRef } from '../../translation';
import { llmUsageApiRef } from '../../api';
import {
  errorMessage,
  useAccounts,
  useFormatters,
  useNotify,
  useProviders,
} from '../../hooks';
import { AddButton, DataTable, IconAction, ItemListCard } from '../common';
import { AccountDialog } from './AccountDialog';
import { DeleteAccountDialog } from './DeleteAccountDialog';
import { SyncHistoryDialog } from './SyncHistoryDialog';

const useStyles = makeStyles(theme => ({
  table: {
    minWidth: 960,
    '& td, & th': { padding: theme.spacing(0.75, 1) },
  },
  ok: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  error: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  never_synced: {},
  lastError: {
    color: theme.palette.error.main,
    maxWidth: 320,
    whiteSpace: 'normal',
    wordBreak: 'break-word',
  },
  actions: { whiteSpace: 'nowrap' },
}));

function StatusChip(props: { status: ProviderAccountStatus }) {
  const classes = useStyles();
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return (
    <Chip
      size="small"
      className={classes[props.status]}
      label={t(`keyWorkspace.accounts.status.${props.status}`)}
    />
  );
}

type Busy = { accountId: string; action: 'test' | 'sync' } | undefined;

function AccountRow(props: {
  account: ProviderAccountSummary;
  busy: Busy;
  onEdit: () => void;
  onTest: () => void;
  onSync: () => void;
  onHistory: () => void;
  onDelete: () => void;
}) {
  const { account, busy, onEdit, onTest, onSync, onHistory, onDelete } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const format = useFormatters();
  const { allowed: canManage } = usePermission({
    permission: llmUsageAccountManagePermission,
    resourceRef: account.id,
  });
  const rowBusy = busy?.accountId === account.id;
  return (
    <TableRow data-testid={`account-row-${account.id}`}>
      <TableCell>
        <Typography variant="body2">{account.name}</Typography>
        <Typography variant="caption" color="textSecondary">
          {account.id}
        </Typography>
      </TableCell>
      <TableCell>
        {account.providerDisplayName}
        {account.manualKeyRegistration && (
          <Typography variant="caption" component="div" color="textSecondary">
            {t('keyWorkspace.accounts.manualKeys')}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        {account.ownerRef ? (
          <EntityRefLink entityRef={account.ownerRef} defaultKind="group" />
        ) : (
          t('common.none')
        )}
      </TableCell>
      <TableCell>
        {t(`keyWorkspace.accounts.source.${account.source}`)}
      </TableCell>
      <TableCell>
        <StatusChip status={account.status} />
        {!account.providerInstalled && (
          <Typography variant="caption" component="div" color="error">
            {t('keyWorkspace.accounts.notInstalled')}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        {format.shortDateTime(account.lastSyncAt)}
        {account.lastError && (
          <Typography
            variant="caption"
            component="div"
            className={classes.lastError}
          >
            {account.lastError}
          </Typography>
        )}
      </TableCell>
      <TableCell align="right">{format.integer(account.keyCount)}</TableCell>
      <TableCell align="right">
        {account.balances.length === 0
          ? t('common.none')
          : account.balances.map(balance => (
              <div key={balance.currency}>
                {format.money({
                  currency: balance.currency,
                  amount: balance.available,
                })}
              </div>
            ))}
        {account.billingUrl && (
          <Typography variant="caption" component="div">
            <Link
              href={account.billingUrl}
              target="_blank"
              rel="noopener noreferrer"
            >
              {t('quotaViews.topUp')}
            </Link>
          </Typography>
        )}
      </TableCell>
      <TableCell className={classes.actions} align="right">
        <IconAction
          title={t('keyWorkspace.accounts.history')}
          label={t('keyWorkspace.accounts.historyNamed', {
            name: account.name,
          })}
          icon={HistoryIcon}
          onClick={onHistory}
        />
        {canManage && (
          <>
            <IconAction
              title={t('keyWorkspace.accounts.test')}
              label={t('keyWorkspace.accounts.testNamed', {
                name: account.name,
              })}
              icon={SettingsEthernetIcon}
              disabled={rowBusy || !account.providerInstalled}
              onClick={onTest}
            />
            <IconAction
              title={t('keyWorkspace.accounts.syncNow')}
              label={t('keyWorkspace.accounts.syncNamed', {
                name: account.name,
              })}
              icon={SyncIcon}
              disabled={rowBusy || !account.providerInstalled}
              onClick={onSync}
            />
            {account.source === 'api' && (
              <IconAction
                title={t('keyWorkspace.accounts.edit')}
                label={t('keyWorkspace.accounts.editNamed', {
                  name: account.name,
                })}
                icon={EditIcon}
                onClick={onEdit}
              />
            )}
            {account.source === 'api' && (
              <IconAction
                title={t('keyWorkspace.accounts.delete')}
                label={t('keyWorkspace.accounts.deleteNamed', {
                  name: account.name,
                })}
                icon={DeleteIcon}
                disabled={rowBusy}
                onClick={onDelete}
              />
            )}
          </>
        )}
      </TableCell>
    </TableRow>
  );
}

/**
 * Provider accounts: add, edit (credentials are write-only) and delete, test
 * the connection, sync now, and each account's sync history with its errors.
 * Accounts from app-config are shown read-only.
 */
export function AccountsSettings() {
  const classes = useStyles();
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  const [reloadToken, setReloadToken] = useState(0);
  const accounts = useAccounts(reloadToken);
  const providers = useProviders();
  const { allowed: isAdmin } = usePermission({
    permission: llmUsageAdminPermission,
  });
  const [dialog, setDialog] = useState<
    | { kind: 'create' }
    | { kind: 'edit'; account: ProviderAccountSummary }
    | { kind: 'history'; account: ProviderAccountSummary }
    | { kind: 'delete'; account: ProviderAccountSummary }
  >();
  const [busy, setBusy] = useState<Busy>();
  const reload = () => setReloadToken(n => n + 1);
  const close = () => setDialog(undefined);
  /** A dialog changed the list: close it and load the list again. */
  const changed = () => {
    close();
    reload();
  };

  const test = async (account: ProviderAccountSummary) => {
    const failed = (error: string) =>
      notify.error(
        t('keyWorkspace.accounts.testFailed', { name: account.name, error }),
      );
    setBusy({ accountId: account.id, action: 'test' });
    try {
      const result = await api.testAccount(account.id);
      if (result.ok) {
        notify.success(
          t('keyWorkspace.accounts.testOk', { name: account.name }),
        );
      } else {
        failed(result.error ?? '');
      }
    } catch (error) {
      failed(errorMessage(error));
    } finally {
      setBusy(undefined);
    }
  };

  const sync = async (account: ProviderAccountSummary) => {
    const failed = (error: string) =>
      notify.error(
        t('keyWorkspace.accounts.syncFailed', { name: account.name, error }),
      );
    setBusy({ accountId: account.id, action: 'sync' });
    try {
      const { runs } = await api.syncAccount(account.id);
      const failedRuns = runs.filter(run => run.status === 'failed');
      if (failedRuns.length === 0) {
        notify.success(
          t('keyWorkspace.accounts.syncOk', {
            name: account.name,
            count: runs.reduce((sum, run) => sum + run.items, 0),
          }),
        );
      } else {
        failed(failedRuns.map(run => run.error).join('; '));
      }
    } catch (error) {
      failed(errorMessage(error));
    } finally {
      setBusy(undefined);
      reload();
    }
  };

  return (
    <>
      <ItemListCard
        title={t('keyWorkspace.accounts.title')}
        subheader={t('keyWorkspace.accounts.subtitle')}
        busy={!!busy}
        toolbar={
          isAdmin && (
            <AddButton
              label={t('keyWorkspace.accounts.add')}
              disabled={!providers.value}
              onClick={() => setDialog({ kind: 'create' })}
            />
          )
        }
        query={accounts}
        emptyTitle={t('keyWorkspace.accounts.emptyTitle')}
        emptyDescription={t('keyWorkspace.accounts.emptyDescription')}
      >
        {value => (
          <DataTable
            className={classes.table}
            testId="accounts-table"
            columns={[
              { label: t('keyWorkspace.accounts.columns.name') },
              { label: t('keyWorkspace.accounts.columns.provider') },
              { label: t('keyWorkspace.accounts.columns.owner') },
              { label: t('keyWorkspace.accounts.columns.source') },
              { label: t('keyWorkspace.accounts.columns.status') },
              { label: t('keyWorkspace.accounts.columns.lastSync') },
              {
                label: t('keyWorkspace.accounts.columns.keys'),
                align: 'right',
              },
              {
                label: t('keyWorkspace.accounts.columns.balance'),
                align: 'right',
              },
              {},
            ]}
          >
            {value.items.map(account => (
              <AccountRow
                key={account.id}
                account={account}
                busy={busy}
                onEdit={() => setDialog({ kind: 'edit', account })}
                onTest={() => test(account)}
                onSync={() => sync(account)}
                onHistory={() => setDialog({ kind: 'history', account })}
                onDelete={() => setDialog({ kind: 'delete', account })}
              />
            ))}
          </DataTable>
        )}
      </ItemListCard>
      {(dialog?.kind === 'create' || dialog?.kind === 'edit') &&
        providers.value && (
          <AccountDialog
            providers={providers.value.items}
            account={dialog.kind === 'edit' ? dialog.account : undefined}
            onClose={close}
            onSaved={changed}
          />
        )}
      {dialog?.kind === 'delete' && (
        <DeleteAccountDialog
          account={dialog.account}
          onClose={close}
          onDeleted={changed}
        />
      )}
      {dialog?.kind === 'history' && (
        <SyncHistoryDialog account={dialog.account} onClose={close} />
      )}
    </>
  );
}
