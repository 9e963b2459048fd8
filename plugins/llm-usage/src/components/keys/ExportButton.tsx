import { useState } from 'react';
import { Button, Menu, MenuItem } from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import type { UsageExportFormat } from '../../api';
import { useLocalization } from '../../hooks';

/** A button opening a CSV / XLSX choice. */
export function ExportButton({
  label,
  disabled,
  testId,
  onExport,
}: {
  label: string;
  disabled?: boolean;
  testId?: string;
  onExport: (format: UsageExportFormat) => void;
}) {
  const { t } = useLocalization();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        startIcon={<GetAppIcon />}
        disabled={disabled}
        aria-haspopup="menu"
        data-testid={testId}
        onClick={e => setAnchor(e.currentTarget)}
      >
        {label}
      </Button>
      <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)}>
        {(['csv', 'xlsx'] as const).map(format => (
          <MenuItem
            key={format}
            data-testid={testId && `${testId}-${format}`}
            onClick={() => {
              setAnchor(null);
              onExport(format);
            }}
          >
            {t(`keyWorkspace.export.${format}`)}
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
