import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { CallStore } from '../database/CallStore';
import { CALLS_TABLE } from '../database/tables';
import { generateDemoCalls } from './DemoDataGenerator';

/**
 * Fills an empty calls table with demo traffic, with one injected anomaly
 * (see DEMO_ANOMALY); does nothing otherwise.
 */
export async function loadDemoData(options: {
  db: Knex;
  calls: CallStore;
  logger: LoggerService;
  days: number;
  callsPerDay: number;
}): Promise<number> {
  const { db, calls, logger } = options;
  if (await db(CALLS_TABLE).first('id')) {
    logger.info('Demo data: calls already present, nothing generated');
    return 0;
  }
  const started = Date.now();
  let stored = 0;
  for (const batch of generateDemoCalls({
    days: options.days,
    callsPerDay: options.callsPerDay,
    now: Date.now(),
    anomaly: true,
  })) {
    stored += (await calls.ingest(batch)).inserted;
  }
  logger.info(
    `Demo data: generated ${stored} calls over ${options.days} days in ${
      Date.now() - started
    } ms`,
  );
  return stored;
}
