import express from 'express';
import {
  parseAlertId,
  parseAlertListQuery,
  parseAlertRuleInput,
  parseAlertRuleListQuery,
  parseMarkRead,
  parseNoBody,
} from '../alerts/alertSchemas';
import type { AlertViewer } from '../alerts/types';
import { jsonBody } from './rejectNulCharacters';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';

export type AlertsRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'alerts' | 'callers'
>;

/** In-app alerts (list, unread count, read state) and alert rules. */
export const createAlertsRouter = specRouter(
  { bodyParser: jsonBody(), bodyPaths: ['/alerts', '/alert-rules'] },
  (router, options: AlertsRouterOptions) => {
    const { httpAuth, alerts, callers } = options;

    const caller = async (req: express.Request) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      // Who is asking: admin or not, and their ownership refs.
      const { actorRef, isAdmin, ownershipRefs } = await callers.resolve(
        credentials,
      );
      const viewer: AlertViewer = {
        userRef: actorRef,
        isAdmin,
        ownershipRefs,
      };
      return { credentials, viewer };
    };

    router.get('/alerts', async (req, res) => {
      const filter = parseAlertListQuery(req.query);
      const { viewer } = await caller(req);
      res.json(await alerts.list(viewer, filter));
    });

    router.get('/alerts/unread-count', async (req, res) => {
      const { viewer } = await caller(req);
      res.json(await alerts.unreadCount(viewer));
    });

    router.post('/alerts/read', async (req, res) => {
      const { credentials, viewer } = await caller(req);
      const ids = parseMarkRead(req.body);
      res.json(await alerts.markRead(credentials, viewer, ids, req));
    });

    router.post('/alerts/read-all', async (req, res) => {
      parseNoBody(req.body, req.headers['content-type']);
      const { credentials, viewer } = await caller(req);
      res.json(await alerts.markAllRead(credentials, viewer, req));
    });

    router.post('/alerts/evaluate', async (req, res) => {
      parseNoBody(req.body, req.headers['content-type']);
      const { credentials, viewer } = await caller(req);
      res.json(await alerts.evaluateNow(credentials, viewer, req));
    });

    router.get('/alerts/:id', async (req, res) => {
      const id = parseAlertId(req.params.id);
      const { viewer } = await caller(req);
      res.json(await alerts.get(viewer, id));
    });

    router.get('/alert-rules', async (req, res) => {
      const filter = parseAlertRuleListQuery(req.query);
      res.json(await alerts.listRules(filter, await caller(req)));
    });

    router.put('/alert-rules', async (req, res) => {
      const { credentials, viewer } = await caller(req);
      const input = parseAlertRuleInput(req.body);
      res.json(await alerts.saveRule(credentials, viewer, input, req));
    });

    router.delete('/alert-rules/:id', async (req, res) => {
      const id = parseAlertId(req.params.id);
      const { credentials, viewer } = await caller(req);
      await alerts.deleteRule(credentials, viewer, id, req);
      res.status(204).end();
    });
  },
);
