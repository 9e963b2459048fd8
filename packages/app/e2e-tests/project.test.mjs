import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BASE_URL,
  PHONE,
  firstProjectId,
  ingestCalls,
  openBrowser,
  report,
  screenshot,
} from './browser.mjs';

const REAL_ROWS =
  '[data-testid^="call-row-"]:not([data-testid="call-row-skeleton"])';

let session;
let projectId;

before(async () => {
  session = await openBrowser();
  const { page } = session;
  // The guest's busiest project (the list sorts by calls by default).
  projectId = await firstProjectId(page);
});
after(async () => {
  await session?.browser.close();
});

async function openProject(page, search = '') {
  await page.goto(
    `${BASE_URL}/llm-usage/projects/${encodeURIComponent(projectId)}${search}`,
  );
  await page.locator(REAL_ROWS).first().waitFor();
}

/** "850 ms", "1.2 s" (as formatted for en-US) to milliseconds; "—" is none. */
function latencyMs(text) {
  const match = /([\d.,]+)\s*(ms|s)/.exec(text);
  if (!match) return -1;
  const value = Number(match[1].replace(/,/g, ''));
  return match[2] === 'ms' ? value : value * 1000;
}

test('filtering calls by status=failed shows only failed calls', async () => {
  const { page } = session;
  await openProject(page);
  await page.getByRole('button', { name: /All statuses/ }).click();
  await page.getByRole('option', { name: 'Failed' }).click();
  await page.waitForURL(url => url.searchParams.get('status') === 'failed');
  await page.waitForFunction(selector => {
    const rows = [...document.querySelectorAll(selector)];
    return rows.length > 0 && rows.every(r => r.dataset.status === 'failed');
  }, REAL_ROWS);
  const statuses = await page
    .locator(REAL_ROWS)
    .evaluateAll(rows => rows.map(r => r.dataset.status));
  assert.ok(statuses.length > 0);
  assert.deepEqual(new Set(statuses), new Set(['failed']));

  // A failed call explains itself when expanded.
  await page.locator(REAL_ROWS).first().getByRole('button').first().click();
  await page.locator('[data-testid^="call-details-"]').first().waitFor();
  await screenshot(page, 'project-failed-calls');
});

test('sorting calls by latency orders them slowest first', async () => {
  const { page } = session;
  await openProject(page);
  await page.getByRole('button', { name: 'Latency' }).click();
  await page.waitForURL(url => url.searchParams.get('sort') === 'latency');
  await page.waitForFunction(
    selector => document.querySelectorAll(selector).length > 1,
    REAL_ROWS,
  );
  // Wait for the re-sorted page, then read the latency column (8th cell).
  const readLatencies = async () =>
    (
      await page
        .locator(REAL_ROWS)
        .evaluateAll(rows => rows.map(r => r.cells[7].textContent))
    ).map(latencyMs);
  const descending = values =>
    values.every((v, i) => i === 0 || values[i - 1] >= v);
  let latencies = await readLatencies();
  for (let attempt = 0; attempt < 20 && !descending(latencies); attempt++) {
    await page.waitForTimeout(250);
    latencies = await readLatencies();
  }
  assert.ok(latencies.length > 1);
  for (let i = 1; i < latencies.length; i++) {
    assert.ok(
      latencies[i - 1] >= latencies[i],
      `row ${i}: ${latencies[i - 1]} ms before ${latencies[i]} ms`,
    );
  }
});

test('a newly ingested call appears after one polling cycle, without a reload', async () => {
  const { page } = session;
  await openProject(page);
  await page.evaluate(() => {
    window.e2eSamePage = true;
  });
  const id = `e2e-${Date.now()}`;
  const result = await ingestCalls([
    {
      id,
      timestamp: new Date().toISOString(),
      userRef: 'user:default/guest',
      projectId,
      provider: 'openai',
      model: 'gpt-4o-mini',
      type: 'chat',
      status: 'success',
      durationMs: 321,
      inputTokens: 1234,
      outputTokens: 56,
      cost: '0.000789',
      currency: 'USD',
    },
  ]);
  assert.equal(result.inserted, 1);
  const posted = Date.now();
  // Polling runs every 3 s in the e2e config; allow a few cycles on a busy CI.
  await page.getByTestId(`call-row-${id}`).waitFor({ timeout: 15_000 });
  report(`ingested call shown ${Date.now() - posted} ms after POST /calls`);
  assert.equal(await page.evaluate(() => window.e2eSamePage), true);

  await screenshot(page, 'project');
  await screenshot(page, 'project', PHONE);
});
