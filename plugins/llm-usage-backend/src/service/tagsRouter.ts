import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  llmUsageAdminPermission,
  llmUsageKeyReadPermission,
  type ListTagsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import express from 'express';
import { z } from 'zod/v3';
import { parseBody } from '../accounts/accountSchemas';
import type { AuditLog } from '../audit/AuditLog';
import type { KeyStore } from '../keys/KeyStore';
import type { LlmUsageAuthorizer } from '../permissions/LlmUsageAuthorizer';
import type { TagStore } from '../tags/TagStore';
import { jsonBody } from './rejectNulCharacters';
import {
  createSpecValidatedRouter,
  type SpecRouter,
} from '../schema/specValidatedRouter';

const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{3,8}$/, 'must be a hex colour such as #1e88e5')
  .nullable();

const tagCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    color: color.optional(),
  })
  .strict();

const tagUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(64).optional(),
    color: color.optional(),
  })
  .strict();

/**
 * Tags: anyone may list them (with counts over the keys they may read);
 * creating, renaming and deleting takes the LLM Usage admin permission,
 * since tags are shared by every team.
 */
export async function createTagsRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  authorizer: LlmUsageAuthorizer;
  tags: TagStore;
  keyStore: KeyStore;
  audit: AuditLog;
}): Promise<SpecRouter> {
  const { httpAuth, tags, audit } = options;
  const router = await createSpecValidatedRouter({
    bodyParser: jsonBody(),
    bodyPaths: ['/tags'],
  });

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  const adminCredentialsOf = async (req: express.Request) => {
    const credentials = await credentialsOf(req);
    const [decision] = await options.permissions.authorize(
      [{ permission: llmUsageAdminPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('Managing tags needs the LLM Usage admin role');
    }
    return credentials;
  };

  const requireTag = async (id: string) => {
    const tag = await tags.get(id);
    if (!tag) throw new NotFoundError(`No tag '${id}'`);
    return tag;
  };

  router.get('/tags', async (req, res) => {
    const credentials = await credentialsOf(req);
    const owners = await options.authorizer.keys.filter(
      credentials,
      llmUsageKeyReadPermission,
    );
    const body: ListTagsResponse = {
      items: await tags.listWithStats(
        owners.kind === 'all' ? undefined : options.keyStore.visibleIds(owners),
      ),
    };
    res.json(body);
  });

  router.post('/tags', async (req, res) => {
    const credentials = await adminCredentialsOf(req);
    const input = parseBody(tagCreateSchema, req.body);
    const tag = await tags.create({
      name: input.name,
      color: input.color ?? null,
    });
    await audit.record({
      actor: credentials,
      action: 'tag.create',
      targetType: 'tag',
      targetId: tag.id,
      after: tag,
      request: req,
    });
    res.status(201).json(tag);
  });

  router.patch('/tags/:id', async (req, res) => {
    const credentials = await adminCredentialsOf(req);
    const input = parseBody(tagUpdateSchema, req.body);
    const before = await requireTag(req.params.id);
    await tags.update(before.id, input);
    const after = await requireTag(before.id);
    await audit.record({
      actor: credentials,
      action: 'tag.update',
      targetType: 'tag',
      targetId: before.id,
      before,
      after,
      request: req,
    });
    res.json(after);
  });

  router.delete('/tags/:id', async (req, res) => {
    const credentials = await adminCredentialsOf(req);
    const before = await requireTag(req.params.id);
    await tags.delete(before.id);
    await audit.record({
      actor: credentials,
      action: 'tag.delete',
      targetType: 'tag',
      targetId: before.id,
      before,
      request: req,
    });
    res.status(204).end();
  });

  return router;
}
