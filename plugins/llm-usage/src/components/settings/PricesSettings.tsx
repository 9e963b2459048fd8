import { useState } from 'react';
import {
  Chip,
  DialogContentText,
  TableCell,
  TableRow,
  Typography,
} from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import FileCopyIcon from '@material-ui/icons/FileCopy';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  type PriceEntry,
  type PriceEntryInput,
  type RepriceResponse,
  llmUsageAdminPermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import {
  errorMessage,
  useEditableList,
  useNotify,
  usePrices,
  useLocalization,
} from '../../hooks';
import {
  ActionDialog,
  AddButton,
  ConfirmDeleteDialog,
  DataTable,
  DateRangeFields,
  DialogFields,
  ItemListCard,
  RowIconActions,
  ToolbarActionButton,
  titledColumns,
} from '../common';
import { useTextForm } from '../common/useTextForm';

type Editing =
  | { mode: 'create'; from?: PriceEntry }
  | { mode: 'edit'; entry: PriceEntry }
  | { mode: 'delete'; entry: PriceEntry }
  | { mode: 'reprice' };

/** The fields of the price dialog, as typed. */
type PriceForm = Record<
  | 'provider'
  | 'model'
  | 'currency'
  | 'inputPerMillion'
  | 'cachedPerMillion'
  | 'outputPerMillion'
  | 'effectiveFrom'
  | 'note',
  string
>;

const PRICE_COLUMNS = [
  'provider',
  'model',
  'input',
  'cached',
  'output',
  'effectiveFrom',
  'origin',
] as const;

const PRICE_ACTION_ICONS = {
  edit: EditIcon,
  delete: DeleteIcon,
  override: FileCopyIcon,
};

const today = () => new Date().toISOString().slice(0, 10);

function formOf(entry?: PriceEntry, overriding = false): PriceForm {
  return {
    provider: entry?.provider ?? '',
    model: entry?.model ?? '',
    currency: entry?.currency ?? 'USD',
    inputPerMillion: entry?.inputPerMillion ?? '',
    cachedPerMillion: entry?.cachedPerMillion ?? '',
    outputPerMillion: entry?.outputPerMillion ?? '',
    // An override starts today; an edit keeps its date.
    effectiveFrom: entry && !overriding ? entry.effectiveFrom : today(),
    note: overriding ? '' : entry?.note ?? '',
  };
}

function inputOf(form: PriceForm): PriceEntryInput {
  return {
    provider: form.provider.trim(),
    model: form.model.trim(),
    currency: form.currency.trim().toUpperCase(),
    inputPerMillion: form.inputPerMillion.trim(),
    outputPerMillion: form.outputPerMillion.trim(),
    cachedPerMillion: form.cachedPerMillion.trim() || null,
    effectiveFrom: form.effectiveFrom,
    note: form.note.trim() || null,
  };
}

function PriceDialog(props: {
  title: string;
  initial: PriceForm;
  busy: boolean;
  onSave: (input: PriceEntryInput) => void;
  onCancel: () => void;
}) {
  const { t } = useLocalization();
  const { form, textField } = useTextForm('price', props.initial);
  const complete =
    form.provider.trim() &&
    form.model.trim() &&
    /^[A-Za-z]{3}$/.test(form.currency.trim()) &&
    form.inputPerMillion.trim() &&
    form.outputPerMillion.trim() &&
    form.effectiveFrom;
  return (
    <ActionDialog
      size="sm"
      title={props.title}
      onClose={props.onCancel}
      confirm={{
        label: t('prices.save'),
        disabled: props.busy || !complete,
        onClick: () => props.onSave(inputOf(form)),
      }}
    >
      <DialogFields>
        {textField('provider', t('prices.provider'))}
        {textField('model', t('prices.model'))}
        {textField('currency', t('prices.currency'))}
        {textField('inputPerMillion', t('prices.input'), {
          helperText: t('prices.perMillionHelp'),
        })}
        {textField('cachedPerMillion', t('prices.cached'), {
          helperText: t('prices.cachedHelp'),
        })}
        {textField('outputPerMillion', t('prices.output'), {
          helperText: t('prices.perMillionHelp'),
        })}
        {textField('effectiveFrom', t('prices.effectiveFrom'), {
          type: 'date',
        })}
        {textField('note', t('prices.note'))}
      </DialogFields>
    </ActionDialog>
  );
}

/** Prices calls of a range again, showing what it changed. */
function RepriceDialog(props: { onClose: () => void; onDone: () => void }) {
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  const {
    form: { from, to, provider, model },
    change,
    textField,
  } = useTextForm('reprice', {
    from: '',
    to: today(),
    provider: '',
    model: '',
  });
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RepriceResponse>();

  const run = async () => {
    setBusy(true);
    try {
      // `to` is a whole day, inclusive: the range ends at the next midnight (UTC).
      const end = new Date(`${to}T00:00:00Z`);
      end.setUTCDate(end.getUTCDate() + 1);
      setResult(
        await api.repriceCalls({
          from: `${from}T00:00:00Z`,
          to: end.toISOString(),
          provider: provider.trim() || undefined,
          model: model.trim() || undefined,
        }),
      );
      props.onDone();
    } catch (error) {
      notify.error(t('prices.repriceFailed', { error: errorMessage(error) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <ActionDialog
      size="sm"
      title={t('prices.reprice')}
      onClose={props.onClose}
      confirm={{
        label: t('prices.repriceRun'),
        disabled: busy || !from || !to,
        onClick: run,
      }}
    >
      <DialogContentText>{t('prices.repriceDescription')}</DialogContentText>
      <DialogFields>
        <DateRangeFields
          labels={{ from: t('prices.repriceFrom'), to: t('prices.repriceTo') }}
          value={{ from, to }}
          onChange={change}
          testIds={{ from: 'reprice-from', to: 'reprice-to' }}
        />
        {textField('provider', t('prices.repriceProvider'))}
        {textField('model', t('prices.repriceModel'))}
      </DialogFields>
      {result && (
        <Typography
          variant="body2"
          role="status"
          data-testid="reprice-result"
          style={{ marginTop: 16 }}
        >
          {t('prices.repriceResult', {
            examined: String(result.examined),
            repriced: String(result.repriced),
            unchanged: String(result.unchanged),
            withoutPrice: String(result.withoutPrice),
            hours: String(result.hoursMarked),
          })}
        </Typography>
      )}
    </ActionDialog>
  );
}

/**
 * The price book: every entry with its origin; admins add, edit and delete
 * their own entries, override a default or app-config price with one, and
 * re-price the calls of a range.
 */
export function PricesSettings() {
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const { allowed: canManage } = usePermission({
    permission: llmUsageAdminPermission,
  });
  const { reloadToken, reload, editing, setEditing, close, run, busy } =
    useEditableList<Editing>(error => t('prices.failed', { error }));
  const prices = usePrices(reloadToken);

  const perMillion = (amount: string | null, currency: string) =>
    amount === null ? t('common.none') : `${amount} ${currency}`;

  return (
    <>
      <ItemListCard
        title={t('prices.title')}
        subheader={t('prices.subtitle')}
        busy={busy}
        toolbar={
          canManage && (
            <>
              <AddButton
                label={t('prices.add')}
                onClick={() => setEditing({ mode: 'create' })}
              />
              <ToolbarActionButton
                label={t('prices.reprice')}
                icon={RefreshIcon}
                onClick={() => setEditing({ mode: 'reprice' })}
              />
            </>
          )
        }
        query={prices}
        emptyTitle={t('prices.emptyTitle')}
        emptyDescription={t('prices.emptyDescription')}
      >
        {value => (
          <DataTable
            testId="prices-table"
            columns={[
              ...titledColumns(PRICE_COLUMNS, column => t(`prices.${column}`), [
                'input',
                'cached',
                'output',
              ]),
              // The row's actions.
              canManage && {},
            ]}
          >
            {value.items.map(entry => (
              <TableRow key={entry.id} data-testid={`price-row-${entry.id}`}>
                <TableCell>{entry.provider}</TableCell>
                <TableCell title={entry.note ?? undefined}>
                  {entry.model}
                </TableCell>
                <TableCell align="right">
                  {perMillion(entry.inputPerMillion, entry.currency)}
                </TableCell>
                <TableCell align="right">
                  {perMillion(entry.cachedPerMillion, entry.currency)}
                </TableCell>
                <TableCell align="right">
                  {perMillion(entry.outputPerMillion, entry.currency)}
                </TableCell>
                <TableCell>{entry.effectiveFrom}</TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    variant="outlined"
                    label={t(`prices.origins.${entry.origin}`)}
                  />{' '}
                  {entry.inForce && (
                    <Chip
                      size="small"
                      color="primary"
                      label={t('prices.inForce')}
                    />
                  )}
                </TableCell>
                {canManage && (
                  <TableCell align="right">
                    <RowIconActions
                      // Only the admins' own entries change; the others are
                      // overridden by a new entry.
                      actions={
                        entry.origin === 'admin'
                          ? (['edit', 'delete'] as const)
                          : (['override'] as const)
                      }
                      icons={PRICE_ACTION_ICONS}
                      title={action => t(`prices.${action}`)}
                      label={action =>
                        t(`prices.${action}Named`, { model: entry.model })
                      }
                      onAction={action =>
                        setEditing(
                          action === 'override'
                            ? { mode: 'create', from: entry }
                            : { mode: action, entry },
                        )
                      }
                    />
                  </TableCell>
                )}
              </TableRow>
            ))}
          </DataTable>
        )}
      </ItemListCard>
      {editing?.mode === 'create' && (
        <PriceDialog
          title={t('prices.createTitle')}
          initial={formOf(editing.from, true)}
          busy={busy}
          onCancel={close}
          onSave={input =>
            run(
              () => api.createPrice(input),
              t('prices.saved', { model: input.model }),
            )
          }
        />
      )}
      {editing?.mode === 'edit' && (
        <PriceDialog
          title={t('prices.editTitle')}
          initial={formOf(editing.entry)}
          busy={busy}
          onCancel={close}
          onSave={input =>
            run(
              () => api.updatePrice(editing.entry.id, input),
              t('prices.saved', { model: input.model }),
            )
          }
        />
      )}
      {editing?.mode === 'delete' && (
        <ConfirmDeleteDialog
          title={t('prices.deleteTitle', {
            model: editing.entry.model,
            date: editing.entry.effectiveFrom,
          })}
          label={t('prices.delete')}
          warning={t('prices.deleteWarning')}
          busy={busy}
          onClose={close}
          onDelete={() =>
            run(
              () => api.deletePrice(editing.entry.id),
              t('prices.deleted', { model: editing.entry.model }),
            )
          }
        />
      )}
      {editing?.mode === 'reprice' && (
        <RepriceDialog onClose={close} onDone={reload} />
      )}
    </>
  );
}
