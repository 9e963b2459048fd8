import {
  LlmProvider,
  defineApiProvider,
  endpointAt,
  requiredSecret,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import { AnthropicClient, ANTHROPIC_DEFAULT_BASE_URL } from './AnthropicClient';

/**
 * Anthropic (Claude) through its Admin API. `credentials.adminKey` is an
 * organization admin key (`sk-ant-admin…`); `settings.baseUrl` may point at a
 * proxy.
 *
 * @public
 */
export const anthropicProvider: LlmProvider = defineApiProvider({
  id: 'anthropic',
  displayName: 'Anthropic',
  currency: 'USD',
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
  credentialFields: [requiredSecret('adminKey', 'Admin API key')],
  billingUrl: 'https://console.anthropic.com/settings/billing',
  endpoint: endpointAt(ANTHROPIC_DEFAULT_BASE_URL),
  client: (options, { credentials }) =>
    new AnthropicClient({ ...options, adminKey: credentials.adminKey }),
});
