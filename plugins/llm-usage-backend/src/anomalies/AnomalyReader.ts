import type { Knex } from 'knex';
import { KEYS_TABLE } from '../accounts/tables';
import { DAY_MS } from '../database/tables';
import { detailRowsIn, readRawDetailDays } from '../rollup/rawDetailDays';
import { exactSum } from '../lib/exactSum';
import { toBigInt } from '../lib/money';
import { providerKeyRef } from '../providerUsage/keyUsageJoin';
import { sumProviderUsage } from '../providerUsage/providerUsageTotals';
import {
  HOUR_MS,
  type KeyDayUsage,
  type SubjectHours,
  WEEK_HOURS,
} from './detect';

/** The rollup column that names a key or a project. */
type SubjectColumn = 'api_key_id' | 'project_id';

/** A key or project with what anomaly detection looks at. */
export interface AnomalySubject {
  type: 'key' | 'project';
  id: string;
  hours: SubjectHours;
  /** Each model's first hour in the range and its calls in the window. */
  models: Array<{ model: string; firstSeenAt: number; calls: number }>;
}

export interface KeySubject extends AnomalySubject {
  type: 'key';
  accountId: string;
  name: string;
  ownerRef: string | null;
  /** The key's days in the leaked-key window: provider figures beside recorded calls. */
  days: KeyDayUsage[];
  /** Whether any recorded call used the key before the window. */
  instrumented: boolean;
}

export interface AnomalyData {
  /** Start of the first hour read. */
  start: number;
  /** Index (in hours from `start`) of the first hour evaluated. */
  windowIndex: number;
  windowStart: number;
  keys: KeySubject[];
  projects: AnomalySubject[];
}

/**
 * Reads what anomaly detection needs from the hourly rollups (closed hours
 * only: the hour in progress is not rolled yet and would look like a dip)
 * and from the providers' daily usage. Raw calls are read only for the days
 * whose detail rows are gone (`llmUsage.rollup.detailDays`).
 */
export class AnomalyReader {
  constructor(private readonly db: Knex) {}

  async read(options: {
    now: number;
    weeks: number;
    windowHours: number;
    leakedDays: number;
  }): Promise<AnomalyData> {
    const end = Math.floor(options.now / HOUR_MS) * HOUR_MS;
    const windowStart = end - options.windowHours * HOUR_MS;
    const start = windowStart - options.weeks * WEEK_HOURS * HOUR_MS;
    const length = (end - start) / HOUR_MS;
    const windowIndex = length - options.windowHours;

    const keys = await this.db(KEYS_TABLE)
      .whereNull('deleted_at')
      .whereNull('removed_at')
      .whereNot('status', 'archived')
      .select('id', 'account_id', 'provider_key_id', 'name', 'owner_ref');
    // Calls name a key by our id or by the provider's id of it.
    const keyOfCallKey = new Map<string, string>();
    for (const key of keys) {
      keyOfCallKey.set(key.id, key.id);
      if (key.provider_key_id) keyOfCallKey.set(key.provider_key_id, key.id);
    }

    // The rolled-up hours of the range that name a key (or project).
    const rawDetailDays = await readRawDetailDays(this.db);
    const detailHours = (column: SubjectColumn) =>
      detailRowsIn(this.db, {
        table: 'hourly',
        span: [start, end],
        rawDetailDays,
      }).whereNot(column, '');
    const hourly = (column: SubjectColumn) =>
      detailHours(column)
        .groupBy('hour_start', column, 'currency')
        .select(
          'hour_start',
          `${column} as subject`,
          'currency',
          this.db.raw('SUM(call_count) AS calls'),
          this.db.raw('SUM(input_tokens + output_tokens) AS tokens'),
          exactSum(this.db, 'cost_nanos', 'cost'),
        );
    const models = (column: SubjectColumn) =>
      detailHours(column)
        .groupBy(column, 'model')
        .select(
          `${column} as subject`,
          'model',
          this.db.raw('MIN(hour_start) AS first_seen'),
          this.db.raw(
            'SUM(CASE WHEN hour_start >= ? THEN call_count ELSE 0 END) AS recent',
            [windowStart],
          ),
        );
    const [keyHours, projectHours, keyModels, projectModels, providerDays] =
      await Promise.all([
        hourly('api_key_id'),
        hourly('project_id'),
        models('api_key_id'),
        models('project_id'),
        this.providerDays(end, options.leakedDays),
      ]);

    const hoursOf = new Map<string, SubjectHours>();
    const subjectHours = (id: string) => {
      let hours = hoursOf.get(id);
      if (!hours) {
        hours = {
          start,
          requests: new Array(length).fill(0),
          tokens: new Array(length).fill(0),
          spend: new Map(),
        };
        hoursOf.set(id, hours);
      }
      return hours;
    };
    const add = (id: string, row: any) => {
      const hours = subjectHours(id);
      const index = (Number(row.hour_start) - start) / HOUR_MS;
      hours.requests[index] += Number(row.calls);
      hours.tokens[index] += Number(row.tokens);
      const nanos = toBigInt(row.cost);
      if (nanos > 0n) {
        let spend = hours.spend.get(row.currency);
        if (!spend) {
          spend = new Array(length).fill(0);
          hours.spend.set(row.currency, spend);
        }
        spend[index] += Number(nanos) / 1e9;
      }
    };
    for (const row of keyHours) {
      const keyId = keyOfCallKey.get(row.subject);
      if (keyId) add(`key:${keyId}`, row);
    }
    for (const row of projectHours) add(`project:${row.subject}`, row);

    const modelsOf = new Map<string, AnomalySubject['models']>();
    const addModel = (id: string, row: any) => {
      const list = modelsOf.get(id) ?? [];
      const existing = list.find(use => use.model === row.model);
      const firstSeenAt = Number(row.first_seen);
      if (existing) {
        existing.firstSeenAt = Math.min(existing.firstSeenAt, firstSeenAt);
        existing.calls += Number(row.recent);
      } else {
        list.push({ model: row.model, firstSeenAt, calls: Number(row.recent) });
      }
      modelsOf.set(id, list);
    };
    for (const row of keyModels) {
      const keyId = keyOfCallKey.get(row.subject);
      if (keyId) addModel(`key:${keyId}`, row);
    }
    for (const row of projectModels) addModel(`project:${row.subject}`, row);

    // Whole UTC days before today only: today's provider figures are partial
    // and its latest calls may not be rolled up yet, which would look leaked.
    const today = Math.floor(end / DAY_MS) * DAY_MS;
    const firstDay = today - options.leakedDays * DAY_MS;
    const keySubjects: KeySubject[] = keys.map(key => {
      const hours =
        hoursOf.get(`key:${key.id}`) ?? subjectHours(`key:${key.id}`);
      const recordedByDay = new Map<number, number>();
      hours.requests.forEach((calls, index) => {
        const day = Math.floor((start + index * HOUR_MS) / DAY_MS) * DAY_MS;
        recordedByDay.set(day, (recordedByDay.get(day) ?? 0) + calls);
      });
      const days: KeyDayUsage[] = [];
      for (let day = firstDay; day < today; day += DAY_MS) {
        const provider = providerDays.get(
          `${providerKeyRef(key.account_id, key.provider_key_id)}\u0000${day}`,
        );
        if (!provider) continue;
        days.push({
          day,
          providerRequests: provider.requests,
          providerTokens: provider.tokens,
          recordedCalls: recordedByDay.get(day) ?? 0,
        });
      }
      const firstLeakIndex = Math.max(0, (firstDay - start) / HOUR_MS);
      return {
        type: 'key',
        id: key.id,
        accountId: key.account_id,
        name: key.name,
        ownerRef: key.owner_ref ?? null,
        hours,
        models: modelsOf.get(`key:${key.id}`) ?? [],
        days,
        instrumented: hours.requests
          .slice(0, firstLeakIndex)
          .some(calls => calls > 0),
      };
    });
    const projects: AnomalySubject[] = [...hoursOf.entries()]
      .filter(([id]) => id.startsWith('project:'))
      .map(([id, hours]) => ({
        type: 'project',
        id: id.slice('project:'.length),
        hours,
        models: modelsOf.get(id) ?? [],
      }));
    return { start, windowIndex, windowStart, keys: keySubjects, projects };
  }

  /** Provider-reported requests and tokens per account, provider key id and day. */
  private async providerDays(end: number, days: number) {
    const firstDay = Math.floor(end / DAY_MS) * DAY_MS - days * DAY_MS;
    const totals = await sumProviderUsage(
      this.db,
      ['accountId', 'providerKeyId', 'dayStart'],
      { fromDay: firstDay, byKeyOnly: true },
    );
    const byKeyDay = new Map<string, { requests: number; tokens: number }>();
    for (const total of totals) {
      const id = `${providerKeyRef(
        total.accountId,
        total.providerKeyId,
      )}\u0000${total.dayStart}`;
      // Requests and tokens count in whatever currency the day was billed.
      const day = byKeyDay.get(id) ?? { requests: 0, tokens: 0 };
      day.requests += total.requests;
      day.tokens += total.inputTokens + total.outputTokens;
      byKeyDay.set(id, day);
    }
    return byKeyDay;
  }
}
