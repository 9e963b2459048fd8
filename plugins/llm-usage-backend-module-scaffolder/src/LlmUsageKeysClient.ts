import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import type {
  CreateProviderKeyRequest,
  CreateProviderKeyResponse,
  ListTagsResponse,
  RotateKeyRequest,
  RotateKeyResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';

const LLM_USAGE_PLUGIN_ID = 'llm-usage';
const enc = encodeURIComponent;

/**
 * The few LLM Usage key routes the scaffolder actions need, called with a
 * token on behalf of the person running the template, so the plugin's
 * permission checks apply to them and not to the scaffolder.
 */
export class LlmUsageKeysClient {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      onBehalfOf: BackstageCredentials;
    },
  ) {}

  createAtProvider(
    body: CreateProviderKeyRequest,
  ): Promise<CreateProviderKeyResponse> {
    return this.request(
      `create a key on account ${body.accountId}`,
      'POST',
      '/keys/provider',
      body,
    );
  }

  /** The guided rotation: the new key, and the old one's recorded deletion. */
  rotateKey(id: string, body: RotateKeyRequest): Promise<RotateKeyResponse> {
    return this.request(
      `rotate the key ${id}`,
      'POST',
      `/keys/${enc(id)}/rotate`,
      body,
    );
  }

  listTags(): Promise<ListTagsResponse> {
    return this.request('list the tags', 'GET', '/tags');
  }

  private async request<T>(
    action: string,
    method: string,
    path: string,
    body?: object,
  ): Promise<T> {
    const { discovery, auth, onBehalfOf } = this.options;
    const baseUrl = await discovery.getBaseUrl(LLM_USAGE_PLUGIN_ID);
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf,
      targetPluginId: LLM_USAGE_PLUGIN_ID,
    });
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) {
      throw explain(action, await ResponseError.fromResponse(response));
    }
    return (await response.json()) as T;
  }
}

/**
 * Turns an error answer into an error that says what was refused and why, in
 * the words of the LLM Usage backend (its messages never carry a secret).
 */
function explain(action: string, error: ResponseError): Error {
  const reason = error.body.error.message;
  switch (error.statusCode) {
    case 400:
      return new InputError(`LLM Usage refused to ${action}: ${reason}`);
    case 401:
    case 403:
      return new NotAllowedError(
        `LLM Usage did not allow you to ${action} (HTTP ${error.statusCode}: ${reason}). ` +
          'A template acts with the permissions of the person running it: ask an owner of the ' +
          'account or key, or an LLM Usage admin.',
      );
    case 404:
      // The plugin answers 404 for what the caller may not see, too.
      return new NotFoundError(
        `LLM Usage could not ${action}: it does not exist or you may not see it (${reason})`,
      );
    case 409:
      return new ConflictError(`LLM Usage refused to ${action}: ${reason}`);
    default:
      return new Error(
        `LLM Usage failed to ${action} (HTTP ${error.statusCode}: ${reason})`,
      );
  }
}
