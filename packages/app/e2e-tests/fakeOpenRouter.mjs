// A stand-in for the OpenRouter management API (the paths and shapes the
// backend's OpenRouterClient uses), so the browser tests can create a key at
// a provider without a real account. scripts/e2e.sh picks its port and
// allows the backend to send an account's credentials to it
// (llmUsage.providers.openrouter.allowedBaseUrls); nothing leaves the machine.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

export const FAKE_OPENROUTER_PORT = Number(
  process.env.E2E_FAKE_PROVIDER_PORT ?? 7243,
);
export const FAKE_OPENROUTER_BASE_URL = `http://127.0.0.1:${FAKE_OPENROUTER_PORT}/api/v1`;

function json(response, status, body) {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function bodyOf(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/**
 * Starts the fake on its port. `managementKey` is the bearer it accepts
 * (401 otherwise). Every request is kept in `requests`; keys created through
 * it in `keys`, with the secret it returned once in `secrets`.
 */
export async function startFakeOpenRouter(managementKey) {
  const requests = [];
  const keys = [];
  const secrets = new Map();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, FAKE_OPENROUTER_BASE_URL);
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const body = request.method === 'POST' ? await bodyOf(request) : undefined;
    requests.push({ method: request.method, path, body });
    if (request.headers.authorization !== `Bearer ${managementKey}`) {
      json(response, 401, { error: { code: 401, message: 'No auth' } });
      return;
    }
    if (request.method === 'GET' && path === '/key') {
      json(response, 200, {
        data: { label: 'e2e management key', is_management_key: true },
      });
    } else if (request.method === 'GET' && path === '/keys') {
      // One page: offsets past it are empty.
      json(response, 200, {
        data: Number(url.searchParams.get('offset') ?? 0) > 0 ? [] : keys,
      });
    } else if (request.method === 'POST' && path === '/keys') {
      const secret = `sk-or-v1-${randomBytes(24).toString('hex')}`;
      const key = {
        hash: createHash('sha256').update(secret).digest('hex'),
        name: body.name,
        label: `sk-or-v1-${secret.slice(9, 12)}...${secret.slice(-4)}`,
        disabled: false,
        limit: body.limit ?? null,
        usage: 0,
        created_at: new Date().toISOString(),
        expires_at: null,
        workspace_id: null,
      };
      keys.push(key);
      secrets.set(key.hash, secret);
      json(response, 201, { data: key, key: secret });
    } else if (request.method === 'GET' && path === '/activity') {
      json(response, 200, { data: [] });
    } else if (request.method === 'GET' && path === '/credits') {
      json(response, 200, { data: { total_credits: 100, total_usage: 12.5 } });
    } else {
      json(response, 404, { error: { code: 404, message: 'Not found' } });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(FAKE_OPENROUTER_PORT, '127.0.0.1', resolve);
  });
  return {
    requests,
    keys,
    secrets,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}
