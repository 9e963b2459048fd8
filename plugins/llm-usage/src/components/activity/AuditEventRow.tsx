import { useState } from 'react';
import {
  Box,
  Collapse,
  TableCell,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import type { AuditEvent } from '@llm-usage/backstage-plugin-llm-usage-common';
import { readableAuditTarget, readableEntityRef } from '../../lib/readableRefs';
import { OneLineText, RowExpandButton } from '../common';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  json: {
    fontFamily: 'monospace',
    fontSize: 12,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    margin: 0,
  },
  panels: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(240px, 1fr))',
    gap: theme.spacing(2),
    padding: theme.spacing(1, 0, 2),
  },
}));

/** One side of a change: the target as JSON, or a dash where there is none. */
function Snapshot(props: { label: string; value: unknown }) {
  const { label, value } = props;
  const classes = useStyles();
  return (
    <Box>
      <Typography variant="overline">{label}</Typography>
      <pre className={classes.json}>
        {value === null || value === undefined
          ? '—'
          : JSON.stringify(value, null, 2)}
      </pre>
    </Box>
  );
}

/** One audit event, with its before/after snapshots on demand. */
export function AuditEventRow(props: { event: AuditEvent }) {
  const { event } = props;
  const { t, format } = useLocalization();
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const hasDetails = event.before !== null || event.after !== null;

  return (
    <>
      <TableRow data-testid={`audit-${event.id}`}>
        <TableCell>
          {hasDetails && (
            <RowExpandButton
              open={open}
              label={t('activity.showChange')}
              onToggle={() => setOpen(o => !o)}
            />
          )}
        </TableCell>
        <TableCell>{format.dateTime(event.occurredAt)}</TableCell>
        <TableCell title={event.actorRef}>
          {readableEntityRef(event.actorRef)}
        </TableCell>
        <TableCell>{event.action}</TableCell>
        <TableCell>
          {event.targetType}:{' '}
          <OneLineText text={event.targetId}>
            {readableAuditTarget(event)}
          </OneLineText>
        </TableCell>
      </TableRow>
      {hasDetails && (
        <TableRow>
          <TableCell colSpan={5} style={{ paddingTop: 0, paddingBottom: 0 }}>
            <Collapse in={open} unmountOnExit>
              <Box className={classes.panels}>
                <Snapshot label={t('activity.before')} value={event.before} />
                <Snapshot label={t('activity.after')} value={event.after} />
              </Box>
            </Collapse>
          </TableCell>
        </TableRow>
      )}
    </>
  );
}
