// The browser tab's title while the viewer has unread notifications. The
// notifications sidebar item can prefix the title with the unread count; its
// counter turned every title change into a React update and wrote the prefix
// back, while a page's Helmet rewrites the title on each render, even one
// React throws away. The two fought over the title (10–400 writes per page
// load), and each of their updates restarted the page's first render: on a
// busy CPU the page stayed blank for 10–40 s. The app turns the counter off
// (modules/nav/Sidebar.tsx).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guestBackendApi } from './backendApi.mjs';
import { BASE_URL, browserSession } from './browser.mjs';

const session = browserSession();

/** Resolves once the guest has unread notifications (the demo's alerts). */
async function unreadNotifications(page) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { unread } = await guestBackendApi(page, '/api/notifications/status');
    if (unread > 0) return unread;
    await page.waitForTimeout(1_000);
  }
  throw new Error('the guest has no unread notifications to test with');
}

test("a page sets the tab's title once, whatever notifications are unread", async () => {
  const { context } = session;
  const page = await context.newPage();
  try {
    // Every write of document.title, counted by the page from its start.
    await page.addInitScript(() => {
      const title = Object.getOwnPropertyDescriptor(
        Document.prototype,
        'title',
      );
      window.titleWrites = [];
      Object.defineProperty(document, 'title', {
        configurable: true,
        get() {
          return title.get.call(this);
        },
        set(value) {
          window.titleWrites.push(value);
          title.set.call(this, value);
        },
      });
    });
    await page.goto(`${BASE_URL}/llm-usage`);
    await unreadNotifications(page);
    const sections = page.getByRole('navigation', {
      name: 'LLM Usage sections',
    });
    for (const [path, title] of [
      ['/llm-usage/keys', 'API Keys'],
      ['/llm-usage/alerts', 'Alerts'],
    ]) {
      await page.goto(`${BASE_URL}${path}`);
      await sections.waitFor();
      // A poll or two re-render the page meanwhile.
      await page.waitForTimeout(4_000);
      const writes = await page.evaluate(() => window.titleWrites);
      // The app's title, then the page's (and React may render it twice).
      assert.ok(writes.length <= 4, `${path}: ${JSON.stringify(writes)}`);
      assert.ok((await page.title()).startsWith(title), await page.title());
    }
  } finally {
    await page.close();
  }
});
