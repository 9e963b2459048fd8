import { randomUUID } from 'node:crypto';
import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  llmUsageAccountManagePermission,
  llmUsageAccountUsePermission,
  type ProviderAccountSummary,
  type TestConnectionResponse,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type {
  LlmProvider,
  LlmProviderClient,
  ProviderClientContext,
} from '@llm-usage/backstage-plugin-llm-usage-node';
import type {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';
import { type AuditLog, actionRecord } from '../audit/AuditLog';
import type { LlmUsageAuthorizer } from '../permissions/LlmUsageAuthorizer';
import type { SecretBox } from '../secrets/SecretBox';
import type { ProviderDataStore } from '../sync/ProviderDataStore';
import type { AccountRecord, AccountStore } from './AccountStore';
import type { ProviderRegistry } from './ProviderRegistry';
import type { AccountInput, AccountUpdate } from './accountSchemas';
import {
  BASE_URL_SETTING,
  changesDestination,
  checkBaseUrl,
  type AllowedBaseUrls,
} from './credentialDestination';
import { providerErrorToHttp } from './providerErrors';

export interface AccountServiceOptions {
  store: AccountStore;
  data: ProviderDataStore;
  registry: ProviderRegistry;
  secrets: SecretBox;
  /** Credentials of the accounts from app-config, by account id. */
  configCredentials: Map<string, Record<string, string>>;
  audit: AuditLog;
  authorizer: LlmUsageAuthorizer;
  logger: LoggerService;
  /** Options handed to every provider client (timeouts, retries, fetch). */
  clientContext?: Omit<ProviderClientContext, 'logger'>;
  /** Base URLs app-config allows per provider besides its known hosts. */
  allowedBaseUrls?: AllowedBaseUrls;
}

/** What the audit trail keeps of an account: never its credentials. */
function auditView(account: AccountRecord) {
  const { provider, name, ownerRef, settings, schedule } = account;
  return { provider, name, ownerRef, settings, schedule };
}

/** Accounts at providers: the API view, changes, credentials and clients. */
export class AccountService {
  constructor(private readonly options: AccountServiceOptions) {}

  /**
   * The accounts the caller may manage (their owners' and, for admins, all):
   * balances and sync errors are the owning team's business.
   */
  async list(
    credentials: BackstageCredentials,
  ): Promise<ProviderAccountSummary[]> {
    const [decision, all, balances, keyCounts] = await Promise.all([
      this.options.authorizer.accounts.decide(
        credentials,
        llmUsageAccountManagePermission,
      ),
      this.options.store.list(),
      this.options.data.latestBalances(),
      this.options.store.keyCounts(),
    ]);
    const accounts = all.filter(account =>
      this.options.authorizer.accounts.allows(decision, account),
    );
    return accounts.map(account =>
      this.summarize(
        account,
        balances.filter(balance => balance.accountId === account.id),
        keyCounts.get(account.id) ?? 0,
      ),
    );
  }

  /** Ids of the accounts the caller may see (manage), for scoping lists. */
  async visibleIds(credentials: BackstageCredentials): Promise<string[]> {
    const [decision, all] = await Promise.all([
      this.options.authorizer.accounts.decide(
        credentials,
        llmUsageAccountManagePermission,
      ),
      this.options.store.list(),
    ]);
    return all
      .filter(account =>
        this.options.authorizer.accounts.allows(decision, account),
      )
      .map(account => account.id);
  }

  /** One account; one the caller may not manage is not found. */
  async get(
    credentials: BackstageCredentials,
    id: string,
  ): Promise<ProviderAccountSummary> {
    const account = await this.require(id);
    const decision = await this.options.authorizer.accounts.decide(
      credentials,
      llmUsageAccountManagePermission,
    );
    if (!this.options.authorizer.accounts.allows(decision, account)) {
      throw new NotFoundError(`No provider account '${id}'`);
    }
    return this.summaryOf(account);
  }

  private async summaryOf(
    account: AccountRecord,
  ): Promise<ProviderAccountSummary> {
    const id = account.id;
    const balances = (await this.options.data.latestBalances()).filter(
      balance => balance.accountId === id,
    );
    const keyCounts = await this.options.store.keyCounts();
    return this.summarize(account, balances, keyCounts.get(id) ?? 0);
  }

  async require(id: string): Promise<AccountRecord> {
    const account = await this.options.store.get(id);
    if (!account) {
      throw new NotFoundError(`No provider account '${id}'`);
    }
    return account;
  }

  isInstalled(account: AccountRecord): boolean {
    return this.options.registry.has(account.provider);
  }

  providerOf(account: AccountRecord): LlmProvider {
    const provider = this.options.registry.get(account.provider);
    if (!provider) {
      throw new InputError(
        `Provider '${account.provider}' of account '${account.id}' is not installed in this backend`,
      );
    }
    return provider;
  }

  /** Decrypted credentials: for provider clients only, never returned or logged. */
  credentialsOf(account: AccountRecord): Record<string, string> {
    if (account.source === 'config') {
      return this.options.configCredentials.get(account.id) ?? {};
    }
    if (!account.credentialsEncrypted) {
      return {};
    }
    try {
      return this.options.secrets.decryptJson(account.credentialsEncrypted);
    } catch (error) {
      throw new InputError(
        `Invalid field 'credentials': the stored credentials of account '${
          account.id
        }' cannot be read (${
          (error as Error).message
        }); enter them again, or list the key they were stored with in llmUsage.secrets.previousEncryptionKeys`,
      );
    }
  }

  /**
   * A client for the account's provider. Throws an InputError naming the
   * field when a credential is missing or the base URL is not one its
   * credentials may be sent to (accounts stored before that was checked
   * included), so nothing is sent.
   */
  clientFor(account: AccountRecord): LlmProviderClient {
    const provider = this.providerOf(account);
    if (account.source !== 'config') {
      checkBaseUrl(
        provider,
        account.settings[BASE_URL_SETTING],
        this.allowedBaseUrls,
      );
    }
    const credentials = this.credentialsOf(account);
    for (const field of provider.credentialFields) {
      if (field.required && !credentials[field.name]) {
        throw new InputError(
          `Invalid field 'credentials.${field.name}': account '${
            account.id
          }' has no ${field.label}; ${
            account.source === 'config'
              ? `set it in app-config (llmUsage.accounts, credentials.${field.name})`
              : 'enter it in the account settings'
          }`,
        );
      }
    }
    return provider.createClient(
      {
        id: account.id,
        provider: account.provider,
        name: account.name,
        credentials,
        settings: account.settings,
      },
      { ...this.options.clientContext, logger: this.options.logger },
    );
  }

  private get allowedBaseUrls(): AllowedBaseUrls {
    return this.options.allowedBaseUrls ?? new Map();
  }

  async create(
    credentials: BackstageCredentials,
    input: AccountInput,
    request?: Request,
  ): Promise<ProviderAccountSummary> {
    const provider = this.options.registry.get(input.provider);
    if (!provider) {
      throw new InputError(
        `Invalid field 'provider': '${
          input.provider
        }' is not installed (installed: ${this.options.registry
          .list()
          .map(p => p.id)
          .join(', ')})`,
      );
    }
    for (const field of provider.credentialFields) {
      if (field.required && !input.credentials[field.name]) {
        throw new InputError(
          `Invalid field 'credentials.${field.name}': required for ${provider.displayName}`,
        );
      }
    }
    checkBaseUrl(
      provider,
      input.settings?.[BASE_URL_SETTING],
      this.allowedBaseUrls,
    );
    await this.options.authorizer.accounts.assert(
      credentials,
      llmUsageAccountManagePermission,
      { ownerRef: input.ownerRef ?? null },
    );
    const id = input.id ?? `${input.provider}-${randomUUID().slice(0, 8)}`;
    if (await this.options.store.get(id)) {
      throw new InputError(`Invalid field 'id': account '${id}' exists`);
    }
    const account = {
      id,
      provider: input.provider,
      name: input.name,
      ownerRef: input.ownerRef ?? null,
      source: 'api' as const,
      credentialsEncrypted: this.options.secrets.encryptJson(input.credentials),
      settings: input.settings ?? {},
      schedule: {
        usageEveryMinutes: input.schedule?.usageEveryMinutes ?? 60,
        keysEveryMinutes: input.schedule?.keysEveryMinutes ?? 24 * 60,
      },
    };
    await this.options.store.create(account);
    const created = await this.require(id);
    await this.options.audit.record(
      actionRecord(credentials, 'account.create', id, {
        after: {
          ...auditView(created),
          credentialsSet: Object.keys(input.credentials),
        },
        request,
      }),
    );
    return this.summaryOf(await this.require(id));
  }

  async update(
    credentials: BackstageCredentials,
    id: string,
    input: AccountUpdate,
    request?: Request,
  ): Promise<ProviderAccountSummary> {
    const account = await this.requireEditable(credentials, id, 'change');
    if (input.ownerRef !== undefined && input.ownerRef !== account.ownerRef) {
      // Handing an account to another owner needs the right on both sides.
      await this.options.authorizer.accounts.assert(
        credentials,
        llmUsageAccountManagePermission,
        { ownerRef: input.ownerRef },
      );
    }
    let credentialsEncrypted: string | undefined;
    const provider = this.options.registry.get(account.provider);
    const moved =
      provider && input.settings
        ? changesDestination(provider, account.settings, input.settings)
        : undefined;
    if (provider && input.settings) {
      checkBaseUrl(
        provider,
        input.settings[BASE_URL_SETTING],
        this.allowedBaseUrls,
      );
    }
    if (provider && moved) {
      // The stored secrets were given for the old destination: sending them
      // elsewhere takes someone who knows them, not just the right to edit.
      const missing = provider.credentialFields.find(
        field => field.required && !input.credentials?.[field.name],
      );
      if (missing) {
        throw new InputError(
          `Invalid field 'credentials.${missing.name}': changing settings.${moved} changes where the credentials are sent; enter them again`,
        );
      }
      credentialsEncrypted = this.options.secrets.encryptJson(
        input.credentials!,
      );
    } else if (input.credentials) {
      credentialsEncrypted = this.options.secrets.encryptJson({
        ...this.credentialsOf(account),
        ...input.credentials,
      });
    }
    await this.options.store.update(id, {
      name: input.name,
      ownerRef: input.ownerRef,
      settings: input.settings,
      schedule: input.schedule
        ? { ...account.schedule, ...input.schedule }
        : undefined,
      credentialsEncrypted,
    });
    const updated = await this.require(id);
    await this.options.audit.record(
      actionRecord(credentials, 'account.update', id, {
        before: auditView(account),
        after: {
          ...auditView(updated),
          ...(input.credentials
            ? { credentialsChanged: Object.keys(input.credentials) }
            : {}),
        },
        request,
      }),
    );
    return this.summaryOf(await this.require(id));
  }

  async remove(
    credentials: BackstageCredentials,
    id: string,
    request?: Request,
  ): Promise<void> {
    const account = await this.requireEditable(credentials, id, 'remove');
    await this.options.store.delete(id);
    await this.options.audit.record(
      actionRecord(credentials, 'account.delete', id, {
        before: auditView(account),
        request,
      }),
    );
  }

  /**
   * An account the caller may manage and that was created through the API;
   * one from app-config is changed or removed there.
   */
  private async requireEditable(
    credentials: BackstageCredentials,
    id: string,
    verb: 'change' | 'remove',
  ): Promise<AccountRecord> {
    const account = await this.require(id);
    await this.assertManageable(credentials, account);
    if (account.source === 'config') {
      throw new InputError(
        `Account '${id}' is defined in app-config; ${verb} it there`,
      );
    }
    return account;
  }

  async testConnection(
    credentials: BackstageCredentials,
    id: string,
  ): Promise<TestConnectionResponse> {
    const account = await this.requireUsable(credentials, id);
    // Missing or refused credentials are errors (400, 502), not a test
    // result: the account needs fixing before anything else works.
    try {
      await this.clientFor(account).testConnection();
      return { ok: true, error: null };
    } catch (error) {
      throw providerErrorToHttp(error);
    }
  }

  /** An account the caller may not manage is one they may not see: 404. */
  async assertManageable(
    credentials: BackstageCredentials,
    account: AccountRecord,
  ): Promise<void> {
    const decision = await this.options.authorizer.accounts.decide(
      credentials,
      llmUsageAccountManagePermission,
    );
    if (!this.options.authorizer.accounts.allows(decision, account)) {
      throw new NotFoundError(`No provider account '${account.id}'`);
    }
  }

  /**
   * The account, when the caller may use its credentials (reach the
   * provider with them). Owning a key on it is not enough. An account the
   * caller may not see is not found; one they see but may not use is refused.
   */
  async requireUsable(
    credentials: BackstageCredentials,
    id: string,
    // A batch passes its cache, so 500 keys ask the policy once.
    decide: (permission: ResourcePermission) => Promise<PolicyDecision> = p =>
      this.options.authorizer.accounts.decide(credentials, p),
  ): Promise<AccountRecord> {
    const account = await this.require(id);
    const { authorizer } = this.options;
    const [use, manage] = await Promise.all([
      decide(llmUsageAccountUsePermission),
      decide(llmUsageAccountManagePermission),
    ]);
    if (authorizer.accounts.allows(use, account)) return account;
    if (!authorizer.accounts.allows(manage, account)) {
      throw new NotFoundError(`No provider account '${id}'`);
    }
    throw new NotAllowedError(
      `Not allowed: ${llmUsageAccountUsePermission.name} on provider account '${id}'`,
    );
  }

  private summarize(
    account: AccountRecord,
    balances: ProviderAccountSummary['balances'],
    keyCount: number,
  ): ProviderAccountSummary {
    const provider = this.options.registry.get(account.provider);
    let credentialsSet: string[] = [];
    try {
      credentialsSet = Object.entries(this.credentialsOf(account))
        .filter(([, value]) => Boolean(value))
        .map(([name]) => name)
        .sort();
    } catch (error) {
      this.options.logger.warn(
        `Stored credentials of account ${account.id} cannot be read: ${
          (error as Error).message
        }`,
      );
    }
    return {
      id: account.id,
      provider: account.provider,
      providerDisplayName: provider?.displayName ?? account.provider,
      providerInstalled: Boolean(provider),
      name: account.name,
      ownerRef: account.ownerRef,
      source: account.source,
      status: account.status,
      lastSyncAt: account.lastSyncAt
        ? new Date(account.lastSyncAt).toISOString()
        : null,
      lastError: account.lastError,
      capabilities: provider ? [...provider.capabilities] : [],
      currency: provider?.currency ?? 'USD',
      billingUrl: account.settings.billingUrl ?? provider?.billingUrl ?? null,
      // A provider module says so when keys can only be registered by hand;
      // an account whose module is not installed can only be managed by hand.
      manualKeyRegistration: provider
        ? provider.manualKeyRegistration ?? false
        : true,
      credentialsSet,
      settings: account.settings,
      schedule: account.schedule,
      keyCount,
      balances,
      createdAt: new Date(account.createdAt).toISOString(),
      updatedAt: new Date(account.updatedAt).toISOString(),
    };
  }
}
