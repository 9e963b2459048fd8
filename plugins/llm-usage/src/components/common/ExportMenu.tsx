import { useState } from 'react';
import {
  Button,
  CircularProgress,
  ListItemText,
  Menu,
  MenuItem,
} from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import type { ExportedFile, UsageExportFormat } from '../../api';
import { saveFile } from '../../lib/saveFile';
import { useLocalization } from '../../hooks';

const FORMATS: UsageExportFormat[] = ['csv', 'xlsx'];

/** @internal */
export interface ExportMenuProps {
  /** Fetches the file of the current view in the chosen format. */
  onExport: (format: UsageExportFormat) => Promise<ExportedFile>;
  disabled?: boolean;
  testId?: string;
}

/**
 * An "Export" button with a CSV / XLSX choice. The file is fetched through
 * the API client (so the user's token is sent) and then saved; failures are
 * reported through the alert API.
 */
export function ExportMenu({ onExport, disabled, testId }: ExportMenuProps) {
  const { t } = useLocalization();
  const alertApi = useApi(alertApiRef);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (format: UsageExportFormat) => {
    setAnchor(null);
    setBusy(true);
    try {
      saveFile(await onExport(format));
    } catch (error) {
      alertApi.post({
        message: t('usageViews.export.failed', {
          error: error instanceof Error ? error.message : String(error),
        }),
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        size="small"
        variant="outlined"
        startIcon={
          busy ? <CircularProgress size={16} color="inherit" /> : <GetAppIcon />
        }
        disabled={disabled || busy}
        aria-haspopup="menu"
        onClick={event => setAnchor(event.currentTarget)}
        data-testid={testId}
      >
        {busy
          ? t('usageViews.export.preparing')
          : t('usageViews.export.button')}
      </Button>
      <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)}>
        {FORMATS.map(format => (
          <MenuItem
            key={format}
            onClick={() => run(format)}
            data-testid={`export-${format}`}
          >
            <ListItemText
              primary={t(`usageViews.export.formats.${format}`)}
              secondary={t('usageViews.export.scope')}
            />
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
