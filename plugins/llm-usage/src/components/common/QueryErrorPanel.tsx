import { Box, Button } from '@material-ui/core';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { llmUsageTranslationRef } from '../../translation';

/** @internal */
export interface QueryErrorPanelProps {
  error: Error;
  onRetry: () => void;
  title?: string;
}

/** The standard Backstage error panel plus a retry button. */
export function QueryErrorPanel(props: QueryErrorPanelProps) {
  const { error, onRetry, title } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return (
    <Box>
      <ResponseErrorPanel error={error} title={title} />
      <Box mt={1}>
        <Button variant="outlined" color="primary" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      </Box>
    </Box>
  );
}
