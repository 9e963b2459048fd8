import { parseBody } from '../lib/parseInput';
import {
  rotateKeySchema,
  rotationPolicySchema,
} from '../rotation/KeyRotationService';
import { specRouter } from './specRouter';
import type { RouterContext } from './routerContext';
import { jsonBody } from './rejectNulCharacters';
import { requestCredentials } from './requestCaller';

export type RotationRouterOptions = Pick<
  RouterContext,
  'httpAuth' | 'rotation'
>;

/** Key rotation: the policy per key and the guided rotate. */
export const createRotationRouter = specRouter(
  { bodyParser: jsonBody(), bodyPaths: ['/keys'] },
  (router, options: RotationRouterOptions) => {
    const { httpAuth, rotation } = options;
    const credentialsOf = requestCredentials(httpAuth);

    router.get('/keys/:id/rotation', async (req, res) => {
      const credentials = await credentialsOf(req);
      res.json(await rotation.state(credentials, req.params.id));
    });

    router.put('/keys/:id/rotation', async (req, res) => {
      const credentials = await credentialsOf(req);
      const { maxAgeDays } = parseBody(rotationPolicySchema, req.body);
      res.json(
        await rotation.setPolicy(credentials, req.params.id, maxAgeDays, req),
      );
    });

    router.post('/keys/:id/rotate', async (req, res) => {
      const credentials = await credentialsOf(req);
      const input = parseBody(rotateKeySchema, req.body);
      res
        .status(201)
        .json(await rotation.rotate(credentials, req.params.id, input, req));
    });
  },
);
