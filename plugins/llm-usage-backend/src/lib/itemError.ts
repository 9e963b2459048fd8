import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';

/**
 * Errors whose message was written for the caller (bad input, a missing or
 * forbidden key, a provider's scrubbed answer). Anything else, a database
 * error above all, may carry SQL text or internals.
 */
const CALLER_ERRORS = new Set([
  'InputError',
  'NotFoundError',
  'NotAllowedError',
  'ConflictError',
  'AuthenticationError',
  'NotImplementedError',
  'ServiceUnavailableError',
  'ProviderBadGatewayError',
]);

export const INTERNAL_ITEM_ERROR =
  'An internal error occurred; the server log has the details';

/**
 * The message for one failed item of a batch or import answered with 200:
 * the error's own message when it was meant for the caller, otherwise a
 * generic one, with the detail logged instead of returned.
 */
export function itemErrorMessage(
  error: unknown,
  logger: LoggerService | undefined,
  what: string,
): string {
  if (isError(error) && CALLER_ERRORS.has(error.name)) {
    return error.message;
  }
  logger?.error(`${what} failed`, isError(error) ? error : undefined);
  return INTERNAL_ITEM_ERROR;
}
