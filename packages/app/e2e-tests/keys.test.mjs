import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { BASE_URL, PHONE, openBrowser, screenshot } from './browser.mjs';

// The guest (growth-team) owns the demo's two sales-email keys, both linked
// to component:default/sales-email-writer and expiring within the week.
const EXPIRING_KEYS = ['sales-email (anthropic)', 'sales-email (openai)'];
const COMPONENT_PAGE = `${BASE_URL}/catalog/default/component/sales-email-writer/llm-usage`;
const KEY_ROWS = '[data-testid^="key-row-"]';

let session;

before(async () => {
  session = await openBrowser();
});
after(async () => {
  await session?.browser.close();
});

/** Rows of a CSV text (RFC 4180 quoting), as objects by header. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field || row.length) rows.push([...row, field]);
  const [header, ...body] = rows.filter(r => r.some(Boolean));
  // A BOM (for Excel) may lead the first header.
  const names = header.map(name => name.replace(/^\uFEFF/, ''));
  return body.map(r => Object.fromEntries(names.map((n, i) => [n, r[i]])));
}

function rowCount(scope) {
  return scope.locator(KEY_ROWS).count();
}

/** Ticks the given keys' row checkboxes. */
async function select(page, names) {
  for (const name of names) {
    await page.getByRole('checkbox', { name: `Select ${name}` }).check();
  }
  await page
    .getByTestId('batch-bar')
    .getByText(`${names.length} selected`)
    .waitFor();
}

/** Waits for the per-key report of a batch action, checks it, closes it. */
async function expectReportAllDone(page, count) {
  const report = page.getByTestId('batch-report');
  await report.waitFor();
  await page.waitForFunction(
    n => document.querySelectorAll('[data-testid^="report-row-"]').length === n,
    count,
  );
  const outcomes = await report
    .locator('[data-testid^="report-row-"]')
    .evaluateAll(rows => rows.map(r => r.textContent));
  assert.equal(outcomes.length, count);
  for (const outcome of outcomes) {
    assert.match(outcome, /Done/, outcome);
    assert.doesNotMatch(outcome, /Failed/, outcome);
  }
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await report.waitFor({ state: 'detached' });
}

test('the guest filters expiring keys, assigns an owner, tags and exports them, and sees them on the component', async () => {
  const { page } = session;
  await page.goto(`${BASE_URL}/llm-usage/keys`);
  await page.getByTestId('keys-table').waitFor();

  // Filter: keys expiring within 7 days (through the filter bar).
  await page
    .getByTestId('key-filters')
    .locator('[role="button"]:has(+ input[data-testid="filter-expiry"])')
    .click();
  await page.getByRole('option', { name: 'Expiring within 7 days' }).click();
  await page.keyboard.press('Escape');
  await page.waitForURL(url => url.searchParams.get('expiry') === 'expiring');
  await page.waitForFunction(
    ([selector, n]) => document.querySelectorAll(selector).length === n,
    [KEY_ROWS, EXPIRING_KEYS.length],
  );
  const table = page.getByTestId('keys-table');
  for (const name of EXPIRING_KEYS) {
    await table.getByText(name, { exact: true }).waitFor();
  }
  assert.equal(await rowCount(page), EXPIRING_KEYS.length);

  // Assign an owner: the guest themself (owners may hand keys to owners
  // they act for).
  await select(page, EXPIRING_KEYS);
  await page.getByRole('button', { name: 'Assign owner' }).click();
  const assign = page.getByRole('dialog');
  await assign.getByLabel('Owner (group or user)').fill('Guest');
  await page.getByRole('option', { name: /Guest User/ }).click();
  await assign.getByRole('button', { name: 'Assign' }).click();
  await expectReportAllDone(page, EXPIRING_KEYS.length);
  await page.waitForFunction(
    ([selector, n]) =>
      [...document.querySelectorAll(selector)].filter(r =>
        /Guest User|guest/.test(r.textContent),
      ).length === n,
    [KEY_ROWS, EXPIRING_KEYS.length],
  );

  // Add a tag the demo data created ("batch"; neither key has it yet).
  await select(page, EXPIRING_KEYS);
  await page.getByRole('button', { name: 'Add tags' }).click();
  const tagsDialog = page.getByRole('dialog');
  await tagsDialog.getByRole('checkbox', { name: 'batch' }).check();
  await tagsDialog.getByRole('button', { name: 'Apply' }).click();
  await expectReportAllDone(page, EXPIRING_KEYS.length);
  await page.waitForFunction(
    ([selector, n]) =>
      [...document.querySelectorAll(selector)].filter(r =>
        r.textContent.includes('batch'),
      ).length === n,
    [KEY_ROWS, EXPIRING_KEYS.length],
  );
  await screenshot(page, 'keys-expiring-tagged');
  await screenshot(page, 'keys-expiring-tagged', PHONE);

  // Export the selection as CSV and read the downloaded file.
  await select(page, EXPIRING_KEYS);
  await page.getByRole('button', { name: 'Export selection' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: 'CSV' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const rows = parseCsv(await readFile(await download.path(), 'utf8'));
  // Headers in the reader's language (English here), values as the API sends them.
  assert.deepEqual(rows.map(r => r['Key name']).sort(), EXPIRING_KEYS);
  for (const row of rows) {
    assert.equal(row.Owner, 'user:default/guest');
    assert.equal(row.Component, 'component:default/sales-email-writer');
    assert.equal(row['Expiry state'], 'expiring');
    assert.ok(row.Tags.split('; ').includes('batch'), row.Tags);
  }

  // The component's LLM Usage tab lists its keys.
  await page.goto(COMPONENT_PAGE);
  const entityKeys = page.getByTestId('entity-keys');
  for (const name of EXPIRING_KEYS) {
    await entityKeys.getByText(name, { exact: true }).waitFor();
  }
  assert.ok((await rowCount(entityKeys)) >= EXPIRING_KEYS.length);
  await screenshot(page, 'component-llm-usage-keys');
  await screenshot(page, 'component-llm-usage-keys', PHONE);
});
