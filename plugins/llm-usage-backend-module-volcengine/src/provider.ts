import {
  LlmProvider,
  defineApiProvider,
  endpointAt,
  requiredSecret,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import {
  VolcengineClient,
  VOLCENGINE_DEFAULT_BASE_URL,
} from './VolcengineClient';

/**
 * Volcengine (火山引擎) Ark / Doubao with an IAM access key pair.
 * `settings.region` (default `cn-beijing`), `settings.projectName` (the Ark
 * project whose usage is read, default `default`) and `settings.baseUrl`
 * are optional.
 *
 * @public
 */
export const volcengineProvider: LlmProvider = defineApiProvider({
  id: 'volcengine',
  displayName: 'Volcengine Ark',
  currency: 'CNY',
  // No Ark API lists, creates or toggles API keys (GetApiKey only mints
  // temporary ones), so keys are registered by hand. GetUsage reports one
  // project's daily tokens without a key or model split; no cost API is used.
  capabilities: ['usage.byProject', 'balance'],
  credentialFields: [
    requiredSecret('accessKeyId', 'Access key ID'),
    requiredSecret('secretAccessKey', 'Secret access key'),
  ],
  billingUrl: 'https://console.volcengine.com/finance/fund/recharge',
  manualKeyRegistration: true,
  endpoint: endpointAt(VOLCENGINE_DEFAULT_BASE_URL),
  client: (options, { credentials, settings }) =>
    new VolcengineClient({
      ...options,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken || undefined,
      },
      region: settings.region || undefined,
      projectName: settings.projectName || undefined,
    }),
});
