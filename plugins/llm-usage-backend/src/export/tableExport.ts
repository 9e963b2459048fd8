import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import ExcelJS from 'exceljs';
import type express from 'express';
import Papa from 'papaparse';
import type { ExportColumnId, Translator } from '../i18n';

/**
 * Streams a table as a CSV or XLSX download, for any list the API serves
 * (usage, keys, audit events). Rows are pulled from an async iterable and
 * written as they come, so a large export never sits in memory:
 *
 * ```ts
 * router.get('/things/export', async (req, res) => {
 *   const { format } = parseExportFormat(req.query.format);
 *   await streamTableExport(res, {
 *     format,
 *     filename: 'things',
 *     columns: [
 *       { header: 'keyId', value: t => t.id },
 *       { header: 'calls', value: t => t.calls },
 *     ],
 *     rows: keysetRows(cursor => store.page(cursor)),
 *     reader: await languages.translatorForCaller(credentials),
 *   });
 * });
 * ```
 *
 * The header row is written in the requester's language (the catalogs'
 * `exports.columns`, see `i18n/`); the cells stay machine-readable whatever
 * the language: ISO 8601 times, exact decimals, enum values as the API
 * sends them. Text cells that a spreadsheet would run as a formula are
 * escaped (see {@link escapeFormula}).
 *
 * Errors raised before the first row (bad input, missing permission, unknown
 * project) propagate to the router's error handler as usual. An error after
 * the download started aborts the response, so the client sees a failed
 * download instead of a silently truncated file.
 */

/** @public */
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;

/** @public */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A cell value. `Date` becomes an ISO 8601 string in CSV, a date cell in XLSX. */
export type ExportCell = string | number | boolean | Date | null | undefined;

/** One column of an export. */
export interface ExportColumn<Row> {
  /** The column by id; its header is `exports.columns[header]` in the reader's language. */
  header: ExportColumnId;
  /** A cost column of one currency: headed `Cost (USD)`, `费用（USD）`… */
  currency?: string;
  value: (row: Row) => ExportCell;
  /**
   * `decimal`: the value is an exact decimal string (money); CSV keeps the
   * string, XLSX writes a number so spreadsheets can sum it.
   */
  kind?: 'text' | 'decimal';
  /** Column width in XLSX, in characters. */
  width?: number;
}

export interface TableExport<Row> {
  format: ExportFormat;
  /** Download name without extension; the extension follows the format. */
  filename: string;
  columns: ExportColumn<Row>[];
  rows: AsyncIterable<Row> | Iterable<Row>;
  /** XLSX worksheet name (at most 31 characters). */
  sheetName?: string;
  /** The requester's language, for the header row. */
  reader: Translator;
  /** Told about an error that aborted a download already under way. */
  logger?: LoggerService;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Excel's row limit, less the header row; longer exports continue on a new sheet. */
const XLSX_ROWS_PER_SHEET = 1_048_575;
/** Rows serialised per CSV write: few syscalls, little memory. */
const CSV_ROWS_PER_WRITE = 500;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Prefixes text that a spreadsheet would evaluate as a formula (starting with
 * `=`, `+`, `-`, `@`, tab or carriage return) with a single quote, as OWASP
 * recommends against CSV injection. Numbers are written as numbers, never
 * escaped.
 */
export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A column's header in the reader's language. */
export function headerText<Row>(
  reader: Translator,
  column: ExportColumn<Row>,
): string {
  const { exports } = reader.messages;
  return column.currency === undefined
    ? exports.columns[column.header]
    : reader.fill(exports.costIn, { currency: column.currency });
}

/** Parses the `format` query parameter; a missing value means CSV. */
export function parseExportFormat(value: unknown): ExportFormat {
  if (value === undefined) return 'csv';
  if (
    typeof value === 'string' &&
    (EXPORT_FORMATS as readonly string[]).includes(value)
  ) {
    return value as ExportFormat;
  }
  throw new InputError(
    `Invalid query parameter 'format': must be one of ${EXPORT_FORMATS.join(
      ', ',
    )}`,
  );
}

/**
 * Flattens keyset-paginated reads into rows, fetching the next page only
 * when the previous one has been written.
 */
export async function* keysetRows<Row, Cursor>(
  fetchPage: (after: Cursor | undefined) => Promise<{
    items: Row[];
    next?: Cursor;
  }>,
): AsyncGenerator<Row> {
  let after: Cursor | undefined;
  do {
    const page = await fetchPage(after);
    yield* page.items;
    after = page.next;
  } while (after !== undefined);
}

function csvCell<Row>(column: ExportColumn<Row>, row: Row): string | number {
  const value = column.value(row);
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return column.kind === 'decimal' ? value : escapeFormula(value);
}

function xlsxCell<Row>(
  column: ExportColumn<Row>,
  row: Row,
): string | number | boolean | Date | null {
  const value = column.value(row);
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value;
  if (column.kind === 'decimal' && value !== '') return Number(value);
  return escapeFormula(value);
}

/** Waits until the client has taken what was written: a slow reader slows the export. */
async function drained(res: express.Response): Promise<void> {
  if (!res.writableNeedDrain) return;
  let onDrain = () => {};
  let onClose = () => {};
  try {
    await new Promise<void>((resolve, reject) => {
      onDrain = resolve;
      onClose = () => reject(new Error('Client closed the export download'));
      res.once('drain', onDrain);
      res.once('close', onClose);
    });
  } finally {
    res.off('drain', onDrain);
    res.off('close', onClose);
  }
}

async function writeCsv<Row>(
  res: express.Response,
  table: TableExport<Row>,
  rows: AsyncIterator<Row>,
  first: IteratorResult<Row>,
) {
  // A byte order mark makes Excel read the file as UTF-8 (names in Chinese).
  res.write(
    `\uFEFF${Papa.unparse([
      table.columns.map(c => escapeFormula(headerText(table.reader, c))),
    ])}`,
  );
  let batch: (string | number)[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    res.write(`\r\n${Papa.unparse(batch)}`);
    batch = [];
    await drained(res);
  };
  for (let next = first; !next.done; next = await rows.next()) {
    const row = next.value;
    batch.push(table.columns.map(column => csvCell(column, row)));
    if (batch.length >= CSV_ROWS_PER_WRITE) await flush();
    if (res.destroyed) return;
  }
  await flush();
  res.end('\r\n');
}

async function writeXlsx<Row>(
  res: express.Response,
  table: TableExport<Row>,
  rows: AsyncIterator<Row>,
  first: IteratorResult<Row>,
) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: res,
    useStyles: false,
    useSharedStrings: false,
  });
  const baseName = (table.sheetName ?? table.filename).slice(0, 28);
  let sheetCount = 0;
  const addSheet = () => {
    sheetCount += 1;
    const sheet = workbook.addWorksheet(
      sheetCount === 1 ? baseName : `${baseName} ${sheetCount}`,
    );
    sheet.columns = table.columns.map(column => {
      const header = headerText(table.reader, column);
      return {
        header: escapeFormula(header),
        width: column.width ?? Math.max(10, header.length + 2),
      };
    });
    return sheet;
  };
  let sheet = addSheet();
  let rowsInSheet = 0;
  let written = 0;
  for (let next = first; !next.done; next = await rows.next()) {
    if (rowsInSheet === XLSX_ROWS_PER_SHEET) {
      sheet.commit();
      sheet = addSheet();
      rowsInSheet = 0;
    }
    const row = next.value;
    sheet.addRow(table.columns.map(column => xlsxCell(column, row))).commit();
    rowsInSheet += 1;
    written += 1;
    if (written % CSV_ROWS_PER_WRITE === 0) {
      await drained(res);
      if (res.destroyed) return;
    }
  }
  sheet.commit();
  // Ends the response once the zip is complete.
  await workbook.commit();
}

/**
 * Writes `table` to `res` as a download in the chosen format. Resolves when
 * the last byte is handed to the response.
 */
export async function streamTableExport<Row>(
  res: express.Response,
  table: TableExport<Row>,
): Promise<void> {
  const source = table.rows;
  const rows: AsyncIterator<Row> =
    Symbol.asyncIterator in source
      ? source[Symbol.asyncIterator]()
      : (async function* toAsync() {
          yield* source as Iterable<Row>;
        })();
  // Read ahead one row: errors of the first read still become a proper
  // error response, since nothing has been sent yet.
  const first = await rows.next();

  res.status(200);
  res.attachment(`${table.filename}.${table.format}`);
  res.setHeader('Content-Type', CONTENT_TYPES[table.format]);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');

  try {
    if (table.format === 'csv') {
      await writeCsv(res, table, rows, first);
    } else {
      await writeXlsx(res, table, rows, first);
    }
  } catch (error) {
    // Headers are gone: abort, so the client does not keep a truncated file.
    if (!res.destroyed) {
      table.logger?.error(
        `Export ${table.filename}.${table.format} aborted`,
        error as Error,
      );
    }
    res.destroy();
  } finally {
    // Stops the row source (and its database paging) if the client left.
    await rows.return?.();
  }
}
