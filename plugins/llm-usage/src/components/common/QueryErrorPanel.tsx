import { Box, Button, Typography } from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import type { ResponseError } from '@backstage/errors';
import { errorMessage } from '../../lib/errors';
import { useLocalization } from '../../hooks';

/** @internal */
export interface QueryErrorPanelProps {
  error: Error;
  onRetry: () => void;
  title?: string;
}

type ErrorKind =
  | 'notAllowed'
  | 'notFound'
  | 'badRequest'
  | 'unavailable'
  | 'generic';

/** What went wrong, from the HTTP status of a ResponseError (or a failed fetch). */
export function errorKindOf(error: Error): ErrorKind {
  const status = (error as Partial<ResponseError>).statusCode;
  if (status === 401 || status === 403) return 'notAllowed';
  if (status === 404) return 'notFound';
  if (status === 400) return 'badRequest';
  if (status !== undefined && status >= 500) return 'unavailable';
  // fetch() rejects with a TypeError when the network or backend is unreachable.
  if (status === undefined && error.name === 'TypeError') return 'unavailable';
  return 'generic';
}

/**
 * A translated error message chosen by the error's kind, the server's own
 * message as a secondary detail line, and a retry button.
 */
export function QueryErrorPanel({
  error,
  onRetry,
  title,
}: QueryErrorPanelProps) {
  const { t } = useLocalization();
  const messages: Record<ErrorKind, string> = {
    notAllowed: t('common.error.notAllowed'),
    notFound: t('common.error.notFound'),
    badRequest: t('common.error.badRequest'),
    unavailable: t('common.error.unavailable'),
    generic: t('common.error.generic'),
  };
  const message = messages[errorKindOf(error)];
  const detail = errorMessage(error);
  return (
    <Box>
      <Alert severity="error">
        <AlertTitle>{title ?? message}</AlertTitle>
        {title && <Typography variant="body2">{message}</Typography>}
        {detail && (
          <Typography variant="caption" color="textSecondary" display="block">
            {t('common.error.detail', { message: detail })}
          </Typography>
        )}
      </Alert>
      <Box mt={1}>
        <Button variant="outlined" color="primary" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      </Box>
    </Box>
  );
}
