import type { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { NewAccount } from './AccountStore';
import { DEFAULT_SCHEDULE } from './AccountStore';

/** An account from `llmUsage.accounts`, with its credentials (from `${ENV}`). */
export interface ConfigAccount {
  account: NewAccount;
  credentials: Record<string, string>;
}

export const ACCOUNT_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;

function stringMap(config: Config | undefined): Record<string, string> {
  if (!config) return {};
  return Object.fromEntries(
    config.keys().map(key => [key, config.getString(key)]),
  );
}

export function readConfigAccounts(config: Config): ConfigAccount[] {
  const seen = new Set<string>();
  return (config.getOptionalConfigArray('llmUsage.accounts') ?? []).map(
    (entry, index) => {
      const id = entry.getString('id');
      if (!ACCOUNT_ID_PATTERN.test(id) || seen.has(id)) {
        throw new Error(
          `llmUsage.accounts[${index}].id '${id}' must be unique and use letters, digits, '-' or '_'`,
        );
      }
      seen.add(id);
      const owner = entry.getOptionalString('owner');
      const schedule = entry.getOptionalConfig('schedule');
      return {
        account: {
          id,
          provider: entry.getString('provider'),
          name: entry.getOptionalString('name') ?? id,
          ownerRef: owner ? stringifyEntityRef(parseEntityRef(owner)) : null,
          source: 'config',
          credentialsEncrypted: null,
          settings: stringMap(entry.getOptionalConfig('settings')),
          schedule: {
            usageEveryMinutes:
              schedule?.getOptionalNumber('usageEveryMinutes') ??
              DEFAULT_SCHEDULE.usageEveryMinutes,
            keysEveryMinutes:
              schedule?.getOptionalNumber('keysEveryMinutes') ??
              DEFAULT_SCHEDULE.keysEveryMinutes,
          },
        },
        credentials: stringMap(entry.getOptionalConfig('credentials')),
      };
    },
  );
}
