import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type express from 'express';
import type { Caller, CallerResolver } from '../budgets/Caller';

/** The credentials of who sent a request: a signed-in user or a backend service. */
export function requestCredentials(httpAuth: HttpAuthService) {
  return (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
}

/**
 * Who sent a request — a signed-in user or a backend service — as a
 * `Caller`, with their scope and ownership.
 */
export function requestCaller(
  httpAuth: HttpAuthService,
  callers: Pick<CallerResolver, 'resolve'>,
): (req: express.Request) => Promise<Caller> {
  const credentialsOf = requestCredentials(httpAuth);
  return async req => callers.resolve(await credentialsOf(req));
}
