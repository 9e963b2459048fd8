import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { llmUsageAdminPermission } from '@llm-usage/backstage-plugin-llm-usage-common';
import type express from 'express';
import type { z } from 'zod/v3';
import { actionRecord } from '../audit/AuditLog';
import { parseBody } from '../lib/parseInput';
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
type AdminEdit =
  | { before?: { id: string }; after: { id: string } }
  | { before: { id: string }; after?: undefined };

/**
 * The create, update and delete routes of `targetType` entries. Each checks
 * `entries.credentialsOf` first (an admin, or a refusal), then the body, then
 * that the entry to change exists, and is audited as `<targetType>.<verb>`
 * on the entry's id with the entry before and after.
 */
export function adminEditRoutes<
  Before extends { id: string },
  After extends { id: string },
>(
  audit: Pick<RouterContext['audit'], 'record'>,
  targetType: string,
  entries: {
    credentialsOf(req: express.Request): Promise<BackstageCredentials>;
    /** An entry as its audit record shows it; NotFoundError when there is none. */
    require(id: string): Promise<Before>;
    /** An entry as the API answers after an edit. */
    read(id: string): Promise<After>;
  },
) {
  const record = (
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
  return {
    /** `POST`: 201 with the entry `create` made. */
    create<Schema extends z.ZodTypeAny>(
      schema: Schema,
      create: (
        input: z.output<Schema>,
        actor: BackstageCredentials,
      ) => Promise<{ id: string }>,
    ) {
      return async (req: express.Request, res: express.Response) => {
        const actor = await entries.credentialsOf(req);
        const input = parseBody(schema, req.body);
        const { id } = await create(input, actor);
        const after = await entries.read(id);
        await record(req, actor, 'create', { after });
        res.status(201).json(after);
      };
    },

    /** `PATCH /:id`: the entry as `change` left it. */
    update<Schema extends z.ZodTypeAny>(
      schema: Schema,
      change: (
        id: string,
        input: z.output<Schema>,
        actor: BackstageCredentials,
      ) => Promise<unknown>,
    ) {
      return async (
        req: express.Request<{ id: string }>,
        res: express.Response,
      ) => {
        const actor = await entries.credentialsOf(req);
        const input = parseBody(schema, req.body);
        const before = await entries.require(req.params.id);
        await change(before.id, input, actor);
        const after = await entries.read(before.id);
        await record(req, actor, 'update', { before, after });
        res.json(after);
      };
    },

    /** `DELETE /:id`: 204 once `deletion` is done. */
    delete(deletion: (id: string) => Promise<unknown>) {
      return async (
        req: express.Request<{ id: string }>,
        res: express.Response,
      ) => {
        const actor = await entries.credentialsOf(req);
        const before = await entries.require(req.params.id);
        await deletion(before.id);
        await record(req, actor, 'delete', { before });
        res.status(204).end();
      };
    },
  };
}
