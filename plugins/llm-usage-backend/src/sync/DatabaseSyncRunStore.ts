import { randomUUID } from 'node:crypto';
import type {
  SyncRun,
  SyncRunListResponse,
  SyncRunStatus,
  SyncScope,
  SyncTrigger,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { SYNC_RUNS_TABLE } from '../accounts/tables';
import { newestFirstPage } from '../lib/newestFirstPage';
import {
  integer,
  isoTimestamp,
  nullable,
  rowMapping,
  text,
} from '../lib/rowMapping';
import { type SyncRunStore, type SyncRunFilter } from './SyncRunStore';

/** A row as read; paging needs its id, the mapping reads the rest. */
type SyncRunRow = Record<string, unknown> & { id: string };

const syncRunRows = rowMapping<SyncRun>({
  id: text(),
  accountId: text(),
  scope: text<SyncScope>(),
  trigger: text<SyncTrigger>(),
  startedAt: isoTimestamp,
  finishedAt: nullable(isoTimestamp),
  status: text<SyncRunStatus>(),
  items: integer,
  error: nullable(text()),
});

/** The {@link SyncRunStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseSyncRunStore implements SyncRunStore {
  constructor(private readonly db: Knex) {}

  async start(
    accountId: string,
    scope: SyncScope,
    trigger: SyncTrigger,
    now = Date.now(),
  ): Promise<string> {
    const id = randomUUID();
    await this.db(SYNC_RUNS_TABLE).insert({
      id,
      account_id: accountId,
      scope,
      trigger,
      started_at: now,
      status: 'running',
      items: 0,
    });
    return id;
  }

  async finish(
    id: string,
    result: { status: 'succeeded' | 'failed'; items: number; error?: string },
    db: Knex | Knex.Transaction = this.db,
    now = Date.now(),
  ): Promise<void> {
    await db(SYNC_RUNS_TABLE)
      .where({ id })
      .update({
        status: result.status,
        items: result.items,
        error: result.error ?? null,
        finished_at: now,
      });
  }

  async get(id: string): Promise<SyncRun | undefined> {
    return syncRunRows.first(this.db(SYNC_RUNS_TABLE).where({ id }));
  }

  /** Start of the last run of this scope that did not fail, if any. */
  async lastSuccessfulStart(
    accountId: string,
    scopes: SyncScope[],
  ): Promise<number | undefined> {
    return this.latestStart(
      { account_id: accountId, status: 'succeeded' },
      scopes,
    );
  }

  /** Start of the last run of these scopes, whatever its outcome. */
  async lastStart(
    accountId: string,
    scopes: SyncScope[],
  ): Promise<number | undefined> {
    return this.latestStart({ account_id: accountId }, scopes);
  }

  private async latestStart(
    where: Record<string, string>,
    scopes: SyncScope[],
  ): Promise<number | undefined> {
    const row = await this.db(SYNC_RUNS_TABLE)
      .where(where)
      .whereIn('scope', scopes)
      .max({ started: 'started_at' })
      .first();
    return row?.started === null || row?.started === undefined
      ? undefined
      : Number(row.started);
  }

  /** Whether a run of the account started after `since` and is still running. */
  async isRunning(accountId: string, since: number): Promise<boolean> {
    const row = await this.db(SYNC_RUNS_TABLE)
      .where({ account_id: accountId, status: 'running' })
      .where('started_at', '>', since)
      .first();
    return Boolean(row);
  }

  async list(filter: SyncRunFilter): Promise<SyncRunListResponse> {
    const query = this.db<SyncRunRow>(SYNC_RUNS_TABLE).select('*');
    if (filter.accountId) query.where('account_id', filter.accountId);
    if (filter.accountIds) query.whereIn('account_id', filter.accountIds);
    if (filter.status) query.where('status', filter.status);
    if (filter.trigger) query.where('trigger', filter.trigger);
    if (filter.from !== undefined) query.where('started_at', '>=', filter.from);
    if (filter.to !== undefined) query.where('started_at', '<', filter.to);
    const { rows, ...next } = await newestFirstPage<SyncRunRow>(
      query,
      'started_at',
      filter,
    );
    return { items: rows.map(syncRunRows.fromRow), ...next };
  }
}
