import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  llmUsage?: {
    ingest?: {
      /** Most calls accepted in one `POST /calls` request. Default 1000. */
      maxBatchSize?: number;
      /**
       * `POST /ingest/litellm` (LiteLLM's generic API logger): how LiteLLM's
       * request tags, key aliases and teams become project ids and user refs.
       */
      litellm?: {
        /** Request tag → project id; the first tag found wins, before anything else. */
        projectByTag?: { [tag: string]: string };
        /** LiteLLM key alias → project id. */
        projectByKeyAlias?: { [keyAlias: string]: string };
        /** LiteLLM team alias or team id → project id. Unmapped teams use their alias (or id) as the project id. */
        projectByTeam?: { [team: string]: string };
        /** Project id of calls with no tag, key alias or team to go by. Default `litellm`. */
        defaultProjectId?: string;
        /** LiteLLM key alias → user entity ref; before LiteLLM's user id. */
        userByKeyAlias?: { [keyAlias: string]: string };
        /** Request tag → user entity ref. */
        userByTag?: { [tag: string]: string };
        /** Namespace of user refs made from LiteLLM user ids. Default `default`. */
        userNamespace?: string;
        /** User of calls without a mapped key alias, tag or LiteLLM user id. Default `user:default/litellm`. */
        defaultUserRef?: string;
      };
      /** `POST /ingest/otlp/v1/traces`: where GenAI spans carry the project and the user. */
      otlp?: {
        /** Span, then resource, attributes holding the project id, first found wins. Default `[service.name]`. */
        projectIdAttributes?: string[];
        /** Default `otel`. */
        defaultProjectId?: string;
        /** Span, then resource, attributes holding the user (a name or an entity ref). Default `[enduser.id, user.id]`. */
        userAttributes?: string[];
        /** Namespace of user refs made from plain names. Default `default`. */
        userNamespace?: string;
        /** Default `user:default/otel`. */
        defaultUserRef?: string;
      };
    };
    /**
     * The price book: prices calls that arrive without a cost. These entries
     * take precedence over the built-in defaults; entries admins add on the
     * settings page take precedence over these.
     */
    pricing?: {
      prices?: Array<{
        /** Provider id: openai, anthropic, openrouter, volcengine, or any other. */
        provider: string;
        /** Model id; dated ids such as gpt-4o-2024-08-06 resolve to gpt-4o. */
        model: string;
        /** ISO 4217, e.g. USD or CNY. */
        currency: string;
        /** Per million uncached input tokens, a decimal such as "2.50". */
        inputPerMillion: string | number;
        /** Per million output tokens. */
        outputPerMillion: string | number;
        /** Per million cached input tokens; the input price when absent. */
        cachedPerMillion?: string | number;
        /** YYYY-MM-DD (UTC): the first day the price applies to. */
        effectiveFrom: string;
        note?: string;
      }>;
    };
    rollup?: {
      /** When the hourly rollup runs. Default: every hour, first run 10 s after start. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Keep the detail rollup rows (per user, key and model) of only the
       * last this many UTC days, today included. Older days' reads at that
       * detail (a person's own calls, per user or per key) sum their raw
       * calls instead, while the project and model rollups stay; before
       * retention deletes a day's raw calls, its detail rows are written
       * back. When calls spread thin over many projects, detail rows are
       * about one per call: this makes the rollups a fraction of the raw
       * calls' size. Unset: every day keeps them.
       */
      detailDays?: number;
    };
    /**
     * Generated demo data for local runs; never enable in production. Filled
     * once into an empty database on start, and labelled as demo data in the UI.
     */
    demoData?: {
      enabled?: boolean;
      /** Days of history to generate. Default 30. */
      days?: number;
      /** Average calls per day. Default 6700 (about 200k for 30 days). */
      callsPerDay?: number;
    };
    /** Weekly and monthly spend digests to owners, through Backstage notifications. */
    /** The language of texts sent to people: notifications, e-mails, digests, webhooks. */
    locale?: {
      /**
       * For recipients who never chose a language in the app (groups,
       * webhooks, users who have not opened the plugin): en, zh, zh-Hant, ja,
       * ko, de, fr, es, pt-BR, ru or it. Default en.
       */
      default?: string;
    };
    digests?: {
      /** Default true; owners opt out per cadence in Settings. */
      enabled?: boolean;
      /** How often due digests are looked for. Default: every hour. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    audit?: {
      /** Audit events older than this are deleted. Default 365. */
      retentionDays?: number;
      /** When the cleanup runs. Default: daily. */
      retentionSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /** How long raw calls are kept. */
    retention?: {
      /**
       * Raw calls (the call history) older than this many days are deleted,
       * whole UTC days once they are rolled up; every summary (overview,
       * trends, projects, budgets) keeps their totals from the rollups. On
       * PostgreSQL a UTC month wholly past the cutoff is dropped as a table
       * (the calls are partitioned by month). Unset: raw calls are kept
       * forever.
       */
      rawCallsDays?: number;
      /** When old raw calls are deleted. Default: daily. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    quota?: {
      /**
       * Top-up or billing page per provider id, for accounts whose settings
       * name none. OpenRouter defaults to its credits page.
       */
      billingUrls?: { [provider: string]: string };
    };
    /** Provider-reported cost against the cost of recorded calls. */
    reconciliation?: {
      /**
       * A day, key or account whose two costs differ by more than this
       * percentage of the provider's cost is flagged (and, for N days in a
       * row, alerted). Default 5.
       */
      tolerancePercent?: number;
    };
    /** Alert evaluation and delivery; rules themselves are edited in the app. */
    /**
     * Anomaly detection (the `anomaly` alert rule holds the sensitivity:
     * minScore, minRatio, minRequests, baselineWeeks, and which kinds run).
     */
    anomalies?: {
      /**
       * Closed hours looked at each evaluation; an anomaly stays open that
       * long after its hour. Default 24.
       */
      windowHours?: number;
      /** Whole UTC days before today of provider-reported key usage compared with recorded calls (leaked keys). Default 3. */
      leakedKeyDays?: number;
    };
    /** Guided key rotations. */
    rotation?: {
      /**
       * Hours without any call (after the grace period) before the old key
       * is deleted. Default 24.
       */
      quietHours?: number;
      /** When old keys are checked and deleted. Default: hourly. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    alerts?: {
      /** Default true. */
      enabled?: boolean;
      /** When rules are evaluated besides after each sync. Default: hourly. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Each opened and resolved alert is POSTed as JSON with a Slack-compatible
       * `text`, signed in `x-llm-usage-signature: sha256=HMAC(secret, "<x-llm-usage-timestamp>.<body>")`.
       */
      webhooks?: Array<{
        /** Shown in logs and the delivery log instead of the URL. */
        name?: string;
        /** @visibility secret */
        url: string;
        /** @visibility secret */
        secret: string;
        /** The language of this webhook's text; default llmUsage.locale.default. */
        language?: string;
      }>;
      webhookRetries?: {
        /** Default 5. */
        maxAttempts?: number;
        /** First retry delay, doubling each time. Default 1000. */
        baseDelayMs?: number;
        /** Default 60000. */
        maxDelayMs?: number;
        /** Per attempt. Default 10000. */
        timeoutMs?: number;
        /** Events waiting per webhook before new ones are dropped. Default 500. */
        queueSize?: number;
      };
    };
    /** Group or user refs whose members hold the admin permission in the example policy. */
    admins?: string[];
    /**
     * What service principals (static external access tokens, other plugins)
     * may do, by subject: the `subject` of a static token, `plugin:<id>` for a
     * plugin. `ingest`: send calls; `read`: read every project, key, account
     * and the audit trail; `manage`: change anything, provider accounts'
     * credentials included (and read). A subject not listed may only ingest.
     */
    servicePrincipals?: Array<{
      subject: string;
      capabilities: Array<'ingest' | 'read' | 'manage'>;
    }>;
    /** Encryption of credentials and key secrets entered through the API. */
    secrets?: {
      /**
       * AES-256-GCM key: 32 bytes as base64 or hex, or a passphrase of at
       * least 16 characters. Without it, accounts and key secrets cannot be
       * stored through the API.
       * @visibility secret
       */
      encryptionKey?: string;
      /**
       * Keys used before the current one, still accepted for decryption. On
       * start every stored secret made with one of them is re-encrypted with
       * `encryptionKey`; remove them once that is done.
       * @visibility secret
       */
      previousEncryptionKeys?: string[];
      /**
       * Refuse to start unless `encryptionKey` is set and is not the
       * development key of app-config.yaml. Always on when NODE_ENV is
       * `production`; app-config.production.yaml sets it too.
       */
      requireKey?: boolean;
    };
    /** Per provider id (openai, anthropic, openrouter, volcengine, …). */
    providers?: {
      [provider: string]: {
        /**
         * Base URLs (e.g. a company proxy) accounts of this provider may use
         * in `settings.baseUrl` besides the provider's own https hosts. Only
         * operators can allow one: the API cannot. Prefix match on the path.
         */
        allowedBaseUrls?: string[];
      };
    };
    /** Provider accounts defined in config (read-only in the UI). */
    accounts?: Array<{
      /** Stable id: letters, digits, '-' or '_'. */
      id: string;
      /** A provider id added by a module: openai, anthropic, openrouter, volcengine. */
      provider: string;
      name?: string;
      /** Owner entity ref, e.g. group:default/platform-team. */
      owner?: string;
      /**
       * The provider's credential fields, e.g. { adminKey: ${OPENAI_ADMIN_KEY} }.
       * @visibility secret
       */
      credentials?: { [name: string]: string };
      /** Non-secret settings such as baseUrl, organizationId, region, billingUrl. */
      settings?: { [name: string]: string };
      schedule?: {
        /** Default 60. */
        usageEveryMinutes?: number;
        /** Default 1440 (daily). */
        keysEveryMinutes?: number;
      };
    }>;
    sync?: {
      /** How often due accounts are looked for. Default: every 5 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Days of usage fetched on an account's first sync. Default 30. */
      initialDays?: number;
      /** Days re-fetched on later syncs. Default 3. */
      incrementalDays?: number;
      /** Per request attempt. Default 30000. */
      timeoutMs?: number;
    };
  };
}
