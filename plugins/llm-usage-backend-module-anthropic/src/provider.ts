import {
  LlmProvider,
  providerClientOptions,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { AnthropicClient, ANTHROPIC_DEFAULT_BASE_URL } from './AnthropicClient';

/**
 * Anthropic (Claude) through its Admin API. `credentials.adminKey` is an
 * organization admin key (`sk-ant-admin…`); `settings.baseUrl` may point at a
 * proxy.
 *
 * @public
 */
export const anthropicProvider: LlmProvider = {
  id: 'anthropic',
  displayName: 'Anthropic',
  // Keys can be enabled/disabled through a status update, but neither created
  // nor deleted; the cost report has no per-key split; there is no balance API.
  capabilities: [
    'keys.list',
    'keys.setEnabled',
    'usage.byKey',
    'usage.byModel',
    'usage.byProject',
    'costs',
  ],
  currency: 'USD',
  credentialFields: [
    { name: 'adminKey', label: 'Admin API key', secret: true, required: true },
  ],
  billingUrl: 'https://console.anthropic.com/settings/billing',
  endpoint: {
    defaultBaseUrl: ANTHROPIC_DEFAULT_BASE_URL,
    knownHosts: ['api.anthropic.com'],
  },
  createClient(account, context) {
    return new AnthropicClient({
      ...providerClientOptions('anthropic', account, context),
      adminKey: account.credentials.adminKey,
    });
  },
};
