import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  ApiKey,
  CreateProviderKeyResponse,
  KeyBatchResponse,
  KeyListResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Request } from 'express';
import type { DecisionCache } from './DecisionCache';
import type {
  KeyBatchInput,
  KeyListInput,
  KeyRegisterInput,
  KeyUpdateInput,
  ProviderKeyCreateInput,
} from './keySchemas';

/**
 * The key inventory for a caller: reads scoped by permission, audited
 * changes. Implemented by AuthorizedKeyService over KeyInventory.
 *
 * `decisions` lets one request (a batch, an import) ask each permission
 * once; `request` is recorded in the audit trail.
 */
export interface KeyService {
  /** A permission cache for one caller, to pass to the methods below. */
  decisions(credentials: BackstageCredentials): DecisionCache;

  list(
    credentials: BackstageCredentials,
    query: KeyListInput,
  ): Promise<KeyListResponse>;

  get(credentials: BackstageCredentials, id: string): Promise<ApiKey>;

  update(
    credentials: BackstageCredentials,
    id: string,
    input: KeyUpdateInput,
    request?: Request,
    decisions?: DecisionCache,
  ): Promise<ApiKey>;

  register(
    credentials: BackstageCredentials,
    input: KeyRegisterInput,
    request?: Request,
    decisions?: DecisionCache,
  ): Promise<ApiKey>;

  createAtProvider(
    credentials: BackstageCredentials,
    input: ProviderKeyCreateInput,
    request?: Request,
  ): Promise<CreateProviderKeyResponse>;

  /** Enables or disables at the provider when it can, else only here. */
  setEnabled(
    credentials: BackstageCredentials,
    id: string,
    enabled: boolean,
    request?: Request,
    decisions?: DecisionCache,
  ): Promise<{ key: ApiKey; localOnly: boolean }>;

  /** Deletes at the provider when it can, and from the inventory. */
  remove(
    credentials: BackstageCredentials,
    id: string,
    request?: Request,
    decisions?: DecisionCache,
  ): Promise<{ localOnly: boolean }>;

  /** One action on many keys; each key succeeds or fails on its own. */
  batch(
    credentials: BackstageCredentials,
    input: KeyBatchInput,
    request?: Request,
  ): Promise<KeyBatchResponse>;
}
