import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestBackend,
} from '@backstage/backend-test-utils';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  scaffolderActionsExtensionPoint,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import type { ApiKey } from '@llm-usage/backstage-plugin-llm-usage-common';
import { captureLogger } from '@llm-usage/backstage-plugin-llm-usage-node/testUtils';
// The actions are tested against the real LLM Usage backend plugin.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmUsagePlugin from '@llm-usage/backstage-plugin-llm-usage-backend';
import openRouterModule from '@llm-usage/backstage-plugin-llm-usage-backend-module-openrouter';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createLlmUsageKeyCreateAction } from './createKeyAction';
import scaffolderModuleLlmUsage from '..';

/*
 * The actions against the real LLM Usage backend plugin with the real
 * OpenRouter module, OpenRouter itself behind msw, and a policy like the
 * example one: team members act on what their team owns, NOBODY on nothing.
 */

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const ADMIN = 'user:default/root';
const NOBODY = 'user:default/nobody';
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';
const GROUPS: Record<string, string[]> = { [ALICE]: [TEAM_A] };
const SECRET_MARK = 'THIS-IS-THE-SECRET';
const OPENROUTER = 'https://openrouter.ai/api/v1';

/** What OpenRouter was asked to create or change, in order. */
let providerRequests: Array<{ method: string; path: string; body: any }> = [];
let createdCount = 0;

const openRouterKey = (hash: string, name: string, limit: number | null) => ({
  hash,
  name,
  label: `sk-or-v1-${hash.slice(0, 3)}...${hash.slice(-4)}`,
  disabled: false,
  limit,
  usage: 0,
  created_at: '2026-11-01T00:00:00Z',
  expires_at: null,
  workspace_id: null,
});

const server = setupServer(
  http.post(`${OPENROUTER}/keys`, async ({ request }) => {
    const body = (await request.json()) as { name: string; limit?: number };
    providerRequests.push({ method: 'POST', path: '/keys', body });
    createdCount += 1;
    const hash = `hash${createdCount}`.padEnd(12, '0');
    return HttpResponse.json(
      {
        data: openRouterKey(hash, body.name, body.limit ?? null),
        key: `sk-or-v1-${SECRET_MARK}-${createdCount}`,
      },
      { status: 201 },
    );
  }),
  http.patch(`${OPENROUTER}/keys/:hash`, async ({ request, params }) => {
    const body = (await request.json()) as { limit?: number };
    providerRequests.push({
      method: 'PATCH',
      path: `/keys/${params.hash}`,
      body,
    });
    return HttpResponse.json({
      data: openRouterKey(String(params.hash), 'patched', body.limit ?? null),
    });
  }),
  // What a background sync of the account reads.
  http.get(`${OPENROUTER}/keys`, () => HttpResponse.json({ data: [] })),
  http.get(`${OPENROUTER}/credits`, () =>
    HttpResponse.json({ data: { total_credits: 10, total_usage: 1 } }),
  ),
  http.get(`${OPENROUTER}/activity`, () => HttpResponse.json({ data: [] })),
);

beforeAll(() =>
  server.listen({
    // The actions' own requests go to the test backend on localhost.
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== 'localhost') print.error();
    },
  }),
);
afterAll(() => server.close());
beforeEach(() => {
  providerRequests = [];
});

const refOf = (credentials: BackstageCredentials) =>
  (credentials.principal as Partial<BackstageUserPrincipal>).userEntityRef;

function decisionFor(ref: string | undefined, permission: ResourcePermission) {
  if (ref === ADMIN) return { result: AuthorizeResult.ALLOW };
  if (!ref || ref === NOBODY) return { result: AuthorizeResult.DENY };
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'llm-usage',
    resourceType: permission.resourceType,
    conditions: {
      rule: 'IS_OWNER',
      resourceType: permission.resourceType,
      params: { claims: [ref, ...(GROUPS[ref] ?? [])] },
    },
  };
}

let backend: TestBackend;
const actions = new Map<string, TemplateAction<any, any, any>>();

/** A request to the LLM Usage API as one of the users above. */
async function api(ref: string, method: string, path: string, body?: object) {
  const response = await fetch(`${baseUrl()}/api/llm-usage${path}`, {
    method,
    headers: {
      Authorization: mockCredentials.user.header(ref),
      'Content-Type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return json;
}

function baseUrl() {
  const address = backend.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://localhost:${address.port}`;
}

beforeAll(async () => {
  backend = await startTestBackend({
    extensionPoints: [
      [
        scaffolderActionsExtensionPoint,
        {
          addActions: (...added: TemplateAction<any, any, any>[]) =>
            added.forEach(action => actions.set(action.id, action)),
        },
      ],
    ],
    features: [
      llmUsagePlugin,
      openRouterModule,
      scaffolderModuleLlmUsage,
      mockServices.rootConfig.factory({
        data: { llmUsage: { secrets: { encryptionKey: 'k'.repeat(64) } } },
      }),
      catalogServiceMock.factory({ entities: [] }),
      mockServices.userInfo.mock({
        getUserInfo: async (credentials: BackstageCredentials) => {
          const ref = refOf(credentials)!;
          return {
            userEntityRef: ref,
            ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
          };
        },
      }).factory,
      mockServices.permissions.mock({
        authorize: async (requests, { credentials }) =>
          requests.map(({ permission }) => ({
            result:
              refOf(credentials) === ADMIN ||
              (permission.name !== 'llm-usage.admin' &&
                refOf(credentials) !== NOBODY)
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          })) as any,
        authorizeConditional: async (requests, { credentials }) =>
          requests.map(({ permission }) =>
            decisionFor(refOf(credentials), permission),
          ) as any,
      }).factory,
    ],
  });
  await api(ADMIN, 'POST', '/accounts', {
    id: 'openrouter-main',
    provider: 'openrouter',
    name: 'OpenRouter',
    ownerRef: TEAM_A,
    credentials: { managementKey: 'sk-or-v1-management-not-a-secret' },
  });
  await api(ADMIN, 'POST', '/tags', { name: 'checkout' });
});

afterAll(() => backend?.stop());

/**
 * Runs an action as `ref` and returns its outputs, what it logged and the
 * strings it asked the step logger to redact (as the scaffolder's does).
 */
async function run(actionId: string, ref: string, input: JsonObject) {
  const outputs: Record<string, unknown> = {};
  const { logger, lines } = captureLogger();
  const redacted: string[] = [];
  const ctx = {
    ...createMockActionContext({
      input,
      logger: Object.assign(logger, {
        addRedactions: (values: Iterable<string>) => redacted.push(...values),
      }),
    }),
    // createMockActionContext keeps its own for these two.
    getInitiatorCredentials: async () => mockCredentials.user(ref),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
  };
  try {
    await actions.get(actionId)!.handler(ctx);
  } finally {
    // Whatever happened, no log line of the step holds a secret.
    expect(lines.join('\n')).not.toContain(SECRET_MARK);
  }
  return { ...outputs, lines, redacted } as Record<string, any>;
}

const daysFromNow = (iso: string) =>
  (Date.parse(iso) - Date.now()) / (24 * 60 * 60 * 1000);

describe('llm-usage:key:create', () => {
  it('creates the key at the provider for the Component, as the user, and outputs the secret once', async () => {
    const outputs = await run('llm-usage:key:create', ALICE, {
      accountId: 'openrouter-main',
      name: 'checkout-service',
      ownerRef: TEAM_A,
      componentRef: 'component:default/checkout',
      tags: ['Checkout'],
      expiresInDays: 30,
    });

    expect(providerRequests).toEqual([
      { method: 'POST', path: '/keys', body: { name: 'checkout-service' } },
    ]);
    expect(outputs.secret).toMatch(new RegExp(`^sk-or-v1-${SECRET_MARK}-`));
    expect(outputs.maskedHint).toEqual(expect.stringMatching(/^sk-or-v1-/));
    // The step logs what it did, never the secret, and has the scaffolder's
    // logger redact the secret from anything else logged in the step.
    expect(outputs.lines.join('\n')).toContain(`Created key ${outputs.keyId}`);
    expect(outputs.redacted).toEqual([outputs.secret]);
    const key: ApiKey = await api(ALICE, 'GET', `/keys/${outputs.keyId}`);
    expect(key).toMatchObject({
      accountId: 'openrouter-main',
      providerKeyId: outputs.providerKeyId,
      name: 'checkout-service',
      ownerRef: TEAM_A,
      componentRef: 'component:default/checkout',
      tags: [expect.objectContaining({ name: 'checkout' })],
      // Not kept unless asked for.
      hasSecret: false,
    });
    expect(daysFromNow(key.expiresAt!)).toBeGreaterThan(29.9);
    expect(daysFromNow(key.expiresAt!)).toBeLessThanOrEqual(30);
  });

  it('surfaces a permission refusal as a clear error, before anything is created', async () => {
    // Alice is in team-a: she may not create keys that team-b owns.
    const refused = run('llm-usage:key:create', ALICE, {
      accountId: 'openrouter-main',
      name: 'not-mine',
      ownerRef: TEAM_B,
    });

    await expect(refused).rejects.toThrow(NotAllowedError);
    await expect(refused).rejects.toThrow(
      /did not allow you to create a key on account openrouter-main \(HTTP 403.*ask an owner/,
    );
    expect(providerRequests).toEqual([]);
  });

  it('says an account the user may not see does not exist for them', async () => {
    await expect(
      run('llm-usage:key:create', NOBODY, {
        accountId: 'openrouter-main',
        name: 'x',
        ownerRef: TEAM_A,
      }),
    ).rejects.toThrow(/not allow|not exist or you may not see it/);
    expect(providerRequests).toEqual([]);
  });

  it('refuses a tag that does not exist, naming it', async () => {
    await expect(
      run('llm-usage:key:create', ALICE, {
        accountId: 'openrouter-main',
        name: 'x',
        ownerRef: TEAM_A,
        tags: ['checkout', 'no-such-tag'],
      }),
    ).rejects.toThrow(
      /Invalid field 'tags': no LLM Usage tag named 'no-such-tag'/,
    );
    expect(providerRequests).toEqual([]);
  });

  it('refuses to run when the scaffolder would store step outputs in plain text', async () => {
    const action = createLlmUsageKeyCreateAction({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      taskRecoveryEnabled: true,
    });
    await expect(
      action.handler(
        createMockActionContext({
          input: { accountId: 'openrouter-main', name: 'x', ownerRef: TEAM_A },
          logger: captureLogger().logger,
        }),
      ),
    ).rejects.toThrow(/scaffolder.taskRecovery.enabled/);
    expect(providerRequests).toEqual([]);
  });
});

describe('llm-usage:key:rotate', () => {
  it('rotates through LLM Usage: the replacement like the old key, the rotation recorded with the old key’s grace end', async () => {
    const first = await run('llm-usage:key:create', ALICE, {
      accountId: 'openrouter-main',
      name: 'payments',
      ownerRef: TEAM_A,
      componentRef: 'component:default/payments',
      tags: ['checkout'],
      notes: 'Used by the payments worker.',
    });
    await api(ALICE, 'PATCH', `/keys/${first.keyId}`, {
      limit: { amount: '25', currency: 'USD' },
    });
    providerRequests = [];

    const outputs = await run('llm-usage:key:rotate', ALICE, {
      keyId: first.keyId,
      graceDays: 3,
      expiresInDays: 60,
      storeSecret: true,
    });

    const today = new Date().toISOString().slice(0, 10);
    expect(providerRequests).toEqual([
      {
        method: 'POST',
        path: '/keys',
        body: { name: `payments (${today})`, limit: 25 },
      },
    ]);
    expect(outputs.secret).toMatch(new RegExp(`^sk-or-v1-${SECRET_MARK}-`));
    expect(outputs.redacted).toEqual([outputs.secret]);
    expect(outputs.keyId).not.toEqual(first.keyId);
    expect(outputs.oldKeyId).toEqual(first.keyId);
    expect(outputs.lines.join('\n')).toContain(`Created key ${outputs.keyId}`);

    const replacement: ApiKey = await api(
      ALICE,
      'GET',
      `/keys/${outputs.keyId}`,
    );
    expect(replacement).toMatchObject({
      accountId: 'openrouter-main',
      providerKeyId: outputs.providerKeyId,
      maskedHint: outputs.maskedHint,
      ownerRef: TEAM_A,
      componentRef: 'component:default/payments',
      tags: [expect.objectContaining({ name: 'checkout' })],
      limit: { amount: '25', currency: 'USD' },
      // The inputs for the new key, as when creating one.
      hasSecret: true,
    });
    expect(daysFromNow(replacement.expiresAt!)).toBeGreaterThan(59.9);
    expect(daysFromNow(replacement.expiresAt!)).toBeLessThanOrEqual(60);

    // The rotation is recorded: LLM Usage deletes the old key after the
    // grace period once no calls use it.
    const state = await api(ALICE, 'GET', `/keys/${first.keyId}/rotation`);
    expect(state.rotations).toEqual([
      expect.objectContaining({
        oldKeyId: first.keyId,
        newKeyId: outputs.keyId,
        startedBy: ALICE,
        status: 'grace',
        graceEndsAt: outputs.oldKeyDeleteAfter,
        finishedAt: null,
      }),
    ]);
    expect(daysFromNow(outputs.oldKeyDeleteAfter)).toBeGreaterThan(2.9);
    expect(daysFromNow(outputs.oldKeyDeleteAfter)).toBeLessThanOrEqual(3);
    const old: ApiKey = await api(ALICE, 'GET', `/keys/${first.keyId}`);
    expect(Date.parse(old.expiresAt!)).toEqual(
      Date.parse(outputs.oldKeyDeleteAfter),
    );
    expect(old.expiryState).toBe('expiring');
    // Still working at the provider until it is deleted.
    expect(old.status).toBe('active');
    expect(old.hasSecret).toBe(false);

    // A second rotation of the same key is refused: its replacement exists.
    providerRequests = [];
    await expect(
      run('llm-usage:key:rotate', ALICE, { keyId: first.keyId }),
    ).rejects.toThrow(
      /LLM Usage refused to rotate the key .*already being rotated/,
    );
    expect(providerRequests).toEqual([]);
  });

  it('does not rotate a key the user may not see', async () => {
    const teamBKey: ApiKey = await api(ADMIN, 'POST', '/keys', {
      accountId: 'openrouter-main',
      name: 'team b',
      ownerRef: TEAM_B,
      maskedHint: 'sk-…beef',
    });

    const refused = run('llm-usage:key:rotate', ALICE, { keyId: teamBKey.id });

    await expect(refused).rejects.toThrow(NotFoundError);
    await expect(refused).rejects.toThrow(
      `LLM Usage could not rotate the key ${teamBKey.id}: it does not exist or you may not see it`,
    );
    expect(providerRequests).toEqual([]);
  });
});

describe('the module', () => {
  it('adds both actions to the scaffolder', () => {
    expect([...actions.keys()].sort()).toEqual([
      'llm-usage:key:create',
      'llm-usage:key:rotate',
    ]);
  });
});
