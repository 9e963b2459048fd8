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
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ProviderAccountStatus,
  ProviderAccountSummary,
  llmUsageAccountManagePermission,
  llmUsageAdminPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import {
  errorMessage,
  useAccounts,
  useNotify,
  useProviders,
  useLocalization,
} from '../../hooks';
import {
  AddButton,
  DataTable,
  ItemListCard,
  OptionalEntityRefLink,
  RowIconActions,
  titledColumns,
} from '../common';
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
  const { t } = useLocalization();
  return (
    <Chip
      size="small"
      className={classes[props.status]}
      label={t(`keyWorkspace.accounts.status.${props.status}`)}
    />
  );
}

const ACCOUNT_COLUMNS = [
  'name',
  'provider',
  'owner',
  'source',
  'status',
  'lastSync',
  'keys',
  'balance',
] as const;

type Busy = { accountId: string; action: 'test' | 'sync' } | undefined;

type AccountAction = 'history' | 'test' | 'sync' | 'edit' | 'delete';

const ACCOUNT_ACTION_ICONS = {
  history: HistoryIcon,
  test: SettingsEthernetIcon,
  sync: SyncIcon,
  edit: EditIcon,
  delete: DeleteIcon,
};

/** The key of each action's tooltip under `keyWorkspace.accounts`. */
const ACCOUNT_ACTION_TITLES = {
  history: 'history',
  test: 'test',
  sync: 'syncNow',
  edit: 'edit',
  delete: 'delete',
} as const;

function AccountRow(props: {
  account: ProviderAccountSummary;
  busy: Busy;
  onAction: (action: AccountAction) => void;
}) {
  const { account, busy, onAction } = props;
  const classes = useStyles();
  const { t, format } = useLocalization();
  const { allowed: canManage } = usePermission({
    permission: llmUsageAccountManagePermission,
    resourceRef: account.id,
  });
  const rowBusy = busy?.accountId === account.id;
  // Everyone sees the history; managers test and sync, and change the
  // accounts entered in the app (those from app-config are read-only).
  const offered: AccountAction[] = ['history'];
  if (canManage) {
    offered.push('test', 'sync');
    if (account.source === 'api') offered.push('edit', 'delete');
  }
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
        <OptionalEntityRefLink
          entityRef={account.ownerRef}
          defaultKind="group"
        />
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
        <RowIconActions
          actions={offered}
          icons={ACCOUNT_ACTION_ICONS}
          title={action =>
            t(`keyWorkspace.accounts.${ACCOUNT_ACTION_TITLES[action]}`)
          }
          label={action =>
            t(`keyWorkspace.accounts.${action}Named`, { name: account.name })
          }
          disabled={action => {
            if (action === 'test' || action === 'sync') {
              return rowBusy || !account.providerInstalled;
            }
            return action === 'delete' ? rowBusy : undefined;
          }}
          onAction={onAction}
        />
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
  const { t } = useLocalization();
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

  /**
   * Tests or syncs an account, its row busy meanwhile. `check` says what
   * the provider reported wrong, if anything; that or a failed request is
   * shown with the account's name.
   */
  const runOn = async (
    account: ProviderAccountSummary,
    action: 'test' | 'sync',
    check: () => Promise<string | undefined>,
  ) => {
    const failed = (error: string) =>
      notify.error(
        t(`keyWorkspace.accounts.${action}Failed`, {
          name: account.name,
          error,
        }),
      );
    setBusy({ accountId: account.id, action });
    try {
      const error = await check();
      if (error !== undefined) failed(error);
    } catch (error) {
      failed(errorMessage(error));
    } finally {
      setBusy(undefined);
    }
  };

  const test = (account: ProviderAccountSummary) =>
    runOn(account, 'test', async () => {
      const result = await api.testAccount(account.id);
      if (!result.ok) return result.error ?? '';
      notify.success(t('keyWorkspace.accounts.testOk', { name: account.name }));
      return undefined;
    });

  const sync = (account: ProviderAccountSummary) =>
    runOn(account, 'sync', async () => {
      const { runs } = await api.syncAccount(account.id);
      const failedRuns = runs.filter(run => run.status === 'failed');
      if (failedRuns.length > 0) {
        return failedRuns.map(run => run.error).join('; ');
      }
      notify.success(
        t('keyWorkspace.accounts.syncOk', {
          name: account.name,
          count: runs.reduce((sum, run) => sum + run.items, 0),
        }),
      );
      return undefined;
    }).then(reload);

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
              ...titledColumns(
                ACCOUNT_COLUMNS,
                column => t(`keyWorkspace.accounts.columns.${column}`),
                ['keys', 'balance'],
              ),
              // The row's actions.
              {},
            ]}
          >
            {value.items.map(account => (
              <AccountRow
                key={account.id}
                account={account}
                busy={busy}
                onAction={action => {
                  if (action === 'test') test(account);
                  else if (action === 'sync') sync(account);
                  else setDialog({ kind: action, account });
                }}
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
