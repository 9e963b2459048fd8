import { randomUUID } from 'node:crypto';
import { InputError } from '@backstage/errors';
import type {
  SyncRun,
  SyncRunListResponse,
  SyncRunStatus,
  SyncScope,
  SyncTrigger,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Knex } from 'knex';
import { z } from 'zod/v3';
import { SYNC_RUNS_TABLE } from '../accounts/tables';
import { cursorNumber, cursorText } from '../lib/cursorParts';
import { type SyncRunStore, type SyncRunFilter } from './SyncRunStore';

interface SyncRunRow {
  id: string;
  account_id: string;
  scope: string;
  trigger: string;
  started_at: string | number;
  finished_at: string | number | null;
  status: string;
  items: string | number;
  error: string | null;
}

function fromRow(row: SyncRunRow): SyncRun {
  return {
    id: row.id,
    accountId: row.account_id,
    scope: row.scope as SyncScope,
    trigger: row.trigger as SyncTrigger,
    startedAt: new Date(Number(row.started_at)).toISOString(),
    finishedAt:
      row.finished_at === null
        ? null
        : new Date(Number(row.finished_at)).toISOString(),
    status: row.status as SyncRunStatus,
    items: Number(row.items),
    error: row.error,
  };
}

const cursorSchema = z.tuple([cursorNumber(), cursorText(64)]);

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
    const row: SyncRunRow | undefined = await this.db(SYNC_RUNS_TABLE)
      .where({ id })
      .first();
    return row ? fromRow(row) : undefined;
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
    const query = this.db<SyncRunRow>(SYNC_RUNS_TABLE)
      .select('*')
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit + 1);
    if (filter.accountId) query.where('account_id', filter.accountId);
    if (filter.accountIds) query.whereIn('account_id', filter.accountIds);
    if (filter.status) query.where('status', filter.status);
    if (filter.trigger) query.where('trigger', filter.trigger);
    if (filter.from !== undefined) query.where('started_at', '>=', filter.from);
    if (filter.to !== undefined) query.where('started_at', '<', filter.to);
    if (filter.cursor) {
      let startedAt: number;
      let id: string;
      try {
        [startedAt, id] = cursorSchema.parse(
          JSON.parse(Buffer.from(filter.cursor, 'base64url').toString('utf8')),
        );
      } catch {
        throw new InputError(
          `Invalid query parameter 'cursor': not a cursor returned by this endpoint`,
        );
      }
      query.where(after =>
        after
          .where('started_at', '<', startedAt)
          .orWhere(same =>
            same.where('started_at', startedAt).where('id', '<', id),
          ),
      );
    }
    const rows = await query;
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    const items = page.map(fromRow);
    return rows.length > filter.limit && last
      ? {
          items,
          nextCursor: Buffer.from(
            JSON.stringify([Number(last.started_at), last.id]),
          ).toString('base64url'),
        }
      : { items };
  }
}
