import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { SloReportResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import type express from 'express';
import type { Caller } from '../budgets/Caller';
import { parseBody } from '../lib/parseInput';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';
import { sloSettingsSchema } from '../slo/sloDeclaration';
import { parseProjectId } from './queryParsers';
import { jsonBody } from './rejectNulCharacters';
import { requestCaller } from './requestCaller';

export type SloRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'callers' | 'projects' | 'slo' | 'sloSettings' | 'audit'
>;

/**
 * `/slo/projects/{projectId}`: a project's SLO report, for whoever sees the
 * whole project (its owners and admins; anyone else gets 404, as for any
 * project they cannot see). Its `/settings` are the admin's objectives,
 * which override the Component's annotations; changes are audited.
 */
export const createSloRouter = specRouter(
  { bodyParser: jsonBody(), bodyPaths: ['/slo'] },
  (router, options: SloRouterOptions) => {
    const { httpAuth, callers, projects, slo, sloSettings, audit } = options;

    const callerOf = requestCaller(httpAuth, callers);

    /** The project, when the caller sees all of it and it exists. */
    const requireProject = async (caller: Caller, projectId: string) => {
      const { scope } = caller;
      const visible =
        scope.kind === 'all' || scope.projectIds.includes(projectId);
      const known =
        (await projects.entityOf(projectId)) !== undefined ||
        (await sloSettings.get(projectId)) !== undefined;
      if (!visible || !known) {
        throw new NotFoundError(`No project '${projectId}'`);
      }
    };

    const adminOf = async (req: express.Request) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const caller = await callers.resolve(credentials);
      if (!caller.isAdmin) {
        throw new NotAllowedError(
          'Setting SLOs needs the LLM Usage admin role',
        );
      }
      return credentials;
    };

    router.get('/slo/projects/:projectId', async (req, res) => {
      const projectId = parseProjectId(req.params.projectId);
      await requireProject(await callerOf(req), projectId);
      const body: SloReportResponse = await slo.report(projectId);
      res.json(body);
    });

    router.get('/slo/projects/:projectId/settings', async (req, res) => {
      const projectId = parseProjectId(req.params.projectId);
      await requireProject(await callerOf(req), projectId);
      const saved = await sloSettings.get(projectId);
      if (!saved) throw new NotFoundError(`No SLO settings for '${projectId}'`);
      res.json(saved);
    });

    router.put('/slo/projects/:projectId/settings', async (req, res) => {
      const projectId = parseProjectId(req.params.projectId);
      const credentials = await adminOf(req);
      const input = parseBody(sloSettingsSchema, req.body);
      const before = await sloSettings.get(projectId);
      const after = await sloSettings.set(
        projectId,
        input.objectives,
        (
          await callers.resolve(credentials)
        ).actorRef,
      );
      await audit.record({
        actor: credentials,
        action: 'slo.update',
        targetType: 'project',
        targetId: projectId,
        before,
        after,
        request: req,
      });
      res.json(after);
    });

    router.delete('/slo/projects/:projectId/settings', async (req, res) => {
      const projectId = parseProjectId(req.params.projectId);
      const credentials = await adminOf(req);
      const before = await sloSettings.delete(projectId);
      if (!before)
        throw new NotFoundError(`No SLO settings for '${projectId}'`);
      await audit.record({
        actor: credentials,
        action: 'slo.delete',
        targetType: 'project',
        targetId: projectId,
        before,
        request: req,
      });
      res.status(204).end();
    });
  },
);
