import {
  LlmProvider,
  providerClientOptions,
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
export const volcengineProvider: LlmProvider = {
  id: 'volcengine',
  displayName: 'Volcengine Ark',
  // No Ark API lists, creates or toggles API keys (GetApiKey only mints
  // temporary ones), so keys are registered by hand. GetUsage reports one
  // project's daily tokens without a key or model split; no cost API is used.
  capabilities: ['usage.byProject', 'balance'],
  currency: 'CNY',
  credentialFields: [
    {
      name: 'accessKeyId',
      label: 'Access key ID',
      secret: true,
      required: true,
    },
    {
      name: 'secretAccessKey',
      label: 'Secret access key',
      secret: true,
      required: true,
    },
  ],
  billingUrl: 'https://console.volcengine.com/finance/fund/recharge',
  manualKeyRegistration: true,
  endpoint: {
    defaultBaseUrl: VOLCENGINE_DEFAULT_BASE_URL,
    knownHosts: ['open.volcengineapi.com'],
  },
  createClient(account, context) {
    return new VolcengineClient({
      ...providerClientOptions('volcengine', account, context),
      credentials: {
        accessKeyId: account.credentials.accessKeyId,
        secretAccessKey: account.credentials.secretAccessKey,
        sessionToken: account.credentials.sessionToken || undefined,
      },
      region: account.settings.region || undefined,
      projectName: account.settings.projectName || undefined,
    });
  },
};
