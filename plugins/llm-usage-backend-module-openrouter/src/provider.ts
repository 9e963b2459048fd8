import {
  LlmProvider,
  defineApiProvider,
  endpointAt,
  requiredSecret,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import {
  OpenRouterClient,
  OPENROUTER_DEFAULT_BASE_URL,
} from './OpenRouterClient';

/**
 * OpenRouter with a management (formerly "provisioning") key.
 * `settings.workspaceId` selects a workspace other than the default one;
 * `settings.baseUrl` may point at a proxy.
 *
 * @public
 */
export const openRouterProvider: LlmProvider = defineApiProvider({
  id: 'openrouter',
  displayName: 'OpenRouter',
  currency: 'USD',
  // Activity has no project dimension; keys carry their workspace instead.
  capabilities: [
    'keys.list',
    'keys.create',
    'keys.setEnabled',
    'keys.setLimit',
    'keys.delete',
    'usage.byKey',
    'usage.byModel',
    'costs',
    'balance',
  ],
  credentialFields: [
    requiredSecret('managementKey', 'Management (provisioning) key'),
  ],
  billingUrl: 'https://openrouter.ai/settings/credits',
  endpoint: endpointAt(OPENROUTER_DEFAULT_BASE_URL),
  client: (options, { credentials, settings }) =>
    new OpenRouterClient({
      ...options,
      managementKey: credentials.managementKey,
      workspaceId: settings.workspaceId || undefined,
    }),
});
