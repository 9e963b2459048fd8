import type { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import { parseBody } from '../accounts/accountSchemas';
import {
  type KeyRotationService,
  rotateKeySchema,
  rotationPolicySchema,
} from '../rotation/KeyRotationService';
import {
  createSpecValidatedRouter,
  type SpecRouter,
} from '../schema/specValidatedRouter';
import { jsonBody } from './rejectNulCharacters';

/** Key rotation: the policy per key and the guided rotate. */
export async function createRotationRouter(options: {
  httpAuth: HttpAuthService;
  rotation: KeyRotationService;
}): Promise<SpecRouter> {
  const { httpAuth, rotation } = options;
  const router = await createSpecValidatedRouter({
    bodyParser: jsonBody(),
    bodyPaths: ['/keys'],
  });
  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

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
    const input = parseBody(rotateKeySchema, req.body ?? {});
    res
      .status(201)
      .json(await rotation.rotate(credentials, req.params.id, input, req));
  });

  return router;
}
