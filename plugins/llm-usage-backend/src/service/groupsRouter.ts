import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  RELATION_HAS_MEMBER,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  llmUsageKeyReadPermission,
  type GroupProjectsResponse,
  type GroupSpendResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { monthStartOf } from '../time/months';
import { parseProjectListQuery, takeSource } from './queryParsers';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';
import { requestCredentials } from './requestCaller';

export type GroupsRouterOptions = Pick<
  RouterContext,
  | 'httpAuth'
  | 'catalog'
  | 'projects'
  | 'usageSources'
  | 'memberSpend'
  | 'authorizer'
>;

/**
 * A Group's LLM usage, aggregated here rather than in the browser so that a
 * team of any size is counted whole: the projects its Components declare and
 * the spend of the keys each member owns.
 */
export const createGroupsRouter = specRouter(
  (router, options: GroupsRouterOptions) => {
    const { httpAuth, catalog, projects, usageSources, memberSpend } = options;

    const credentialsOf = requestCredentials(httpAuth);

    /**
     * The Group as the caller sees it in the catalog: absent is a 404. Its
     * namespace and name are catalog names, which the spec's pattern checked.
     */
    async function groupOf(
      params: { namespace: string; name: string },
      credentials: BackstageCredentials,
    ) {
      const { namespace, name } = params;
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
      const { source, rest } = takeSource(req.query);
      const query = parseProjectListQuery(rest);
      const credentials = await credentialsOf(req);
      // Refuses a caller without the usage read permission before the catalog.
      await usageSources.viewer(credentials);
      const group = await groupOf(req.params, credentials);
      const projectIds = await projects.projectIdsOwnedBy([group.ref]);
      const list = await usageSources.projectList(
        credentials,
        { ...query, projectIds },
        source,
      );
      const body: GroupProjectsResponse = { groupRef: group.ref, ...list };
      res.json(body);
    });

    router.get('/groups/:namespace/:name/spend', async (req, res) => {
      // The spec checked both are whole numbers within their bounds.
      const page = {
        offset: Number(req.query.offset ?? 0),
        limit: Number(req.query.limit ?? 50),
      };
      const credentials = await credentialsOf(req);
      const group = await groupOf(req.params, credentials);
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
  },
);
