import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type express from 'express';
import type { Caller, CallerResolver } from '../budgets/Caller';

/**
 * Who sent a request — a signed-in user or a backend service — as a
 * `Caller`, with their scope and ownership.
 */
export function requestCaller(
  httpAuth: HttpAuthService,
  callers: Pick<CallerResolver, 'resolve'>,
): (req: express.Request) => Promise<Caller> {
  return async req =>
    callers.resolve(
      await httpAuth.credentials(req, { allow: ['user', 'service'] }),
    );
}
