import { InputError } from '@backstage/errors';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import ExcelJS from 'exceljs';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import {
  ExportColumn,
  escapeFormula,
  keysetRows,
  parseExportFormat,
  streamTableExport,
} from './tableExport';
import {
  binaryBody,
  readCsvExport,
  readXlsxExport,
} from '../__testUtils__/exports';
import { translatorFor } from '../i18n';

interface Item {
  name: string;
  calls: number;
  cost: string;
  at: Date | null;
}

const columns: ExportColumn<Item>[] = [
  { header: 'keyName', value: i => i.name },
  { header: 'calls', value: i => i.calls },
  { header: 'cost', value: i => i.cost, kind: 'decimal' },
  { header: 'time', value: i => i.at },
];
const ENGLISH_HEADERS = ['Key name', 'Calls', 'Cost', 'Time'];
const reader = translatorFor('en');

const items: Item[] = [
  {
    name: 'plain',
    calls: 3,
    cost: '0.000000123',
    at: new Date('2026-11-01T10:00:00Z'),
  },
  { name: '=HYPERLINK("http://evil")', calls: -2, cost: '1.5', at: null },
  { name: '+1', calls: 0, cost: '0', at: null },
  { name: '-1+2', calls: 0, cost: '0', at: null },
  { name: '@SUM(A1)', calls: 0, cost: '0', at: null },
  { name: 'comma, "quote"\nnewline', calls: 1, cost: '2', at: null },
  { name: '名字', calls: 1, cost: '2', at: null },
];

function appWith(handler: express.RequestHandler) {
  const router = Router();
  router.get('/export', handler);
  const app = express().use(router);
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return app;
}

async function* slowly<T>(values: T[]) {
  for (const value of values) {
    await new Promise(resolve => setImmediate(resolve));
    yield value;
  }
}

describe('escapeFormula', () => {
  it.each(['=1+1', '+1', '-1', '@A1', '\tx', '\rx'])('escapes %j', value => {
    expect(escapeFormula(value)).toBe(`'${value}`);
  });

  it('leaves other text alone', () => {
    expect(escapeFormula('a=1')).toBe('a=1');
    expect(escapeFormula('')).toBe('');
  });
});

describe('parseExportFormat', () => {
  it('defaults to csv and accepts xlsx', () => {
    expect(parseExportFormat(undefined)).toBe('csv');
    expect(parseExportFormat('xlsx')).toBe('xlsx');
  });

  it('names the field on bad input', () => {
    expect(() => parseExportFormat('pdf')).toThrow(InputError);
    expect(() => parseExportFormat(['csv', 'xlsx'])).toThrow(/'format'/);
  });
});

describe('keysetRows', () => {
  it('fetches page after page until there is no next cursor', async () => {
    const fetchPage = jest.fn(async (after: number | undefined) => {
      const start = after ?? 0;
      return {
        items: [start, start + 1],
        next: start < 4 ? start + 2 : undefined,
      };
    });
    const rows: number[] = [];
    for await (const row of keysetRows(fetchPage)) rows.push(row);
    expect(rows).toEqual([0, 1, 2, 3, 4, 5]);
    expect(fetchPage.mock.calls.map(c => c[0])).toEqual([undefined, 2, 4]);
  });
});

describe('streamTableExport', () => {
  it("streams CSV with headers in the reader's language, escaped text and exact decimals", async () => {
    const app = appWith(async (_req, res) => {
      await streamTableExport(res, {
        format: 'csv',
        filename: 'usage-projects',
        columns,
        reader,
        rows: slowly(items),
      });
    });
    const response = await request(app).get('/export');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="usage-projects.csv"',
    );
    expect(response.text.startsWith('\uFEFF')).toBe(true);
    const rows = readCsvExport(response.text);
    expect(rows[0]).toEqual(ENGLISH_HEADERS);
    expect(rows.slice(1)).toEqual([
      ['plain', '3', '0.000000123', '2026-11-01T10:00:00.000Z'],
      [`'=HYPERLINK("http://evil")`, '-2', '1.5', ''],
      [`'+1`, '0', '0', ''],
      [`'-1+2`, '0', '0', ''],
      [`'@SUM(A1)`, '0', '0', ''],
      ['comma, "quote"\nnewline', '1', '2', ''],
      ['名字', '1', '2', ''],
    ]);
  });

  it.each([
    ['de', ['Schlüsselname', 'Aufrufe', 'Kosten', 'Zeitpunkt', 'Kosten (CNY)']],
    ['ja', ['キー名', '呼び出し数', 'コスト', '日時', 'コスト（CNY）']],
  ])(
    'heads the columns in %s in CSV and XLSX, values unchanged',
    async (language, headers) => {
      const withCurrency: ExportColumn<Item>[] = [
        ...columns,
        {
          header: 'cost',
          currency: 'CNY',
          value: i => i.cost,
          kind: 'decimal',
        },
      ];
      const app = appWith(async (req, res) => {
        await streamTableExport(res, {
          format: req.query.format === 'xlsx' ? 'xlsx' : 'csv',
          filename: 'localised',
          columns: withCurrency,
          reader: translatorFor(language),
          rows: items.slice(0, 1),
        });
      });
      const csv = readCsvExport((await request(app).get('/export')).text);
      expect(csv).toEqual([
        headers,
        [
          'plain',
          '3',
          '0.000000123',
          '2026-11-01T10:00:00.000Z',
          '0.000000123',
        ],
      ]);
      const xlsx = await readXlsxExport(
        (
          await binaryBody(request(app).get('/export?format=xlsx'))
        ).body,
      );
      expect(xlsx).toEqual([
        headers,
        [
          'plain',
          3,
          0.000000123,
          new Date('2026-11-01T10:00:00Z'),
          0.000000123,
        ],
      ]);
    },
  );

  it('writes many rows in batches', async () => {
    const many = Array.from({ length: 1234 }, (_, i) => ({
      name: `row ${i}`,
      calls: i,
      cost: '0',
      at: null,
    }));
    const app = appWith(async (_req, res) => {
      await streamTableExport(res, {
        format: 'csv',
        filename: 'many',
        columns,
        reader,
        rows: many,
      });
    });
    const rows = readCsvExport((await request(app).get('/export')).text);
    expect(rows).toHaveLength(1235);
    expect(rows[1234]).toEqual(['row 1233', '1233', '0', '']);
  });

  it('writes an XLSX workbook that reads back with typed cells', async () => {
    const app = appWith(async (_req, res) => {
      await streamTableExport(res, {
        format: 'xlsx',
        filename: 'calls',
        sheetName: 'Calls',
        columns,
        reader,
        rows: slowly(items),
      });
    });
    const response = await binaryBody(request(app).get('/export'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="calls.xlsx"',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body);
    expect(workbook.worksheets.map(sheet => sheet.name)).toEqual(['Calls']);
    const rows = await readXlsxExport(response.body);
    expect(rows[0]).toEqual(ENGLISH_HEADERS);
    expect(rows[1]).toEqual([
      'plain',
      3,
      0.000000123,
      new Date('2026-11-01T10:00:00Z'),
    ]);
    expect(rows[2]).toEqual([`'=HYPERLINK("http://evil")`, -2, 1.5, null]);
    expect(rows.slice(3, 6).map(r => r[0])).toEqual([
      `'+1`,
      `'-1+2`,
      `'@SUM(A1)`,
    ]);
    expect(rows[7][0]).toBe('名字');
  });

  it('writes only the header row for an empty table', async () => {
    const app = appWith(async (_req, res) => {
      await streamTableExport(res, {
        format: 'xlsx',
        filename: 'empty',
        columns,
        reader,
        rows: [],
      });
    });
    const response = await binaryBody(request(app).get('/export'));
    expect(await readXlsxExport(response.body)).toEqual([ENGLISH_HEADERS]);
  });

  it('turns an error before the first row into an error response', async () => {
    const app = appWith(async (_req, res) => {
      await streamTableExport(res, {
        format: 'csv',
        filename: 'x',
        columns,
        reader,
        // eslint-disable-next-line require-yield
        rows: (async function* failing(): AsyncGenerator<Item> {
          throw new InputError("Invalid query parameter 'model'");
        })(),
      });
    });
    const response = await request(app).get('/export');
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain("'model'");
    expect(response.headers['content-disposition']).toBeUndefined();
  });

  it('aborts the download when a later page fails', async () => {
    const logger = mockServices.logger.mock();
    const app = appWith(async (_req, res) => {
      await streamTableExport(res, {
        format: 'csv',
        filename: 'x',
        columns,
        reader,
        logger,
        rows: (async function* failingLater() {
          yield items[0];
          throw new Error('database went away');
        })(),
      });
    });
    await expect(request(app).get('/export')).rejects.toThrow();
    expect(logger.error).toHaveBeenCalledWith(
      'Export x.csv aborted',
      expect.objectContaining({ message: 'database went away' }),
    );
  });
});
