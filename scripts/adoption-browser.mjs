// The browser half of scripts/adoption.sh: opens the adoption app served by
// its backend, signs in as the guest, reaches the dashboard through the
// sidebar item the plugin brings, checks that the call ingested before shows,
// then follows the plugin's own navigation to the Keys page. Screenshots go
// to packages/app/e2e-tests/screenshots/adoption-*.png.
//
//   ADOPTION_BASE_URL=http://localhost:PORT node scripts/adoption-browser.mjs
import assert from 'node:assert/strict';
// eslint-disable-next-line @backstage/no-undeclared-imports
import { chromium } from 'playwright-core';
import {
  dashboardShowsData,
  screenshot,
} from '../packages/app/e2e-tests/browser.mjs';

const BASE_URL = process.env.ADOPTION_BASE_URL;
assert.ok(BASE_URL, 'ADOPTION_BASE_URL is required');
// The project of the call scripts/adoption.sh ingests.
const PROJECT = 'adoption';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const started = Date.now();
const step = line =>
  process.stdout.write(`  browser (${Date.now() - started} ms): ${line}\n`);
try {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const failed = [];
  page.on('response', response => {
    if (
      response.url().includes('/api/llm-usage/') &&
      response.status() >= 400
    ) {
      failed.push(`${response.status()} ${response.url()}`);
    }
  });

  await page.goto(`${BASE_URL}/`);
  // A fresh app's default sign-in page offers the guest provider.
  await page.getByRole('button', { name: 'Enter' }).click();
  step('signed in as the guest');

  // The sidebar item the plugin adds (new frontend system), not a typed URL.
  await page
    .getByRole('link', { name: 'LLM Usage', exact: true })
    .first()
    .click();
  await page.waitForURL(url => url.pathname === '/llm-usage');
  await dashboardShowsData(page);
  const row = page.getByTestId(`project-row-${PROJECT}`);
  await row.waitFor();
  // Its one call: 100 input + 20 output tokens.
  const rowText = await row.innerText();
  assert.match(rowText, new RegExp(PROJECT));
  assert.match(rowText, /\b120\b/);
  step(`dashboard at ${new URL(page.url()).pathname} lists project ${PROJECT}`);
  await screenshot(page, 'adoption-dashboard');

  const nav = page.getByRole('navigation', { name: 'LLM Usage sections' });
  await nav.getByRole('tab', { name: 'Keys', exact: true }).click();
  await page.waitForURL(url => url.pathname === '/llm-usage/keys');
  assert.equal(
    await nav
      .getByRole('tab', { name: 'Keys', exact: true })
      .getAttribute('aria-current'),
    'page',
  );
  await page.getByRole('heading', { name: 'API Keys' }).first().waitFor();
  await page.getByText('Total keys').first().waitFor();
  // The month's spend card counts the reported call's cost.
  await page.getByText('$0.00003').first().waitFor();
  // The key list as the server answered it: a fresh install has no keys yet.
  const keyList = page.getByRole('table').or(page.getByText('No keys match'));
  await keyList.first().waitFor();
  const keysShown = (await page.getByRole('table').count())
    ? 'a key table'
    : "'No keys match' (none synced yet)";
  step(
    `Keys page at ${
      new URL(page.url()).pathname
    }, reached by its tab, shows ${keysShown}`,
  );
  await screenshot(page, 'adoption-keys');

  assert.deepEqual(failed, [], 'plugin API requests that failed');
} finally {
  await browser.close();
}
