import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';
import { parseProjectTrendsQuery, takeSource } from './queryParsers';

export type EntityUsageRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'catalog' | 'usageSources'
>;

/**
 * `GET /entities/:kind/:namespace/:name/usage`: a Component's or Group's
 * usage from recorded calls or provider reports, for its entity tab.
 */
export const createEntityUsageRouter = specRouter(
  (router, options: EntityUsageRouterOptions) => {
    const { httpAuth, catalog, usageSources } = options;

    router.get('/entities/:kind/:namespace/:name/usage', async (req, res) => {
      const { source, rest } = takeSource(req.query);
      const query = parseProjectTrendsQuery(rest);
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      // Refuses a caller without the usage read permission before the catalog.
      await usageSources.viewer(credentials);
      // The spec allows only component and group, and catalog names.
      const { kind, namespace, name } = req.params;
      const ref = stringifyEntityRef({ kind, namespace, name });
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (!entity || entity.kind.toLocaleLowerCase('en-US') !== kind) {
        throw new NotFoundError(`No ${kind} ${ref}`);
      }
      const target = await usageSources.targetOf(entity);
      res.json(
        await usageSources.entityUsage(credentials, target, query, source),
      );
    });
  },
);
