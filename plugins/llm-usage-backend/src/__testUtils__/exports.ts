import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type request from 'supertest';
import { translatorFor, type ExportColumnId } from '../i18n';
import { headerText } from '../export/tableExport';

/**
 * Helpers for tests of export routes: read a download back into rows of
 * cells, as a spreadsheet would.
 */

/** Collects a binary response body (XLSX) into a Buffer. */
export function binaryBody(test: request.Test) {
  return test.buffer(true).parse((res, callback) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => callback(null, Buffer.concat(chunks)));
  });
}

/** CSV text (with its byte order mark) to rows of strings, header first. */
export function readCsvExport(text: string): string[][] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    skipEmptyLines: true,
  });
  if (parsed.errors.length > 0) {
    throw new Error(`Invalid CSV: ${parsed.errors[0].message}`);
  }
  return parsed.data;
}

/** The first worksheet of an XLSX file to rows of cell values, header first. */
export async function readXlsxExport(
  body: Buffer,
): Promise<ExcelJS.CellValue[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  const rows: ExcelJS.CellValue[][] = [];
  sheet.eachRow({ includeEmpty: true }, row => {
    const values: ExcelJS.CellValue[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) {
      values.push(row.getCell(column).value);
    }
    rows.push(values);
  });
  return rows;
}

/**
 * The header of an export column as a reader of `language` (English when
 * absent) sees it; `cost` with a currency is that currency's cost column.
 */
export function headerOf(
  id: ExportColumnId,
  options: { language?: string; currency?: string } = {},
): string {
  return headerText(translatorFor(options.language ?? 'en'), {
    header: id,
    currency: options.currency,
    value: () => null,
  });
}
