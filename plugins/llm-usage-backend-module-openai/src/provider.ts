import {
  LlmProvider,
  providerClientOptions,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { OpenAiClient, OPENAI_DEFAULT_BASE_URL } from './OpenAiClient';

/**
 * OpenAI through its Admin API. `credentials.adminKey` is an organization
 * admin key (`sk-admin-…`); `settings.baseUrl` may point at a proxy.
 *
 * @public
 */
export const openAiProvider: LlmProvider = {
  id: 'openai',
  displayName: 'OpenAI',
  // The Admin API cannot create or disable project keys; it can delete them.
  capabilities: [
    'keys.list',
    'keys.delete',
    'usage.byKey',
    'usage.byModel',
    'usage.byProject',
    'costs',
  ],
  currency: 'USD',
  credentialFields: [
    { name: 'adminKey', label: 'Admin API key', secret: true, required: true },
  ],
  billingUrl:
    'https://platform.openai.com/settings/organization/billing/overview',
  endpoint: {
    defaultBaseUrl: OPENAI_DEFAULT_BASE_URL,
    knownHosts: ['api.openai.com'],
  },
  createClient(account, context) {
    return new OpenAiClient({
      ...providerClientOptions('openai', account, context),
      adminKey: account.credentials.adminKey,
    });
  },
};
