import { after, before, test } from 'node:test';
import {
  BASE_URL,
  PHONE,
  dashboardShowsData,
  openBrowser,
  screenshot,
} from './browser.mjs';

let session;
before(async () => {
  session = await openBrowser();
});
after(async () => {
  await session?.browser.close();
});

test('switching the app language to Chinese translates the pages', async () => {
  const { page } = session;
  await page.goto(`${BASE_URL}/settings`);
  // The user settings page offers the app's languages in a select.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('option', { name: /^(中文|Chinese)$/ }).click();

  await page.goto(`${BASE_URL}/llm-usage`);
  await dashboardShowsData(page);
  await page.getByRole('heading', { name: 'LLM 用量', level: 1 }).waitFor();
  await page.getByText('总调用次数').first().waitFor();
  await page.getByText('项目', { exact: true }).first().waitFor();
  await screenshot(page, 'dashboard-zh');
  await screenshot(page, 'dashboard-zh', PHONE);
});
