import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseBody, parseQuery } from '../lib/parseInput';
import type { KeyImporter } from '../keys/KeyImporter';
import type { KeyService } from '../keys/KeyService';
import {
  keyBatchSchema,
  keyImportSchema,
  keyListQuerySchema,
  keyRegisterSchema,
  keyUpdateSchema,
  providerKeyCreateSchema,
} from '../keys/keySchemas';
import { jsonBody } from './rejectNulCharacters';
import { specRouter } from './specRouter';
import { requestCredentials } from './requestCaller';

/** The key inventory API; permissions are checked per key in AuthorizedKeyService. */
export const createKeysRouter = specRouter(
  { bodyParser: jsonBody({ limit: '10mb' }), bodyPaths: ['/keys'] },
  (
    router,
    options: {
      httpAuth: HttpAuthService;
      keys: KeyService;
      keyImporter: KeyImporter;
    },
  ) => {
    const { httpAuth, keys } = options;

    const credentialsOf = requestCredentials(httpAuth);

    router.get('/keys', async (req, res) => {
      const credentials = await credentialsOf(req);
      res.json(
        await keys.list(credentials, parseQuery(keyListQuerySchema, req.query)),
      );
    });

    router.post('/keys', async (req, res) => {
      const credentials = await credentialsOf(req);
      const input = parseBody(keyRegisterSchema, req.body);
      res.status(201).json(await keys.register(credentials, input, req));
    });

    router.post('/keys/provider', async (req, res) => {
      const credentials = await credentialsOf(req);
      const input = parseBody(providerKeyCreateSchema, req.body);
      res
        .status(201)
        .json(await keys.createAtProvider(credentials, input, req));
    });

    router.post('/keys/batch', async (req, res) => {
      const credentials = await credentialsOf(req);
      const input = parseBody(keyBatchSchema, req.body);
      res.json(await keys.batch(credentials, input, req));
    });

    router.post('/keys/import', async (req, res) => {
      const credentials = await credentialsOf(req);
      const input = parseBody(keyImportSchema, req.body);
      res.json(await options.keyImporter.import(credentials, input, req));
    });

    router.get('/keys/:id', async (req, res) => {
      const credentials = await credentialsOf(req);
      res.json(await keys.get(credentials, req.params.id));
    });

    router.patch('/keys/:id', async (req, res) => {
      const credentials = await credentialsOf(req);
      const input = parseBody(keyUpdateSchema, req.body);
      res.json(await keys.update(credentials, req.params.id, input, req));
    });

    router.post('/keys/:id/enable', async (req, res) => {
      const credentials = await credentialsOf(req);
      res.json(await keys.setEnabled(credentials, req.params.id, true, req));
    });

    router.post('/keys/:id/disable', async (req, res) => {
      const credentials = await credentialsOf(req);
      res.json(await keys.setEnabled(credentials, req.params.id, false, req));
    });

    router.delete('/keys/:id', async (req, res) => {
      const credentials = await credentialsOf(req);
      res.json(await keys.remove(credentials, req.params.id, req));
    });
  },
);
