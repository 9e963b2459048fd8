import {
  LlmProvider,
  providerClientOptions,
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
export const openRouterProvider: LlmProvider = {
  id: 'openrouter',
  displayName: 'OpenRouter',
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
  currency: 'USD',
  credentialFields: [
    {
      name: 'managementKey',
      label: 'Management (provisioning) key',
      secret: true,
      required: true,
    },
  ],
  billingUrl: 'https://openrouter.ai/settings/credits',
  endpoint: {
    defaultBaseUrl: OPENROUTER_DEFAULT_BASE_URL,
    knownHosts: ['openrouter.ai'],
  },
  createClient(account, context) {
    return new OpenRouterClient({
      ...providerClientOptions('openrouter', account, context),
      managementKey: account.credentials.managementKey,
      workspaceId: account.settings.workspaceId || undefined,
    });
  },
};
