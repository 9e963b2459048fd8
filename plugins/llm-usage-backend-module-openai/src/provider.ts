import {
  LlmProvider,
  defineApiProvider,
  endpointAt,
  requiredSecret,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { OpenAiClient, OPENAI_DEFAULT_BASE_URL } from './OpenAiClient';

/**
 * OpenAI through its Admin API. `credentials.adminKey` is an organization
 * admin key (`sk-admin-…`); `settings.baseUrl` may point at a proxy.
 *
 * @public
 */
export const openAiProvider: LlmProvider = defineApiProvider({
  id: 'openai',
  displayName: 'OpenAI',
  currency: 'USD',
  // The Admin API cannot create or disable project keys; it can delete them.
  capabilities: [
    'keys.list',
    'keys.delete',
    'usage.byKey',
    'usage.byModel',
    'usage.byProject',
    'costs',
  ],
  credentialFields: [requiredSecret('adminKey', 'Admin API key')],
  billingUrl:
    'https://platform.openai.com/settings/organization/billing/overview',
  endpoint: endpointAt(OPENAI_DEFAULT_BASE_URL),
  client: (options, { credentials }) =>
    new OpenAiClient({ ...options, adminKey: credentials.adminKey }),
});
