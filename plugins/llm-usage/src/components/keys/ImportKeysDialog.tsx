import { ChangeEvent, useState } from 'react';
import {
  Box,
  Button,
  Chip,
  TableCell,
  TableRow,
  TextField,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  ImportKeysRequest,
  ImportKeysResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { llmUsageApiRef } from '../../api';
import { useNotify, useLocalization } from '../../hooks';
import { ActionDialog, DataTable, OptionToggle, SubmitDialog } from '../common';

const useStyles = makeStyles(theme => ({
  content: {
    fontFamily: 'monospace',
  },
  report: {
    maxHeight: 320,
    overflowY: 'auto',
  },
  // On a phone each row is a card: the detail gets its own line under its
  // label, left-aligned like the text it is.
  detail: {
    flex: '1 1 100%',
    textAlign: 'left',
  },
  // A quoted name or id in a reason stays whole ('demo-openrouter').
  quoted: {
    whiteSpace: 'nowrap',
  },
  // A key id: may break anywhere rather than widen the dialog.
  keyId: {
    fontSize: '0.8rem',
    overflowWrap: 'anywhere',
  },
  // The format and the file to read it from.
  source: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
  },
  summary: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    alignItems: 'center',
  },
}));

type Format = ImportKeysRequest['format'];

/** The format a file's name or type says, if any. */
function formatOfFile(file: File): Format | undefined {
  if (/\.json$/i.test(file.name) || file.type === 'application/json') {
    return 'json';
  }
  if (/\.csv$/i.test(file.name) || file.type === 'text/csv') {
    return 'csv';
  }
  return undefined;
}

/** How many rows a report created, updated and failed, as its summary says. */
function rowCounts(report: ImportKeysResponse) {
  return {
    created: String(report.created),
    updated: String(report.updated),
    failed: String(report.failed),
  };
}

/** A row's reason, its quoted names and ids kept whole. */
function Reason(props: { text: string }) {
  const classes = useStyles();
  return (
    <>
      {props.text.split(/('[^'\s]+')/).map((part, index) =>
        index % 2 === 1 ? (
          <span key={index} className={classes.quoted}>
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}

/** The per-row report of a dry run or an import. */
function ImportReport(props: { report: ImportKeysResponse }) {
  const { report } = props;
  const { t } = useLocalization();
  const classes = useStyles();
  const outcome = (row: ImportKeysResponse['rows'][number]) => {
    if (row.outcome === 'failed') return t('keyImport.outcomes.failed');
    if (report.dryRun) {
      return row.outcome === 'created'
        ? t('keyImport.outcomes.wouldCreate')
        : t('keyImport.outcomes.wouldUpdate');
    }
    return row.outcome === 'created'
      ? t('keyImport.outcomes.created')
      : t('keyImport.outcomes.updated');
  };
  return (
    <Box data-testid={report.dryRun ? 'import-preview' : 'import-result'}>
      <Box className={classes.summary}>
        <Typography variant="subtitle2">
          {t(
            report.dryRun
              ? 'keyImport.previewSummary'
              : 'keyImport.doneSummary',
            rowCounts(report),
          )}
        </Typography>
      </Box>
      <DataTable
        containerClassName={classes.report}
        testId="import-rows"
        columns={[
          { label: t('keyImport.columns.row'), align: 'right' },
          { label: t('keyImport.columns.outcome') },
          { label: t('keyImport.columns.detail') },
        ]}
      >
        {report.rows.map(row => (
          <TableRow key={row.row} data-testid={`import-row-${row.row}`}>
            <TableCell align="right">{row.row}</TableCell>
            <TableCell>
              <Chip
                size="small"
                color={row.outcome === 'failed' ? 'secondary' : 'default'}
                label={outcome(row)}
              />
            </TableCell>
            <TableCell>
              <span className={classes.detail}>
                {row.error && <Reason text={row.error} />}
                {!row.error && row.keyId && (
                  <code className={classes.keyId}>{row.keyId}</code>
                )}
              </span>
            </TableCell>
          </TableRow>
        ))}
      </DataTable>
    </Box>
  );
}

/**
 * Imports keys from CSV or JSON in two steps: a dry run that reports what
 * each row would do (nothing is written), then the import of the same text.
 * Changing the text asks for a new dry run. Rows with a provider key id that
 * is already in its account update that key; the others register keys.
 */
export function ImportKeysDialog(props: {
  onClose: () => void;
  onImported: () => void;
}) {
  const { onClose, onImported } = props;
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const notify = useNotify();
  const classes = useStyles();
  const [format, setFormat] = useState<Format>('csv');
  const [content, setContent] = useState('');
  const [preview, setPreview] = useState<ImportKeysResponse>();
  const [result, setResult] = useState<ImportKeysResponse>();

  const edit = (next: { format?: Format; content?: string }) => {
    if (next.format) setFormat(next.format);
    if (next.content !== undefined) setContent(next.content);
    // Another text is another import: its dry run is to be done again.
    setPreview(undefined);
  };

  const readFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    edit({ format: formatOfFile(file) ?? format, content: await file.text() });
  };

  /** A dry run first; once its report is shown, the import itself. */
  const submit = async () => {
    if (!preview) {
      setPreview(await api.importKeys({ format, content, dryRun: true }));
      return;
    }
    const done = await api.importKeys({ format, content, dryRun: false });
    setResult(done);
    notify.success(t('keyImport.doneSummary', rowCounts(done)));
    onImported();
  };

  if (result) {
    return (
      <ActionDialog size="md" onClose={onClose} title={t('keyImport.title')}>
        <ImportReport report={result} />
      </ActionDialog>
    );
  }

  const importable = preview ? preview.created + preview.updated : 0;
  return (
    <SubmitDialog
      size="md"
      onClose={onClose}
      title={t('keyImport.title')}
      confirmLabel={
        preview
          ? t('keyImport.import', { rows: String(importable) })
          : t('keyImport.preview')
      }
      ready={preview ? importable > 0 : !!content.trim()}
      onSubmit={submit}
      below={preview && <ImportReport report={preview} />}
    >
      <Typography variant="body2" color="textSecondary">
        {t('keyImport.help')}
      </Typography>
      <Box className={classes.source}>
        <OptionToggle
          label={t('keyImport.format')}
          value={format}
          onChange={value => edit({ format: value as Format })}
          options={[
            { value: 'csv', label: 'CSV' },
            { value: 'json', label: 'JSON' },
          ]}
        />
        <Button variant="outlined" size="small" component="label">
          {t('keyImport.chooseFile')}
          <input
            hidden
            type="file"
            accept=".csv,.json,text/csv,application/json"
            data-testid="import-file"
            onChange={readFile}
          />
        </Button>
      </Box>
      <TextField
        id="import-content"
        variant="outlined"
        multiline
        minRows={6}
        maxRows={14}
        label={t('keyImport.content')}
        placeholder={
          format === 'csv'
            ? 'accountId,name,providerKeyId,ownerRef,expiresAt,tags\nopenai-main,ci-bot,key_abc,group:default/platform,2027-01-31,ci;prod'
            : '[{"accountId": "openai-main", "name": "ci-bot", "ownerRef": "group:default/platform"}]'
        }
        value={content}
        onChange={e => edit({ content: e.target.value })}
        InputProps={{ classes: { input: classes.content } }}
      />
    </SubmitDialog>
  );
}
