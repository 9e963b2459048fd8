import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type express from 'express';
import { readLiteLlmMapping } from '../ingest/litellm/liteLlmMapping';
import { readOtlpMapping } from '../ingest/otlp/otlpMapping';
import type { Services } from '../services';
import { createAccountsRouter } from './accountsRouter';
import { createAdaptersRouter } from './adaptersRouter';
import { createAlertsRouter } from './alertsRouter';
import { createAuditRouter } from './auditRouter';
import { createBudgetsRouter } from './budgetsRouter';
import { createDailyCostsRouter } from './dailyCostsRouter';
import { createDigestsRouter } from './digestsRouter';
import { createExportRouter } from './exportRouter';
import { createEntityUsageRouter } from './entityUsageRouter';
import { createGroupsRouter } from './groupsRouter';
import { createKeysExportRouter } from './keysExportRouter';
import { createKeysRouter } from './keysRouter';
import { createKeyUsageRouter } from './keyUsageRouter';
import { createPricesRouter } from './pricesRouter';
import { createQuotaRouter } from './quotaRouter';
import { rejectNulCharacters } from './rejectNulCharacters';
import { createRotationRouter } from './rotationRouter';
import { createRouter } from './router';
import type { RouterContext, RouterDeps } from './routerContext';
import { createSloRouter } from './sloRouter';
import { createSyncRunsRouter } from './syncRunsRouter';
import { createTagsRouter } from './tagsRouter';

function authenticateFirst(httpAuth: HttpAuthService): express.RequestHandler {
  return (req, _res, next) => {
    httpAuth.credentials(req).then(() => next(), next);
  };
}

/** The routers behind authentication, in the order they are mounted. */
const AUTHENTICATED_ROUTERS: Array<
  (context: RouterContext) => Promise<express.RequestHandler>
> = [
  createRouter,
  createExportRouter,
  // Budgets, quota, spend digests and the audit trail.
  createBudgetsRouter,
  createQuotaRouter,
  createDigestsRouter,
  createAuditRouter,
  createAlertsRouter,
  // SLOs per project: reports for owners, settings for admins.
  createSloRouter,
  // The price book and re-pricing of calls (admin edits, audited).
  createPricesRouter,
  // Provider accounts, sync runs, the key inventory and tags.
  createAccountsRouter,
  createSyncRunsRouter,
  // Before the keys router, which would take `export` for a key id.
  createKeysExportRouter,
  // Its options call the key usage history `history`.
  context =>
    createKeyUsageRouter({ ...context, history: context.keyUsageHistory }),
  createKeysRouter,
  createRotationRouter,
  createTagsRouter,
  createDailyCostsRouter,
  // A Group's projects and its members' spend, summed on the server.
  createEntityUsageRouter,
  createGroupsRouter,
];

/** Every router of the plugin, in the order they are mounted. */
export async function createRouters(
  deps: RouterDeps,
  services: Services,
): Promise<express.RequestHandler[]> {
  const { config } = deps;
  const context: RouterContext = {
    ...deps,
    ...services,
    maxBatchSize:
      config.getOptionalNumber('llmUsage.ingest.maxBatchSize') ?? 1000,
    demoDataEnabled:
      config.getOptionalBoolean('llmUsage.demoData.enabled') ?? false,
    litellm: readLiteLlmMapping(
      config.getOptionalConfig('llmUsage.ingest.litellm'),
    ),
    otlp: readOtlpMapping(config.getOptionalConfig('llmUsage.ingest.otlp')),
  };
  const routers = [
    rejectNulCharacters,
    // Before the main router, whose JSON parser would refuse LiteLLM's NDJSON.
    await createAdaptersRouter(context),
    // Who asks before what they send: a caller the plugin refuses (a service
    // principal without the capability) is refused before the spec checks
    // its request, and learns nothing of it.
    authenticateFirst(deps.httpAuth),
  ];
  for (const create of AUTHENTICATED_ROUTERS) {
    routers.push(await create(context));
  }
  return routers;
}
