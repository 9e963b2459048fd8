import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type express from 'express';
import type { AuditLog, AuditRecord } from '../audit/AuditLog';
import { streamTableExport, type TableExport } from '../export/tableExport';
import type { RecipientLanguages } from '../i18n/RecipientLanguages';

/** What every router that writes CSV/XLSX downloads is given. */
export interface ExportServices {
  /** Told about an export that failed after its download started. */
  logger: LoggerService;
  /** Exports are recorded: who took which slice of the data. */
  audit: Pick<AuditLog, 'record'>;
  /** The requester's language, for the header row. */
  recipientLanguages: Pick<RecipientLanguages, 'translatorForCaller'>;
}

/**
 * A download and how it is recorded: the audit event's action and target,
 * and what else it says besides the format (filters, selection).
 */
export type RecordedExport<Row> = Omit<TableExport<Row>, 'reader' | 'logger'> &
  Pick<AuditRecord, 'action' | 'targetType' | 'targetId'> & {
    details: Record<string, unknown>;
  };

/**
 * Answers a request with a download: recorded first, by who asked, with its
 * format (a download cut short was still taken), then streamed with its
 * header row in their language.
 */
export async function streamRecordedExport<Row>(
  services: ExportServices,
  credentials: BackstageCredentials,
  req: express.Request,
  res: express.Response,
  download: RecordedExport<Row>,
): Promise<void> {
  const { action, targetType, targetId, details, ...table } = download;
  await services.audit.record({
    actor: credentials,
    action,
    targetType,
    targetId,
    after: { format: table.format, ...details },
    request: req,
    severityLevel: 'low',
  });
  await streamTableExport(res, {
    ...table,
    reader: await services.recipientLanguages.translatorForCaller(credentials),
    logger: services.logger,
  });
}
