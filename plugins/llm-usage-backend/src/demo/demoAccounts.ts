/*
 * DEMO DATA: provider accounts, keys, balances, provider usage and sync
 * history for local runs, created without any network access. Accounts are
 * marked `demo` in their settings so the scheduled sync leaves them alone.
 */
import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import {
  ACCOUNTS_TABLE,
  BALANCES_TABLE,
  KEY_TAGS_TABLE,
  KEYS_TABLE,
  PROVIDER_USAGE_TABLE,
  SYNC_RUNS_TABLE,
  TAGS_TABLE,
} from '../accounts/tables';
import { CALLS_TABLE, DAY_MS, HOUR_MS, chunk } from '../database/tables';
import { toBigInt } from '../lib/money';

const NANOS = 1_000_000_000n;

interface DemoAccount {
  id: string;
  provider: string;
  name: string;
  ownerRef: string;
  currency: string;
  /** [available, total] in whole currency units, today; history drifts back from it. */
  balance: [number, number | null];
  /** Projects with a key at this account (the demo calls' `demo-key-<provider>-<project>`). */
  projects: string[];
}

const ACCOUNTS: DemoAccount[] = [
  {
    id: 'demo-openai',
    provider: 'openai',
    name: 'OpenAI · Production org',
    ownerRef: 'group:default/platform-team',
    currency: 'USD',
    balance: [1840, null],
    projects: [
      'support-bot',
      'code-review',
      'search-rag',
      'sales-email',
      'data-labeling',
      'analytics-sql',
    ],
  },
  {
    id: 'demo-anthropic',
    provider: 'anthropic',
    name: 'Anthropic · Claude team',
    ownerRef: 'group:default/platform-team',
    currency: 'USD',
    balance: [960, null],
    projects: [
      'support-bot',
      'code-review',
      'doc-summarizer',
      'sales-email',
      'analytics-sql',
    ],
  },
  {
    id: 'demo-openrouter',
    provider: 'openrouter',
    name: 'OpenRouter · Research',
    ownerRef: 'group:default/ml-team',
    currency: 'USD',
    balance: [212.5, 500],
    projects: ['search-rag', 'doc-summarizer', 'data-labeling'],
  },
  {
    id: 'demo-volcengine',
    provider: 'volcengine',
    name: '火山引擎 · Ark (Beijing)',
    ownerRef: 'group:default/growth-team',
    currency: 'CNY',
    balance: [3250, null],
    projects: ['translation'],
  },
];

/** How the sync errors of the demo name each provider. */
const PROVIDER_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  openrouter: 'OpenRouter',
  volcengine: 'Volcengine Ark',
};

/** Project → owner and the catalog component using it (see examples/). */
const PROJECT_OWNERS: Record<
  string,
  [owner: string | null, component: string | null]
> = {
  'support-bot': ['group:default/ml-team', 'component:default/support-bot'],
  'code-review': [
    'group:default/platform-team',
    'component:default/code-review-assistant',
  ],
  'search-rag': [
    'group:default/platform-team',
    'component:default/knowledge-search',
  ],
  'doc-summarizer': [
    'group:default/platform-team',
    'component:default/knowledge-search',
  ],
  'data-labeling': [
    'group:default/ml-team',
    'component:default/labeling-pipeline',
  ],
  'sales-email': [
    'group:default/growth-team',
    'component:default/sales-email-writer',
  ],
  translation: [
    'group:default/growth-team',
    'component:default/translation-service',
  ],
  // Nobody claimed it: shows up as an orphaned key.
  'analytics-sql': [null, null],
};

const TAGS: Array<[name: string, color: string]> = [
  ['production', '#2e7d32'],
  ['staging', '#f9a825'],
  ['batch', '#6a1b9a'],
];

/** A small deterministic generator, so every demo start looks the same. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const nanos = (units: number) =>
  (BigInt(Math.round(units * 100)) * NANOS) / 100n;

/**
 * Creates the demo accounts with their keys, tags, balances and sync runs,
 * once (nothing happens when they exist). Returns whether it created them.
 */
export async function seedDemoAccounts(
  db: Knex,
  now = Date.now(),
): Promise<boolean> {
  if (await db(ACCOUNTS_TABLE).where({ id: ACCOUNTS[0].id }).first()) {
    return false;
  }
  const random = seeded(42);
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  await db.transaction(async trx => {
    const tagIds = new Map<string, string>();
    for (const [name, color] of TAGS) {
      const existing = await trx(TAGS_TABLE).where({ name }).first();
      const id = existing?.id ?? randomUUID();
      if (!existing) {
        await trx(TAGS_TABLE).insert({
          id,
          name,
          color,
          created_at: now,
          updated_at: now,
        });
      }
      tagIds.set(name, id);
    }

    let keyIndex = 0;
    for (const account of ACCOUNTS) {
      await trx(ACCOUNTS_TABLE).insert({
        id: account.id,
        provider: account.provider,
        name: account.name,
        owner_ref: account.ownerRef,
        source: 'api',
        credentials_encrypted: null,
        settings: JSON.stringify({ demo: 'true' }),
        status: account.provider === 'anthropic' ? 'error' : 'ok',
        last_sync_at: now - 20 * 60_000,
        last_error:
          account.provider === 'anthropic'
            ? 'Anthropic rejected the credentials (401): invalid x-api-key (demo)'
            : null,
        created_at: now - 60 * DAY_MS,
        updated_at: now,
      });

      for (const project of account.projects) {
        keyIndex += 1;
        const [ownerRef, componentRef] = PROJECT_OWNERS[project];
        // Spread of states: two keys expire within a week, one within a
        // day, one is disabled, one is in error, the rest are healthy. The
        // growth team's two sales-email keys (4, 10) expire this week too, so
        // the guest (growth-team) has expiring keys of a Component to manage.
        let status = 'active';
        let expiresAt: number | null = null;
        let lastError: string | null = null;
        if (keyIndex === 2) expiresAt = now + 3 * DAY_MS;
        if (keyIndex === 4) expiresAt = now + 4 * DAY_MS;
        if (keyIndex === 10) expiresAt = now + 2 * DAY_MS;
        if (keyIndex === 5) expiresAt = now + 20 * HOUR_MS;
        if (keyIndex === 9) expiresAt = now + 6 * DAY_MS;
        if (keyIndex === 11) expiresAt = now + 90 * DAY_MS;
        if (keyIndex === 7) status = 'disabled';
        if (keyIndex === 12) {
          status = 'error';
          lastError =
            'Key rejected by the provider during the last sync (demo)';
        }
        const id = randomUUID();
        const providerKeyId = `demo-key-${account.provider}-${project}`;
        await trx(KEYS_TABLE).insert({
          id,
          account_id: account.id,
          provider: account.provider,
          provider_key_id: providerKeyId,
          provider_project_id:
            account.provider === 'openai' ? 'proj_demo_default' : null,
          name: `${project} (${account.provider})`,
          masked_hint: `sk-…${(1000 + keyIndex * 137).toString().slice(-4)}`,
          status,
          owner_ref: ownerRef,
          component_ref: componentRef,
          notes: null,
          expires_at: expiresAt,
          provider_created_at: now - (40 + keyIndex * 5) * DAY_MS,
          last_used_at:
            status === 'active' ? now - keyIndex * 7 * 60_000 : null,
          limit_nanos:
            account.provider === 'openrouter' ? nanos(100).toString() : null,
          limit_currency: account.provider === 'openrouter' ? 'USD' : null,
          usage_nanos: null,
          usage_currency: null,
          source: account.provider === 'volcengine' ? 'manual' : 'provider',
          secret_encrypted: null,
          last_error: lastError,
          synced_at: now - 20 * 60_000,
          removed_at: null,
          deleted_at: null,
          created_at: now - 30 * DAY_MS,
          updated_at: now,
        });
        const tag = keyIndex % 4 === 0 ? 'staging' : 'production';
        await trx(KEY_TAGS_TABLE).insert({
          key_id: id,
          tag_id: tagIds.get(tag),
        });
        if (project === 'data-labeling') {
          await trx(KEY_TAGS_TABLE).insert({
            key_id: id,
            tag_id: tagIds.get('batch'),
          });
        }
      }

      // A first balance history, before any call exists; replaced by one
      // made of the provider's charges once the demo calls are in.
      const [available] = account.balance;
      const readings = balanceReadings(account, today, day =>
        nanos(day * (available / 60) * (0.8 + random() * 0.4)),
      );
      await trx(BALANCES_TABLE).insert(readings);

      // Sync history: hourly usage runs for the last day, daily key runs.
      // Each account's failures name its own provider.
      const runError =
        account.provider === 'anthropic'
          ? 'Anthropic rejected the credentials (401): invalid x-api-key (demo)'
          : `${
              PROVIDER_NAMES[account.provider]
            } kept failing after 4 attempts: 503 Service Unavailable (demo)`;
      const runs = [];
      for (let hour = 24; hour >= 1; hour--) {
        const failed =
          account.provider === 'anthropic' ? hour <= 3 : hour === 17;
        const startedAt = now - hour * HOUR_MS;
        runs.push({
          id: randomUUID(),
          account_id: account.id,
          scope: hour % 24 === 0 ? 'all' : 'usage',
          trigger: 'schedule',
          started_at: startedAt,
          finished_at: startedAt + 2_000 + Math.round(random() * 8_000),
          status: failed ? 'failed' : 'succeeded',
          items: failed ? 0 : 20 + Math.round(random() * 40),
          error: failed ? runError : null,
        });
      }
      await trx(SYNC_RUNS_TABLE).insert(runs);
    }
  });
  return true;
}

/**
 * A balance reading per day at 09:00 UTC for 30 days, ending at today's
 * balance: each earlier reading is today's plus what was charged since
 * (`spentSince(days ago)`), less one top-up of half the balance 12 days ago.
 */
function balanceReadings(
  account: DemoAccount,
  today: number,
  spentSince: (daysAgo: number) => bigint,
) {
  const [available, total] = account.balance;
  const readings = [];
  for (let day = 29; day >= 0; day--) {
    const topUp = day > 12 ? nanos(available * 0.5) : 0n;
    const availableNanos = nanos(available) + spentSince(day) - topUp;
    readings.push({
      account_id: account.id,
      currency: account.currency,
      available_nanos: availableNanos.toString(),
      total_nanos: total === null ? null : nanos(total).toString(),
      used_nanos:
        total === null ? null : (nanos(total) - availableNanos).toString(),
      read_at: today - day * DAY_MS + 9 * HOUR_MS,
    });
  }
  return readings;
}

/**
 * Demo provider usage: what the providers "billed" per day, key and model,
 * derived from the demo calls with a small daily drift (cached-token
 * discounts, rounding, a few calls never reported to LLM Usage), so the
 * reconciliation has something to show. Replaces earlier demo rows.
 */
export async function seedDemoProviderUsage(
  db: Knex,
  now = Date.now(),
): Promise<number> {
  const accountOf = new Map<string, string>(
    ACCOUNTS.flatMap(account =>
      account.projects.map(
        project =>
          [`demo-key-${account.provider}-${project}`, account.id] as const,
      ),
    ),
  );
  const rows: Array<{
    day_start: string | number;
    api_key_id: string;
    model: string;
    currency: string;
    input_tokens: string | number;
    output_tokens: string | number;
    cached_tokens: string | number;
    requests: string | number;
    cost_nanos: string | number | null;
  }> = await db(CALLS_TABLE)
    .select(
      db.raw(`(occurred_at / ${DAY_MS}) * ${DAY_MS} as day_start`),
      'api_key_id',
      'model',
      'currency',
    )
    .sum({
      input_tokens: 'input_tokens',
      output_tokens: 'output_tokens',
      cached_tokens: 'cached_tokens',
      cost_nanos: 'cost_nanos',
    })
    .count({ requests: '*' })
    .whereIn('api_key_id', [...accountOf.keys()])
    .where('occurred_at', '<', Math.floor(now / DAY_MS) * DAY_MS)
    .groupByRaw(
      `(occurred_at / ${DAY_MS}) * ${DAY_MS}, api_key_id, model, currency`,
    );
  const random = seeded(7);
  const usage = rows.map(row => {
    // -2 % … +4 %: providers usually bill a little more than clients record.
    const driftPerMille = BigInt(Math.round(-20 + random() * 60));
    const cost = toBigInt(row.cost_nanos);
    return {
      account_id: accountOf.get(row.api_key_id)!,
      day_start: Number(row.day_start),
      provider_key_id: row.api_key_id,
      model: row.model,
      provider_project_id: '',
      currency: row.currency,
      input_tokens: Number(row.input_tokens),
      output_tokens: Number(row.output_tokens),
      cached_tokens: Number(row.cached_tokens),
      requests: Number(row.requests),
      cost_nanos: ((cost * (1000n + driftPerMille)) / 1000n).toString(),
      synced_at: now,
    };
  });
  await db.transaction(async trx => {
    await trx(PROVIDER_USAGE_TABLE)
      .whereIn(
        'account_id',
        ACCOUNTS.map(account => account.id),
      )
      .delete();
    for (const part of chunk(usage, 500)) {
      await trx(PROVIDER_USAGE_TABLE).insert(part);
    }
    // The balance history falls by what the provider charged, so the
    // runway from the charges and the history agree.
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    for (const account of ACCOUNTS) {
      const charged = usage.filter(
        u => u.account_id === account.id && u.currency === account.currency,
      );
      const readings = balanceReadings(account, today, daysAgo =>
        charged
          .filter(u => u.day_start >= today - daysAgo * DAY_MS)
          .reduce((sum, u) => sum + BigInt(u.cost_nanos), 0n),
      );
      await trx(BALANCES_TABLE).where('account_id', account.id).delete();
      await trx(BALANCES_TABLE).insert(readings);
    }
  });
  return usage.length;
}

/**
 * Waits (in the background) until the demo calls stop growing, then derives
 * the demo provider usage from them.
 */
export async function seedDemoProviderUsageWhenCallsSettle(
  db: Knex,
  logger: LoggerService,
  options: { pollMs?: number; maxWaitMs?: number } = {},
): Promise<void> {
  const pollMs = options.pollMs ?? 10_000;
  const deadline = Date.now() + (options.maxWaitMs ?? 15 * 60_000);
  let previous = -1;
  while (Date.now() < deadline) {
    const [{ count }] = await db(CALLS_TABLE).count({ count: '*' });
    const current = Number(count);
    if (current > 0 && current === previous) break;
    previous = current;
    await new Promise(resolve => setTimeout(resolve, pollMs));
  }
  const stored = await seedDemoProviderUsage(db);
  logger.info(`Demo data: ${stored} provider usage rows from the demo calls`);
}
