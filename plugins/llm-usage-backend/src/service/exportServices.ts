import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AuditLog } from '../audit/AuditLog';
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
