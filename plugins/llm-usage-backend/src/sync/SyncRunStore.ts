import type {
  SyncRun,
  SyncRunListQuery,
  SyncRunListResponse,
  SyncScope,
  SyncTrigger,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';

/** `GET /sync-runs`'s query as parsed: times in epoch ms, the limit set. */
export interface SyncRunFilter
  extends Omit<SyncRunListQuery, 'from' | 'to' | 'limit'> {
  /** Restricts to these accounts; undefined means all. */
  accountIds?: string[];
  from?: number;
  to?: number;
  limit: number;
}

/** Sync history: one row per run, written when it starts and when it ends. */
export interface SyncRunStore {
  start(
    accountId: string,
    scope: SyncScope,
    trigger: SyncTrigger,
    now?: number,
  ): Promise<string>;
  finish(
    id: string,
    result: {
      status: 'succeeded' | 'failed';
      items: number;
      error?: string;
    },
    db?: Knex | Knex.Transaction,
    now?: number,
  ): Promise<void>;
  get(id: string): Promise<SyncRun | undefined>;
  /** Start of the last run of this scope that did not fail, if any. */
  lastSuccessfulStart(
    accountId: string,
    scopes: SyncScope[],
  ): Promise<number | undefined>;
  /** Start of the last run of these scopes, whatever its outcome. */
  lastStart(
    accountId: string,
    scopes: SyncScope[],
  ): Promise<number | undefined>;
  /** Whether a run of the account started after `since` and is still running. */
  isRunning(accountId: string, since: number): Promise<boolean>;
  list(filter: SyncRunFilter): Promise<SyncRunListResponse>;
}
