import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BASE_URL,
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

// A fresh app's sidebar lists only the dashboard: every other page must be
// reachable through the plugin's own navigation under the page header.
test("the plugin's navigation leads from the dashboard to each of its pages", async () => {
  const { page } = session;
  await page.goto(`${BASE_URL}/llm-usage`);
  await dashboardShowsData(page);
  const nav = page.getByRole('navigation', { name: 'LLM Usage sections' });
  for (const [tab, path] of [
    ['Keys', '/llm-usage/keys'],
    ['Alerts', '/llm-usage/alerts'],
    ['Activity', '/llm-usage/activity'],
    ['Settings', '/llm-usage/settings'],
    ['Dashboard', '/llm-usage'],
  ]) {
    await nav.getByRole('tab', { name: tab, exact: true }).click();
    await page.waitForURL(url => url.pathname.startsWith(path));
    assert.equal(
      await nav
        .getByRole('tab', { name: tab, exact: true })
        .getAttribute('aria-current'),
      'page',
    );
    if (tab === 'Keys') {
      await page.getByRole('table').first().waitFor();
      await screenshot(page, 'keys-reached-by-navigation');
    }
  }
  await dashboardShowsData(page);
});

// The sidebar lights up the page the viewer is on and nothing else: the
// dashboard item covers the dashboard and its projects, not every page below
// it; the plugin's settings have one entry, beside the app's settings.
test('the sidebar highlights only the current page and lists the settings once', async () => {
  const { page } = session;
  const sidebar = page.getByRole('navigation', { name: 'sidebar nav' });
  const current = () =>
    sidebar
      .locator('a[aria-current="page"]')
      .evaluateAll(links => links.map(link => link.getAttribute('aria-label')));
  for (const [path, item] of [
    ['/llm-usage', 'LLM Usage'],
    ['/llm-usage/keys', 'API Keys'],
    ['/llm-usage/alerts', 'Alerts'],
    ['/llm-usage/activity', 'Activity'],
    ['/llm-usage/settings/accounts', 'LLM settings'],
  ]) {
    await page.goto(`${BASE_URL}${path}`);
    await sidebar.getByRole('link', { name: 'LLM Usage' }).waitFor();
    assert.deepEqual(await current(), [item], path);
  }
  assert.equal(
    await sidebar.getByRole('link', { name: 'LLM settings' }).count(),
    1,
  );
});
