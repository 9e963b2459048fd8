import { useEffect, useMemo, useState } from 'react';
import { Box, Grid, LinearProgress } from '@material-ui/core';
import PublishIcon from '@material-ui/icons/Publish';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import Alert from '@material-ui/lab/Alert';
import { EmptyState } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ApiKey,
  KeyBatchAction,
  llmUsageAdminPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { UsageExportFormat, llmUsageApiRef } from '../../api';
import { saveFile } from '../../lib/saveFile';
import {
  errorMessage,
  useAccounts,
  useProviders,
  useKeyList,
  useKeyPermissions,
  useKeySummary,
  useNotify,
  useTags,
  useUrlParams,
  useLocalization,
} from '../../hooks';
import {
  AddButton,
  LlmUsageLayout,
  QueryErrorPanel,
  SectionCard,
  ToolbarActionButton,
} from '../common';
import {
  AssignOwnerDialog,
  BatchReport,
  BatchResultDialog,
  BatchTagsDialog,
  DeleteKeysDialog,
} from './BatchDialogs';
import { ExportButton } from './ExportButton';
import { BatchCommand, KeyBatchBar } from './KeyBatchBar';
import { KeyDetailDrawer } from './KeyDetailDrawer';
import { KeyFiltersBar } from './KeyFiltersBar';
import { KeySummaryCards } from './KeySummaryCards';
import { KeysTable } from './KeysTable';
import { providerDisplayName } from '../../lib/providerNames';
import { RegisterKeyDialog } from './RegisterKeyDialog';
import { ImportKeysDialog } from './ImportKeysDialog';
import {
  CreateAtProviderDialog,
  accountsCreatingKeys,
} from './CreateAtProviderDialog';
import {
  EMPTY_SELECTION,
  KeySelection,
  resolveSelection,
  runKeyBatch,
  selectionSize,
} from './keyBatch';
import { KEY_PAGE_SIZES, toKeyListQuery } from './keyFilters';
import { useKeyFilters } from './useKeyFilters';

type OpenDialog =
  | { kind: 'register' | 'import' | 'createAtProvider' }
  | { kind: 'assignOwner' }
  | { kind: 'addTags' | 'removeTags' }
  | { kind: 'delete'; keys: ApiKey[] };

/**
 * Owner refs of the shown keys that are not in the catalog (any more), so
 * keys owned by a deleted team are flagged like keys without an owner.
 */
function useMissingOwnerRefs(keys: ApiKey[] | undefined): Set<string> {
  const catalogApi = useApi(catalogApiRef);
  const refs = [
    ...new Set((keys ?? []).flatMap(k => (k.ownerRef ? [k.ownerRef] : []))),
  ].sort();
  const refsKey = refs.join(',');
  const [missing, setMissing] = useState<Set<string>>(new Set());
  useEffect(() => {
    let cancelled = false;
    const wanted = refsKey ? refsKey.split(',') : [];
    if (wanted.length === 0) {
      setMissing(new Set());
      return undefined;
    }
    catalogApi
      .getEntitiesByRefs({ entityRefs: wanted, fields: ['kind'] })
      .then(response => {
        if (!cancelled) {
          setMissing(new Set(wanted.filter((_ref, i) => !response.items[i])));
        }
      })
      .catch(() => {
        // Without the catalog nothing is flagged; the keys still show.
      });
    return () => {
      cancelled = true;
    };
  }, [catalogApi, refsKey]);
  return missing;
}

/** The key inventory: summary, filters, table, batch actions and details. */
export function KeysPage() {
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  const [params, setParams] = useUrlParams();
  const { filters, update, clear, page, size, setPage, setSize } =
    useKeyFilters();
  const [reloadToken, setReloadToken] = useState(0);
  const reload = () => setReloadToken(n => n + 1);

  const baseQuery = useMemo(() => toKeyListQuery(filters), [filters]);
  const keys = useKeyList(
    { ...baseQuery, offset: page * size, limit: size },
    reloadToken,
  );
  const summary = useKeySummary(reloadToken);
  const tags = useTags(reloadToken);
  const accounts = useAccounts();
  const installedProviders = useProviders();
  const missingOwnerRefs = useMissingOwnerRefs(keys.value?.items);
  // Registering by hand is offered to admins; owners' rights are checked
  // by the backend against the key as it would be stored.
  const { allowed: canRegister } = usePermission({
    permission: llmUsageAdminPermission,
  });

  const [selection, setSelection] = useState<KeySelection>(EMPTY_SELECTION);
  const [dialog, setDialog] = useState<OpenDialog>();
  const [report, setReport] = useState<BatchReport>();
  const [busy, setBusy] = useState(false);

  // Another filter is another set of keys: what was selected no longer applies.
  const filterKey = JSON.stringify(baseQuery);
  useEffect(() => setSelection(EMPTY_SELECTION), [filterKey]);

  const selectedIds = useMemo(() => {
    if (selection.mode === 'allMatching') {
      return new Set(keys.value?.items.map(k => k.id) ?? []);
    }
    return new Set(selection.keys.keys());
  }, [selection, keys.value]);
  const permissionIds =
    selection.mode === 'keys' ? [...selection.keys.keys()] : [];
  const permissions = useKeyPermissions(permissionIds);
  const abilities =
    selection.mode === 'allMatching'
      ? // Too many to ask about one by one: the report says what was refused.
        { manage: true, delete: true }
      : {
          manage: permissions.manageable.size > 0,
          delete: permissions.deletable.size > 0,
        };

  const toggle = (key: ApiKey) => {
    setSelection(current => {
      const next = new Map(current.mode === 'keys' ? current.keys : []);
      if (next.has(key.id)) {
        next.delete(key.id);
      } else {
        next.set(key.id, key);
      }
      return { mode: 'keys', keys: next };
    });
  };
  const togglePage = (selected: boolean) => {
    setSelection(current => {
      const next = new Map(current.mode === 'keys' ? current.keys : []);
      for (const key of keys.value?.items ?? []) {
        if (selected) {
          next.set(key.id, key);
        } else {
          next.delete(key.id);
        }
      }
      return { mode: 'keys', keys: next };
    });
  };

  const total = keys.value?.total ?? 0;
  const pageItems = keys.value?.items ?? [];
  const pageFullySelected =
    pageItems.length > 0 && pageItems.every(k => selectedIds.has(k.id));

  /** Runs one page action at a time; a failure is shown as a toast. */
  const whileBusy = async (
    action: () => Promise<void>,
    failed: (error: string) => string,
  ) => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      notify.error(failed(errorMessage(error)));
    } finally {
      setBusy(false);
    }
  };
  const batchFailed = (error: string) =>
    t('keyWorkspace.batch.failed', { error });

  const runBatch = (
    action: KeyBatchAction,
    extra: { ownerRef?: string | null; tagIds?: string[] } = {},
    targets?: ApiKey[],
  ) =>
    whileBusy(async () => {
      const chosen =
        targets ?? (await resolveSelection(api, selection, baseQuery));
      const results = await runKeyBatch(
        api,
        { action, ...extra },
        chosen.map(k => k.id),
        t('keyWorkspace.report.noResult'),
      );
      setReport({
        action,
        results,
        keys: new Map(chosen.map(k => [k.id, k])),
      });
      setSelection(EMPTY_SELECTION);
      reload();
    }, batchFailed).then(() => setDialog(undefined));

  const onCommand = async (command: BatchCommand) => {
    switch (command) {
      case 'enable':
      case 'disable':
        await runBatch(command);
        return;
      case 'delete': {
        // The confirmation lists every key, so fetch them all first.
        await whileBusy(async () => {
          const chosen = await resolveSelection(api, selection, baseQuery);
          setDialog({ kind: 'delete', keys: chosen });
        }, batchFailed);
        return;
      }
      default:
        setDialog({ kind: command });
    }
  };

  /** The filtered list, or only the selected keys, as a file. */
  const exportKeys = (format: UsageExportFormat, selectedOnly: boolean) =>
    whileBusy(
      async () => {
        const ids =
          selectedOnly && selection.mode === 'keys'
            ? [...selection.keys.keys()]
            : undefined;
        saveFile(await api.exportKeys({ ...baseQuery, ids }, format));
      },
      error => t('keyWorkspace.export.failed', { error }),
    );

  const manualAccounts = (accounts.value?.items ?? []).filter(
    a => a.manualKeyRegistration,
  );
  // Every installed provider, and every account the viewer meets: its own
  // accounts and those of the keys it sees (others' accounts are not listed).
  const providerName = (id: string) =>
    providerDisplayName(id, installedProviders.value?.items);
  const providers = [
    ...new Set([
      ...(installedProviders.value?.items ?? []).map(p => p.id),
      ...(accounts.value?.items ?? []).map(a => a.provider),
      ...(keys.value?.items ?? []).map(k => k.provider),
      ...filters.providers,
    ]),
  ]
    .map(id => ({ id, name: providerName(id) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const filterAccounts = [
    ...new Map(
      [
        ...(accounts.value?.items ?? []),
        ...(keys.value?.items ?? []).map(k => ({
          id: k.accountId,
          name: k.accountName,
        })),
      ].map(a => [a.id, { id: a.id, name: a.name }]),
    ).values(),
  ].sort((a, b) => a.name.localeCompare(b.name));
  const openKeyId = params.get('key') ?? undefined;

  let body;
  if (keys.error) {
    body = <QueryErrorPanel error={keys.error} onRetry={keys.retry} />;
  } else if (keys.value && keys.value.total === 0) {
    body = (
      <EmptyState
        missing="data"
        title={t('keyWorkspace.empty.title')}
        description={t('keyWorkspace.empty.description')}
      />
    );
  } else if (keys.value) {
    body = (
      <KeysTable
        keys={keys.value.items}
        total={keys.value.total}
        missingOwnerRefs={missingOwnerRefs}
        selectable
        selectedIds={selectedIds}
        onToggle={toggle}
        onTogglePage={togglePage}
        sort={filters.sort}
        order={filters.order}
        onSortChange={(sort, order) => update({ sort, order })}
        page={page}
        pageSize={size}
        pageSizes={KEY_PAGE_SIZES}
        onPageChange={setPage}
        onPageSizeChange={setSize}
        onOpen={key => setParams({ key: key.id })}
        providerName={providerName}
      />
    );
  } else {
    body = <LinearProgress />;
  }

  const count = selectionSize(selection);

  return (
    <LlmUsageLayout
      title={t('keyWorkspace.page.title')}
      pageTitle={`${t('keyWorkspace.page.title')} · ${t('page.title')}`}
      subtitle={t('keyWorkspace.page.subtitle')}
    >
      <Grid container spacing={3}>
        {manualAccounts.length > 0 && (
          <Grid item xs={12}>
            <Alert severity="info" data-testid="manual-registration-note">
              {t('keyWorkspace.page.manualRegistration', {
                accounts: manualAccounts.map(a => a.name).join(', '),
              })}
              {!canRegister && ` ${t('keyWorkspace.page.registerAdminsOnly')}`}
            </Alert>
          </Grid>
        )}
        <Grid item xs={12}>
          {summary.error ? (
            <QueryErrorPanel error={summary.error} onRetry={summary.retry} />
          ) : (
            <KeySummaryCards
              summary={summary.value}
              loading={summary.loading}
            />
          )}
        </Grid>
        <Grid item xs={12}>
          <SectionCard
            title={t('keyWorkspace.page.listTitle')}
            busy={(keys.loading && !!keys.value) || busy}
            testId="keys-card"
            toolbar={
              <>
                <KeyFiltersBar
                  filters={filters}
                  onChange={update}
                  onClear={clear}
                  providers={providers}
                  accounts={filterAccounts}
                  tags={tags.value?.items ?? []}
                />
                {canRegister && (accounts.value?.items.length ?? 0) > 0 && (
                  <>
                    <AddButton
                      label={t('keyWorkspace.register.button')}
                      onClick={() => setDialog({ kind: 'register' })}
                    />
                    <ToolbarActionButton
                      label={t('keyImport.button')}
                      icon={PublishIcon}
                      onClick={() => setDialog({ kind: 'import' })}
                    />
                  </>
                )}
                {accountsCreatingKeys(accounts.value?.items ?? []).length >
                  0 && (
                  <ToolbarActionButton
                    primary
                    label={t('keyCreate.button')}
                    icon={VpnKeyIcon}
                    onClick={() => setDialog({ kind: 'createAtProvider' })}
                  />
                )}
                <ExportButton
                  label={t('keyWorkspace.export.list')}
                  testId="keys-export"
                  disabled={busy || total === 0}
                  onExport={format => exportKeys(format, false)}
                />
              </>
            }
          >
            {count > 0 && (
              <KeyBatchBar
                selectedCount={count}
                allMatching={selection.mode === 'allMatching'}
                canSelectAllMatching={pageFullySelected && total > count}
                totalMatching={total}
                abilities={abilities}
                busy={busy || permissions.loading}
                onSelectAllMatching={() =>
                  setSelection({ mode: 'allMatching', total })
                }
                onClear={() => setSelection(EMPTY_SELECTION)}
                onCommand={onCommand}
                onExport={format => exportKeys(format, true)}
              />
            )}
            <Box>{body}</Box>
          </SectionCard>
        </Grid>
      </Grid>
      {dialog?.kind === 'register' && (
        <RegisterKeyDialog
          accounts={accounts.value?.items ?? []}
          onClose={() => setDialog(undefined)}
          onRegistered={() => {
            setDialog(undefined);
            reload();
          }}
        />
      )}
      {dialog?.kind === 'import' && (
        <ImportKeysDialog
          onClose={() => setDialog(undefined)}
          onImported={reload}
        />
      )}
      {dialog?.kind === 'createAtProvider' && (
        <CreateAtProviderDialog
          accounts={accounts.value?.items ?? []}
          onClose={() => setDialog(undefined)}
          onCreated={reload}
        />
      )}
      {dialog?.kind === 'assignOwner' && (
        <AssignOwnerDialog
          count={count}
          busy={busy}
          onCancel={() => setDialog(undefined)}
          onConfirm={ownerRef => runBatch('assignOwner', { ownerRef })}
        />
      )}
      {(dialog?.kind === 'addTags' || dialog?.kind === 'removeTags') && (
        <BatchTagsDialog
          mode={dialog.kind}
          count={count}
          tags={tags.value?.items ?? []}
          busy={busy}
          onCancel={() => setDialog(undefined)}
          onConfirm={tagIds => runBatch(dialog.kind, { tagIds })}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteKeysDialog
          keys={dialog.keys}
          busy={busy}
          onCancel={() => setDialog(undefined)}
          onConfirm={() => runBatch('delete', {}, dialog.keys)}
        />
      )}
      <BatchResultDialog report={report} onClose={() => setReport(undefined)} />
      <KeyDetailDrawer
        keyId={openKeyId}
        tags={tags.value?.items ?? []}
        onClose={() => setParams({ key: undefined })}
        onChanged={reload}
      />
    </LlmUsageLayout>
  );
}
