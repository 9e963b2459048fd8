// The Reconciliation view: the guest's account (growth-team's Volcengine
// account of the demo), drilled down to its days and to the keys of one day;
// every figure on screen checked against the API's exact amounts, the
// tolerance marks against a computation here, and the layout of each level
// at 1440 and 390 px (checks in layout.mjs).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { guestApi } from './backendApi.mjs';
import {
  BASE_URL,
  DESKTOP,
  PHONE,
  browserSession,
  report,
  screenshot,
} from './browser.mjs';
import { layoutProblemsOf } from './layout.mjs';

const session = browserSession();
const ACCOUNT = 'demo-volcengine';
const CURRENCY = 'CNY';
const PAGE = `${BASE_URL}/llm-usage/reconciliation`;

/** `YYYY-MM-DD` of the UTC day `daysAgo` days before today. */
function utcDay(daysAgo) {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() - daysAgo);
  return day.toISOString().slice(0, 10);
}

/** A decimal string in nano-units, exactly. */
function nanos(decimal) {
  const [whole, fraction = ''] = decimal.replace('-', '').split('.');
  const value =
    BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
  return decimal.startsWith('-') ? -value : value;
}

/**
 * Whether an amount as shown ("CN¥1,234.56", "-CN¥0.15", "CN¥0.095": small
 * amounts get more digits) is the exact decimal rounded to its digits.
 */
function assertShown(text, decimal, what) {
  const number = Number(text.replace(/[^\d.-]/g, ''));
  assert.ok(Number.isFinite(number), `${what}: not an amount: ${text}`);
  const digits = text.match(/\.(\d+)/)?.[1].length ?? 0;
  assert.ok(
    Math.abs(number - Number(decimal)) <= 0.5 * 10 ** -digits + 1e-12,
    `${what}: ${text} shown for ${decimal}`,
  );
}

/** The cells of each row of a table, by its test id. */
function rowsOf(page, testId) {
  return page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll(rows =>
      rows.map(row => ({
        testId: row.getAttribute('data-testid'),
        over: row.getAttribute('data-over-tolerance') === 'true',
        cells: [...row.querySelectorAll('td')].map(td => td.textContent.trim()),
      })),
    );
}

/**
 * The figure cells of a row (provider, recorded, difference, percent,
 * tolerance) against the API's amounts, and its mark against the tolerance
 * computed here from the exact amounts.
 */
function assertFigures(shown, amounts, tolerancePercent, what) {
  const [provider, recorded, difference, percent, state] = shown.cells.slice(
    shown.figuresAt,
  );
  assertShown(provider, amounts.providerCost, `${what}, provider`);
  assertShown(recorded, amounts.recordedCost, `${what}, recorded`);
  assertShown(difference, amounts.difference, `${what}, difference`);
  // The difference is the provider's cost minus the recorded one.
  assert.equal(
    nanos(amounts.difference),
    nanos(amounts.providerCost) - nanos(amounts.recordedCost),
    what,
  );
  const provided = nanos(amounts.providerCost);
  const gap = nanos(amounts.difference);
  if (provided === 0n) {
    assert.equal(percent, 'nothing reported', what);
  } else {
    const exact = Number((gap * 1_000_000n) / provided) / 10_000;
    // One decimal shown, of the API's percentage cut to two: within 0.1.
    assert.ok(
      Math.abs(Number(percent.replace(/[^\d.-]/g, '')) - exact) <= 0.1,
      `${what}: ${percent} shown, ${exact}% exactly`,
    );
  }
  const abs = value => (value < 0n ? -value : value);
  const beyond =
    provided === 0n
      ? gap !== 0n
      : abs(gap) * 100n > BigInt(tolerancePercent) * abs(provided);
  assert.equal(amounts.overTolerance, beyond, `${what}: API mark`);
  assert.equal(shown.over, beyond, `${what}: row tint`);
  assert.equal(
    state,
    beyond ? 'Beyond tolerance' : 'Within',
    `${what}: tolerance cell`,
  );
}

test('the reconciliation drills down from accounts to days to keys, every figure as the API computes it', async () => {
  const { page } = session;
  await page.goto(PAGE);
  const accounts = page.getByTestId('reconciliation-accounts');
  await accounts.waitFor();
  await page.getByText(/Rows whose difference exceeds 5%/).waitFor();
  const api = await guestApi(
    page,
    `/reconciliation?from=${utcDay(29)}&to=${utcDay(0)}`,
  );
  const tolerance = api.tolerancePercent;

  // Accounts: the ones the guest may manage, each against its totals.
  const accountRows = await rowsOf(page, 'reconciliation-accounts');
  assert.deepEqual(
    accountRows.map(row => row.testId).sort(),
    api.totals
      .map(
        total =>
          `reconciliation-account-${total.accountId}-${total.providerCost.currency}`,
      )
      .sort(),
  );
  const total = api.totals.find(
    item =>
      item.accountId === ACCOUNT && item.providerCost.currency === CURRENCY,
  );
  assert.ok(total, 'the guest sees its Volcengine account');
  const accountRow = accountRows.find(
    row => row.testId === `reconciliation-account-${ACCOUNT}-${CURRENCY}`,
  );
  assert.equal(accountRow.cells[0], total.accountName);
  assertFigures(
    { ...accountRow, figuresAt: 2 },
    {
      currency: CURRENCY,
      providerCost: total.providerCost.amount,
      recordedCost: total.recordedCost.amount,
      difference: total.difference.amount,
      differencePercent: total.differencePercent,
      overTolerance: total.overTolerance,
    },
    tolerance,
    'account total',
  );
  const days = api.items.filter(
    item => item.accountId === ACCOUNT && item.currency === CURRENCY,
  );
  // The total is the exact sum of its days, and counts the days beyond.
  assert.equal(
    days.reduce((sum, day) => sum + nanos(day.providerCost), 0n),
    nanos(total.providerCost.amount),
  );
  assert.equal(
    days.reduce((sum, day) => sum + nanos(day.recordedCost), 0n),
    nanos(total.recordedCost.amount),
  );
  const daysBeyond = days.filter(day => day.overTolerance).length;
  assert.equal(total.daysOverTolerance, daysBeyond);
  assert.equal(accountRow.cells[7], String(daysBeyond));
  report(
    `reconciliation: ${total.accountName} over 30 days, ${days.length} days, ${daysBeyond} beyond ${tolerance}%, provider ${total.providerCost.amount} vs recorded ${total.recordedCost.amount} ${CURRENCY}`,
  );
  await screenshot(page, 'reconciliation-accounts');

  // Down to the account's days.
  await page
    .getByRole('button', { name: `Days of ${total.accountName}` })
    .click();
  await page.waitForURL(
    url =>
      url.searchParams.get('account') === ACCOUNT &&
      url.searchParams.get('currency') === CURRENCY,
  );
  await page.getByTestId('reconciliation-days').waitFor();
  await page
    .getByText(`${total.accountName} by day (${CURRENCY})`, { exact: true })
    .waitFor();
  const dayRows = await rowsOf(page, 'reconciliation-days');
  assert.deepEqual(
    dayRows.map(row => row.testId).sort(),
    days.map(day => `reconciliation-day-${day.date}`).sort(),
  );
  for (const day of days) {
    const shown = dayRows.find(
      row => row.testId === `reconciliation-day-${day.date}`,
    );
    assertFigures({ ...shown, figuresAt: 1 }, day, tolerance, day.date);
  }
  await screenshot(page, 'reconciliation-days');

  // Down to the keys of the day with the largest difference the provider
  // reported (the days before today; today is still being reported).
  const [day] = days
    .filter(item => nanos(item.providerCost) > 0n)
    .sort((a, b) => {
      const gap = item => {
        const value = nanos(item.difference);
        return value < 0n ? -value : value;
      };
      return gap(b) > gap(a) ? 1 : -1;
    });
  assert.ok(day, 'a day the provider reported');
  await page
    .getByTestId(`reconciliation-day-${day.date}`)
    .getByRole('button')
    .click();
  await page.waitForURL(url => url.searchParams.get('date') === day.date);
  await page.getByTestId('reconciliation-keys').waitFor();
  const keysApi = await guestApi(
    page,
    `/reconciliation/keys?accountId=${ACCOUNT}&date=${day.date}`,
  );
  const keys = keysApi.items.filter(item => item.currency === CURRENCY);
  assert.ok(keys.length > 0, 'the day has keys');
  // The day is the exact sum of its keys.
  assert.equal(
    keys.reduce((sum, key) => sum + nanos(key.providerCost), 0n),
    nanos(day.providerCost),
  );
  assert.equal(
    keys.reduce((sum, key) => sum + nanos(key.recordedCost), 0n),
    nanos(day.recordedCost),
  );
  const keyRows = await rowsOf(page, 'reconciliation-keys');
  assert.equal(keyRows.length, keys.length);
  for (const key of keys) {
    const shown = keyRows.find(
      row =>
        row.testId ===
        `reconciliation-key-${key.keyId ?? key.providerKeyId ?? 'unsplit'}`,
    );
    assert.ok(shown, `row of key ${key.keyName}`);
    if (key.keyName) assert.equal(shown.cells[0], key.keyName);
    assertFigures({ ...shown, figuresAt: 1 }, key, tolerance, key.keyName);
  }
  await screenshot(page, 'reconciliation-keys');
  await screenshot(page, 'reconciliation-keys', PHONE);

  // Back up through the breadcrumbs.
  const crumbs = page.getByRole('navigation', {
    name: 'Reconciliation levels',
  });
  await crumbs.getByRole('button', { name: total.accountName }).click();
  await page.getByTestId('reconciliation-days').waitFor();
  assert.equal(new URL(page.url()).searchParams.get('date'), null);
  await crumbs.getByRole('button', { name: 'All accounts' }).click();
  await page.getByTestId('reconciliation-accounts').waitFor();
  assert.equal(new URL(page.url()).searchParams.get('account'), null);
});

test('the reconciliation export has the days the view shows', async () => {
  const { page } = session;
  await page.goto(`${PAGE}?account=${ACCOUNT}&currency=${CURRENCY}&days=7`);
  const dayRows = page.locator('[data-testid^="reconciliation-day-"]');
  await dayRows.first().waitFor();
  const shownDays = await dayRows.evaluateAll(rows =>
    rows.map(row => row.getAttribute('data-testid').slice(-10)),
  );
  assert.ok(shownDays.length > 0 && shownDays.length <= 7, `${shownDays}`);
  assert.ok(
    shownDays.every(day => day >= utcDay(6)),
    `${shownDays}`,
  );
  await page.getByTestId('reconciliation-export').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: 'CSV' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const text = await readFile(await download.path(), 'utf8');
  // One line per day of the account (the range and the account of the view).
  const exportedDays = [...text.matchAll(/\b(\d{4}-\d{2}-\d{2})\b/g)].map(
    match => match[1],
  );
  assert.deepEqual([...new Set(exportedDays)].sort(), [...shownDays].sort());
});

const LEVELS = [
  { name: 'accounts', search: '', ready: 'reconciliation-accounts' },
  {
    name: 'days',
    search: `?account=${ACCOUNT}&currency=${CURRENCY}`,
    ready: 'reconciliation-days',
  },
  {
    name: 'keys',
    search: `?account=${ACCOUNT}&currency=${CURRENCY}&date=${utcDay(1)}`,
    ready: 'reconciliation-keys',
  },
];

for (const level of LEVELS) {
  test(`the reconciliation's ${level.name} read well at 1440 and 390 px`, async () => {
    const { page } = session;
    const spec = {
      path: `/llm-usage/reconciliation${level.search}`,
      ready: level.ready,
    };
    const found = [];
    for (const viewport of [DESKTOP, PHONE]) {
      found.push(
        ...(await layoutProblemsOf(
          page,
          spec,
          viewport,
          `layout-reconciliation-${level.name}`,
        )),
      );
    }
    assert.deepEqual(found, [], found.join('\n'));
  });
}
