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
