import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  llmUsage?: {
    ingest?: {
      /** Most calls accepted in one `POST /calls` request. Default 1000. */
      maxBatchSize?: number;
    };
    rollup?: {
      /** When the hourly rollup runs. Default: every hour, first run 10 s after start. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
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
    quota?: {
      /**
       * Top-up or billing page per provider id, for accounts whose settings
       * name none. OpenRouter defaults to its credits page.
       */
      billingUrls?: { [provider: string]: string };
    };
    /** Group or user refs whose members hold the admin permission in the example policy. */
    admins?: string[];
  };
}
