import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { llmUsageAdminPermission } from '@llm-usage/backstage-plugin-llm-usage-common';
import type express from 'express';
import { actionRecord } from '../audit/AuditLog';
import type { RouterContext } from './routerContext';

/*
 * Edits of entries every team shares (prices, tags): anyone may read them,
 * only an LLM Usage admin may change them, and each change is audited.
 */

/**
 * The credentials of who sent a request, among those `allow` lets in, when
 * they hold the LLM Usage admin permission; anyone else is refused with
 * `refusal`, which says what needs the role.
 */
export function adminCredentials(
  { httpAuth, permissions }: Pick<RouterContext, 'httpAuth' | 'permissions'>,
  { allow, refusal }: { allow: Array<'user' | 'service'>; refusal: string },
) {
  return async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, { allow });
    const [decision] = await permissions.authorize(
      [{ permission: llmUsageAdminPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(refusal);
    }
    return credentials;
  };
}

/** An entry as it was (`before`) and as it is (`after`): one of them at least. */
export type AdminEdit =
  | { before?: { id: string }; after: { id: string } }
  | { before: { id: string }; after?: undefined };

/**
 * Records an admin's edits of `targetType` entries, each as
 * `<targetType>.<verb>` on the entry's id, with the entry before and after.
 */
export function adminEditRecorder(
  audit: Pick<RouterContext['audit'], 'record'>,
  targetType: string,
) {
  return (
    req: express.Request,
    actor: BackstageCredentials,
    verb: 'create' | 'update' | 'delete',
    edit: AdminEdit,
  ) => {
    const { id } = edit.after === undefined ? edit.before : edit.after;
    return audit.record(
      actionRecord(actor, `${targetType}.${verb}`, id, {
        before: edit.before,
        after: edit.after,
        request: req,
      }),
    );
  };
}
