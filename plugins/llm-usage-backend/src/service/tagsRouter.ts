import { NotFoundError } from '@backstage/errors';
import {
  llmUsageKeyReadPermission,
  type ListTagsResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import { adminCredentials, adminEditRoutes } from './adminEdits';
import { requestCredentials } from './requestCaller';
import { jsonBody } from './rejectNulCharacters';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';

export type TagsRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'permissions' | 'authorizer' | 'tags' | 'keyStore' | 'audit'
>;

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
export const createTagsRouter = specRouter(
  { bodyParser: jsonBody(), bodyPaths: ['/tags'] },
  (router, options: TagsRouterOptions) => {
    const { httpAuth, tags, audit } = options;

    const credentialsOf = requestCredentials(httpAuth);
    const requireTag = async (id: string) => {
      const tag = await tags.get(id);
      if (!tag) throw new NotFoundError(`No tag '${id}'`);
      return tag;
    };
    const edits = adminEditRoutes(audit, 'tag', {
      credentialsOf: adminCredentials(options, {
        allow: ['user', 'service'],
        refusal: 'Managing tags needs the LLM Usage admin role',
      }),
      require: requireTag,
      read: requireTag,
    });

    router.get('/tags', async (req, res) => {
      const credentials = await credentialsOf(req);
      const owners = await options.authorizer.keys.filter(
        credentials,
        llmUsageKeyReadPermission,
      );
      const body: ListTagsResponse = {
        items: await tags.listWithStats(
          owners.kind === 'all'
            ? undefined
            : options.keyStore.visibleIds(owners),
        ),
      };
      res.json(body);
    });

    router.post(
      '/tags',
      edits.create(tagCreateSchema, input =>
        tags.create({ name: input.name, color: input.color ?? null }),
      ),
    );
    router.patch(
      '/tags/:id',
      edits.update(tagUpdateSchema, (id, input) => tags.update(id, input)),
    );
    router.delete(
      '/tags/:id',
      edits.delete(id => tags.delete(id)),
    );
  },
);
