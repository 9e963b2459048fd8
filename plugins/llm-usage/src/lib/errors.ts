/**
 * Whether a failed request answered 404: the thing does not exist, or the
 * viewer may not see it (the backend answers both alike).
 */
export function isNotFound(error: unknown): boolean {
  const { response, name } = (error ?? {}) as {
    response?: { status?: number };
    name?: string;
  };
  return response?.status === 404 || name === 'NotFoundError';
}

/**
 * The message of anything thrown. A failed request's own message only
 * repeats its status ("Request failed with 403 Forbidden"); the server's
 * message says what was refused and why, so it wins.
 */
export function errorMessage(error: unknown): string {
  // Duck-typed: errors may come from another realm (a test's globals).
  const { body, message } = (error ?? {}) as {
    body?: { error?: { message?: unknown } };
    message?: unknown;
  };
  const serverMessage = body?.error?.message;
  if (typeof serverMessage === 'string' && serverMessage) {
    return serverMessage;
  }
  return typeof message === 'string' ? message : String(error);
}
