import type {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  RELATION_HAS_MEMBER,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  llmUsageKeyReadPermission,
  type GroupProjectsResponse,
  type GroupSpendResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import type { MemberKeySpend } from '../groups/MemberKeySpend';
import { monthStartOf } from '../keys/KeyStore';
import { parseQuery, wholeNumberParam } from '../lib/parseInput';
import type { LlmUsageAuthorizer } from '../permissions';
import type { UsageService } from '../usage/UsageService';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';
import type { VisibilityResolver } from '../visibility/VisibilityResolver';
import { parseProjectListQuery } from './queryParsers';

/** Catalog entity names and namespaces: letters, digits and `-_.`. */
const entityNamePart = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/, 'must be a catalog entity name');

const groupParamsSchema = z.object({
  namespace: entityNamePart,
  name: entityNamePart,
});

const spendQuerySchema = z
  .object({
    offset: wholeNumberParam(0, 1_000_000).default('0'),
    limit: wholeNumberParam(1, 200).default('50'),
  })
  .strict();

function parseGroupParams(params: unknown) {
  const result = groupParamsSchema.safeParse(params);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(
      `Invalid path parameter '${issue.path.join('.')}': ${issue.message}`,
    );
  }
  return result.data;
}

/**
 * A Group's LLM usage, aggregated here rather than in the browser so that a
 * team of any size is counted whole: the projects its Components declare and
 * the spend of the keys each member owns.
 */
export async function createGroupsRouter(options: {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  projects: ProjectDirectory;
  visibility: VisibilityResolver;
  usage: UsageService;
  memberSpend: MemberKeySpend;
  authorizer: LlmUsageAuthorizer;
}): Promise<express.Router> {
  const { httpAuth, catalog, projects, visibility, usage, memberSpend } =
    options;
  const router = Router();

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** The Group as the caller sees it in the catalog: absent is a 404. */
  async function groupOf(
    req: express.Request,
    credentials: BackstageCredentials,
  ) {
    const { namespace, name } = parseGroupParams(req.params);
    const ref = stringifyEntityRef({ kind: 'group', namespace, name });
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity || entity.kind.toLocaleLowerCase('en-US') !== 'group') {
      throw new NotFoundError(`No group ${ref}`);
    }
    return {
      ref: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
      memberRefs: (entity.relations ?? [])
        .filter(relation => relation.type === RELATION_HAS_MEMBER)
        .map(relation => relation.targetRef.toLocaleLowerCase('en-US')),
    };
  }

  router.get('/groups/:namespace/:name/projects', async (req, res) => {
    const query = parseProjectListQuery(req.query);
    const credentials = await credentialsOf(req);
    const scope = await visibility.scopeFor(credentials);
    const group = await groupOf(req, credentials);
    const projectIds = await projects.projectIdsOwnedBy([group.ref]);
    const list = await usage.projectList(scope, { ...query, projectIds });
    const body: GroupProjectsResponse = { groupRef: group.ref, ...list };
    res.json(body);
  });

  router.get('/groups/:namespace/:name/spend', async (req, res) => {
    const page = parseQuery(spendQuerySchema, req.query);
    const credentials = await credentialsOf(req);
    const group = await groupOf(req, credentials);
    // The keys the caller may read, as the key list filters them.
    const visibleKeys = await options.authorizer.keys.filter(
      credentials,
      llmUsageKeyReadPermission,
    );
    const now = Date.now();
    const { items, totalCount } = await memberSpend.spendByOwner(
      group.memberRefs,
      visibleKeys,
      page,
      now,
    );
    const body: GroupSpendResponse = {
      groupRef: group.ref,
      monthStart: new Date(monthStartOf(now)).toISOString(),
      items,
      totalCount,
      ...page,
    };
    res.json(body);
  });

  return router;
}
