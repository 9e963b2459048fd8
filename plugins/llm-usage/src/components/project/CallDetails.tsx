import { Grid, makeStyles } from '@material-ui/core';
import type { CallRecord } from '@llm-usage/backstage-plugin-llm-usage-common';
import { CostSourceChip } from '../common/CostSourceChip';
import { LabelledValue } from '../common/LabelledValue';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  code: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    margin: 0,
    padding: theme.spacing(1),
    backgroundColor: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
    maxHeight: 240,
    overflow: 'auto',
  },
  id: {
    fontFamily: 'monospace',
    wordBreak: 'break-all',
  },
  error: {
    color: theme.palette.error.main,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
}));

/** What an expanded call row shows: why it failed, and everything else known. */
export function CallDetails(props: { call: CallRecord }) {
  const { call } = props;
  const classes = useStyles();
  const { t, format } = useLocalization();
  const hasMetadata = call.metadata && Object.keys(call.metadata).length > 0;

  return (
    <Grid container spacing={2} data-testid={`call-details-${call.id}`}>
      <Grid item xs={12} md={6}>
        <LabelledValue label={t('calls.details.errorReason')}>
          {call.errorReason ? (
            <span className={classes.error}>{call.errorReason}</span>
          ) : (
            t('calls.details.noError')
          )}
        </LabelledValue>
      </Grid>
      <Grid item xs={12} md={6}>
        <LabelledValue label={t('calls.columns.id')}>
          <span className={classes.id}>{call.id}</span>
        </LabelledValue>
      </Grid>
      <Grid item xs={6} md={3}>
        <LabelledValue label={t('calls.columns.type')}>
          {t(`calls.types.${call.type}`)}
        </LabelledValue>
      </Grid>
      <Grid item xs={6} md={3}>
        <LabelledValue label={t('calls.details.user')}>
          {call.userRef}
        </LabelledValue>
      </Grid>
      <Grid item xs={6} md={3}>
        <LabelledValue label={t('calls.details.provider')}>
          {call.provider}
        </LabelledValue>
      </Grid>
      <Grid item xs={6} md={3}>
        <LabelledValue label={t('calls.details.apiKey')}>
          {call.apiKeyId ?? t('common.none')}
        </LabelledValue>
      </Grid>
      <Grid item xs={6} md={3}>
        <LabelledValue label={t('calls.details.ttft')}>
          {format.duration(call.ttftMs)}
        </LabelledValue>
      </Grid>
      <Grid item xs={6} md={3}>
        <LabelledValue label={t('calls.details.cachedTokens')}>
          {format.integer(call.cachedTokens)}
        </LabelledValue>
      </Grid>
      <Grid item xs={6} md={3}>
        <LabelledValue label={t('calls.details.costSource')}>
          {call.costSource ? (
            <>
              {t(`costSource.${call.costSource}Hint`)}
              <CostSourceChip source={call.costSource} />
            </>
          ) : (
            t('costSource.noneHint')
          )}
        </LabelledValue>
      </Grid>
      <Grid item xs={12}>
        <LabelledValue label={t('calls.details.metadata')}>
          {hasMetadata ? (
            <pre className={classes.code}>
              {JSON.stringify(call.metadata, null, 2)}
            </pre>
          ) : (
            t('calls.details.noMetadata')
          )}
        </LabelledValue>
      </Grid>
    </Grid>
  );
}
