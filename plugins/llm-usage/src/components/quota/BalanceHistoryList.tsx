import { useState } from 'react';
import { Box, Button } from '@material-ui/core';
import type { BalanceReading } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useBalanceHistory } from '../../hooks/quota';
import { ActionDialog, QueryContent } from '../common';
import { RecordTable, figureColumn } from '../common/RecordTable';
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
            <RecordTable
              rows={readings}
              rowKey={reading =>
                `${reading.available.currency}-${reading.readAt}`
              }
              emptyText={t('quotaViews.history.empty')}
              columns={[
                {
                  label: t('quotaViews.history.time'),
                  cell: reading => format.shortDateTime(reading.readAt),
                },
                figureColumn<BalanceReading>(
                  t('quotaViews.history.balance'),
                  reading => format.money(reading.available),
                ),
                figureColumn<BalanceReading>(
                  t('quotaViews.history.change'),
                  reading =>
                    reading.change ? format.money(reading.change) : '—',
                ),
                {
                  cell: reading => t(`quotaViews.history.kind.${reading.kind}`),
                },
              ]}
            />
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
