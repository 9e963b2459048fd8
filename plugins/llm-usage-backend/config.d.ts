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
    /** Group or user refs whose members hold the admin permission in the example policy. */
    admins?: string[];
  };
}
