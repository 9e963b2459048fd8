// Importing keys from CSV: a dry run that writes nothing and reports every
// row, then the import of the same text, then the keys in the list.
//
// The keys page offers Import to LLM Usage admins only, and the guest is not
// one (other tests rely on it seeing only growth-team's keys). This test
// answers the page's admin check with "allowed" for the page only; the
// backend still judges every row by the guest's own rights, which is what
// the refused row below shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guestApi } from './backendApi.mjs';
import {
  BASE_URL,
  DESKTOP,
  PHONE,
  browserSession,
  screenshot,
} from './browser.mjs';
import { layoutProblemsOf } from './layout.mjs';

const session = browserSession();

// demo-volcengine belongs to growth-team (the guest's); demo-openrouter to
// ml-team, which the guest may not use. The translation key is the demo's
// volcengine key, updated by its provider key id.
const CSV = [
  'accountId,name,providerKeyId,ownerRef,expiresAt,notes,tags',
  'demo-volcengine,e2e-import-batch,,group:default/growth-team,2027-06-30,,batch',
  'demo-volcengine,e2e-import-nightly,volc-e2e-nightly,group:default/growth-team,2027-06-30,Nightly jobs,production;staging',
  'demo-volcengine,translation (volcengine),demo-key-volcengine-translation,group:default/growth-team,,Checked by the import test,',
  'demo-openrouter,e2e-import-elsewhere,,group:default/ml-team,,,',
  'demo-volcengine,e2e-import-badtag,,group:default/growth-team,,,no-such-tag',
].join('\n');
const CREATED = ['e2e-import-batch', 'e2e-import-nightly'];

/** Lets the page show admin-only actions (see the file's comment). */
const treatedAsAdmin = new WeakSet();
async function pageTreatsGuestAsAdmin(page) {
  if (treatedAsAdmin.has(page)) return;
  treatedAsAdmin.add(page);
  await page.route('**/api/permission/authorize', async route => {
    const request = route.request().postDataJSON();
    const response = await route.fetch();
    const body = await response.json();
    const admin = new Set(
      request.items
        .filter(item => item.permission?.name === 'llm-usage.admin')
        .map(item => item.id),
    );
    await route.fulfill({
      response,
      json: {
        items: body.items.map(item =>
          admin.has(item.id) ? { id: item.id, result: 'ALLOW' } : item,
        ),
      },
    });
  });
}

/** Each report row as [row number, result, detail]. */
function reportRows(dialog) {
  return dialog
    .locator('[data-testid^="import-row-"]')
    .evaluateAll(rows =>
      rows.map(row =>
        [...row.querySelectorAll('td')].map(cell => cell.textContent.trim()),
      ),
    );
}

/** Opens the import dialog on the keys page and types the rows in. */
async function openImportWith(page, csv) {
  await pageTreatsGuestAsAdmin(page);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Import keys from CSV or JSON').waitFor();
  await dialog.getByLabel('Rows to import').fill(csv);
  return dialog;
}

test('the import dialog with its dry run reads well at 1440 and 390 px', async () => {
  const { page } = session;
  await pageTreatsGuestAsAdmin(page);
  const spec = {
    path: '/llm-usage/keys',
    ready: 'keys-table',
    open: async () => {
      const dialog = await openImportWith(page, CSV);
      await dialog.getByRole('button', { name: 'Check (dry run)' }).click();
      await dialog.getByTestId('import-preview').waitFor();
    },
  };
  const found = [];
  for (const viewport of [DESKTOP, PHONE]) {
    found.push(
      ...(await layoutProblemsOf(page, spec, viewport, 'layout-key-import')),
    );
  }
  assert.deepEqual(found, [], found.join('\n'));
});

test('keys are imported from CSV after a dry run that writes nothing', async () => {
  const { page } = session;
  await pageTreatsGuestAsAdmin(page);
  await page.goto(`${BASE_URL}/llm-usage/keys`);
  await page.getByTestId('keys-table').waitFor();
  const before = await guestApi(page, '/keys?q=e2e-import');
  assert.equal(before.items.length, 0);

  const dialog = await openImportWith(page, '');
  const check = dialog.getByRole('button', { name: 'Check (dry run)' });
  assert.equal(await check.isDisabled(), true, 'nothing to check yet');
  await dialog.getByLabel('Rows to import').fill(CSV);

  // The dry run: every row's fate, nothing written.
  await check.click();
  const preview = dialog.getByTestId('import-preview');
  await preview.waitFor();
  assert.match(
    await preview.textContent(),
    /Dry run: 2 would be created, 1 updated, 2 refused\. Nothing was written\./,
  );
  const previewRows = await reportRows(dialog);
  assert.deepEqual(
    previewRows.map(([row, result]) => [row, result]),
    [
      ['1', 'Would be created'],
      ['2', 'Would be created'],
      ['3', 'Would be updated'],
      ['4', 'Refused'],
      ['5', 'Refused'],
    ],
  );
  assert.match(previewRows[4][2], /unknown tag no-such-tag/);
  assert.notEqual(previewRows[3][2], '', 'the refused row says why');
  const afterDryRun = await guestApi(page, '/keys?q=e2e-import');
  assert.equal(afterDryRun.items.length, 0, 'the dry run wrote a key');
  await screenshot(page, 'key-import-preview');
  await screenshot(page, 'key-import-preview', PHONE);

  // Another text is another import: it needs its own dry run.
  const content = dialog.getByLabel('Rows to import');
  await content.press('End');
  await content.press('Space');
  await preview.waitFor({ state: 'detached' });
  await dialog.getByRole('button', { name: 'Check (dry run)' }).waitFor();
  await content.fill(CSV);
  await dialog.getByRole('button', { name: 'Check (dry run)' }).click();
  await preview.waitFor();

  // The import of the same rows.
  await dialog.getByRole('button', { name: 'Import 3 rows' }).click();
  const result = dialog.getByTestId('import-result');
  await result.waitFor();
  assert.match(
    await result.textContent(),
    /Imported: 2 created, 1 updated, 2 refused\./,
  );
  const resultRows = await reportRows(dialog);
  assert.deepEqual(
    resultRows.map(([row, outcome]) => [row, outcome]),
    [
      ['1', 'Created'],
      ['2', 'Created'],
      ['3', 'Updated'],
      ['4', 'Refused'],
      ['5', 'Refused'],
    ],
  );
  await screenshot(page, 'key-import-result');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });

  // The new keys are in the list, with their tags; the update landed.
  const table = page.getByTestId('keys-table');
  for (const name of CREATED) {
    await table.getByText(name, { exact: true }).waitFor();
  }
  const imported = await guestApi(page, '/keys?q=e2e-import');
  const byName = Object.fromEntries(imported.items.map(key => [key.name, key]));
  assert.deepEqual(Object.keys(byName).sort(), CREATED);
  assert.deepEqual(
    byName['e2e-import-nightly'].tags.map(tag => tag.name).sort(),
    ['production', 'staging'],
  );
  assert.equal(byName['e2e-import-nightly'].providerKeyId, 'volc-e2e-nightly');
  assert.equal(byName['e2e-import-nightly'].notes, 'Nightly jobs');
  assert.equal(
    byName['e2e-import-batch'].ownerRef,
    'group:default/growth-team',
  );
  assert.equal(byName['e2e-import-batch'].expiresAt.slice(0, 10), '2027-06-30');
  const translation = await guestApi(page, '/keys?q=translation');
  assert.equal(
    translation.items.find(
      key => key.providerKeyId === 'demo-key-volcengine-translation',
    ).notes,
    'Checked by the import test',
  );
  const elsewhere = await guestApi(page, '/keys?q=e2e-import-elsewhere');
  assert.equal(elsewhere.items.length, 0, 'a refused row was written');
});
