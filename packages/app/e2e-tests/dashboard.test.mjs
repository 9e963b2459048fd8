import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BASE_URL,
  PHONE,
  dashboardShowsData,
  openBrowser,
  report,
  screenshot,
} from './browser.mjs';

let session;
before(async () => {
  session = await openBrowser();
});
after(async () => {
  await session?.browser.close();
});

test('the dashboard shows non-zero cards and a project list', async () => {
  const { page } = session;

  // Printed, not asserted: navigation to data, all requests in parallel.
  for (const visit of ['first visit', 'second visit']) {
    const started = Date.now();
    await page.goto(`${BASE_URL}/llm-usage`);
    await dashboardShowsData(page);
    report(
      `dashboard showed data ${
        Date.now() - started
      } ms after navigation (${visit})`,
    );
  }

  const cards = page.getByTestId('overview-cards');
  const calls = await cards
    .locator('h3', { hasText: 'Total calls' })
    .locator('xpath=following-sibling::div[1]')
    .innerText();
  assert.ok(Number(calls.replace(/[^\d]/g, '')) > 0, `total calls: ${calls}`);
  const tokens = await cards
    .locator('h3', { hasText: 'Total tokens' })
    .locator('xpath=following-sibling::div[1]')
    .innerText();
  assert.match(tokens, /[1-9]/, `total tokens: ${tokens}`);
  const cost = await cards
    .locator('h3', { hasText: 'Total cost' })
    .locator('xpath=following-sibling::div[1]')
    .innerText();
  assert.match(cost, /[1-9]/, `total cost: ${cost}`);

  await page.getByTestId('demo-data-banner').waitFor();
  await page
    .getByTestId('usage-trend')
    .locator('svg.recharts-surface')
    .first()
    .waitFor();
  await page.getByTestId('project-export').waitFor();

  await screenshot(page, 'dashboard');
  await screenshot(page, 'dashboard', PHONE);
});

test('a row of the project list opens the project', async () => {
  const { page } = session;
  await page.goto(`${BASE_URL}/llm-usage`);
  await dashboardShowsData(page);
  const row = page
    .locator(
      '[data-testid^="project-row-"]:not([data-testid="project-row-skeleton"])',
    )
    .first();
  const projectId = (await row.getAttribute('data-testid')).replace(
    'project-row-',
    '',
  );
  await row.locator('td').nth(3).click();
  await page.waitForURL(
    url =>
      url.pathname === `/llm-usage/projects/${encodeURIComponent(projectId)}`,
  );
  await page.getByRole('heading', { name: projectId, level: 1 }).waitFor();
  await page.getByTestId('project-stats').waitFor();
});
