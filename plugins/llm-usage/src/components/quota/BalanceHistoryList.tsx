import { useState } from 'react';
import {
  Box,
  Button,
  TableCell,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useBalanceHistory } from '../../hooks/quota';
import { ActionDialog, DataTable, QueryContent } from '../common';
import { useLocalization } from '../../hooks';

/** @internal */
export interface BalanceHistoryListProps {
  accountId: string;
}

/** An account's readings, newest first, with the top-ups and charges between them. */
export function BalanceHistoryList({ accountId }: BalanceHistoryListProps) {
  const { t, format } = useLocalization();
  const history = useBalanceHistory(accountId);

  return (
    <QueryContent query={history}>
      {value => {
        const readings = value.currencies.flatMap(c => c.readings);
        return (
          <Box data-testid={`balance-history-${accountId}`}>
            {readings.length === 0 ? (
              <Typography variant="body2" color="textSecondary">
                {t('quotaViews.history.empty')}
              </Typography>
            ) : (
              <DataTable
                columns={[
                  { label: t('quotaViews.history.time') },
                  { label: t('quotaViews.history.balance'), align: 'right' },
                  { label: t('quotaViews.history.change'), align: 'right' },
                  {},
                ]}
              >
                {readings.map(reading => (
                  <TableRow
                    key={`${reading.available.currency}-${reading.readAt}`}
                  >
                    <TableCell>
                      {format.shortDateTime(reading.readAt)}
                    </TableCell>
                    <TableCell align="right">
                      {format.money(reading.available)}
                    </TableCell>
                    <TableCell align="right">
                      {reading.change ? format.money(reading.change) : '—'}
                    </TableCell>
                    <TableCell>
                      {t(`quotaViews.history.kind.${reading.kind}`)}
                    </TableCell>
                  </TableRow>
                ))}
              </DataTable>
            )}
          </Box>
        );
      }}
    </QueryContent>
  );
}

/**
 * "Balance history" on an account's card: the readings open in a dialog with
 * room for the table (inside the card it wrapped mid-word), loaded only then.
 */
export function BalanceHistoryButton(props: {
  accountId: string;
  accountName: string;
}) {
  const { accountId, accountName } = props;
  const { t } = useLocalization();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('quotaViews.showHistory')}
      </Button>
      {open && (
        <ActionDialog
          size="md"
          title={t('quotaViews.history.title', { account: accountName })}
          onClose={() => setOpen(false)}
        >
          <BalanceHistoryList accountId={accountId} />
        </ActionDialog>
      )}
    </>
  );
}
