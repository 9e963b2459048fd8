// How soon the production build (scripts/e2e.sh serves packages/app/dist)
// shows the dashboard with data: measured, printed and held to 2 s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BASE_URL,
  browserSession,
  dashboardShowsData,
  report,
} from './browser.mjs';

const session = browserSession();

test('a production build shows the dashboard with data in under 2 s', async () => {
  const { context } = session;
  // A new page of the signed-in context: the app's files come from the
  // browser's cache, as for a returning user; the data is fetched anew.
  const page = await context.newPage();
  try {
    const times = [];
    for (let visit = 0; visit < 3; visit++) {
      const started = Date.now();
      await page.goto(`${BASE_URL}/llm-usage`);
      await dashboardShowsData(page);
      times.push(Date.now() - started);
    }
    report(`dashboard with data after navigation: ${times.join(', ')} ms`);
    assert.ok(
      Math.min(...times) < 2000,
      `the dashboard took ${Math.min(...times)} ms at best`,
    );
  } finally {
    await page.close();
  }
});
