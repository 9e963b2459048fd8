// Shared set-up of the browser tests: Debian's chromium through
// playwright-core, guest sign-in, screenshots and call ingestion.
import { mkdirSync } from 'node:fs';
import { after, before } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// playwright-core is a root devDependency: the browser tests are not part of the app bundle.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.E2E_BASE_URL ?? 'http://localhost:7107';
const INGEST_TOKEN = process.env.E2E_INGEST_TOKEN;
const SCREENSHOTS = join(
  dirname(fileURLToPath(import.meta.url)),
  'screenshots',
);

/** Prints a measured figure into the test output (not an assertion). */
export function report(line) {
  process.stdout.write(`${line}\n`);
}

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A page signed in as the guest user (user:default/guest, growth-team). */
export async function openBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
    ],
  });
  let page;
  let pending;
  try {
    const context = await browser.newContext({
      viewport: DESKTOP,
      locale: 'en-US',
      timezoneId: 'Europe/Berlin',
    });
    // A page is ready in 1–3 s on a quiet machine and within 7 s on two
    // cores at load 14. (The 10–40 s blank pages once seen under load were
    // the notifications title counter restarting a page's first render, see
    // modules/nav/Sidebar.tsx; the slow requests and what a failed sign-in
    // still waited for are reported, see below.)
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    pending = trackPendingRequests(page);
    await page.goto(`${BASE_URL}/llm-usage`);
    await page.getByRole('button', { name: 'Enter' }).click();
    // The sign-in page has the same title: wait for the dashboard itself.
    await page.getByTestId('overview-cards').waitFor();
    return { browser, context, page };
  } catch (error) {
    // What the page showed instead and what it still waited for, for the
    // reader of the CI log.
    const shot = `open-failed-${Date.now()}.png`;
    await page
      ?.screenshot({ path: join(SCREENSHOTS, shot) })
      .catch(() => undefined);
    report(`sign-in failed (screenshot ${shot}); requests still open:`);
    for (const line of pending?.() ?? []) report(`  ${line}`);
    // A browser left open keeps the test process alive.
    await browser.close();
    throw error;
  }
}

/** A request slower than this is reported as it ends: a slow page's cause. */
const SLOW_REQUEST_MS = 5_000;

/**
 * The requests of `page` that have not finished, each with its age. One
 * open for more than {@link SLOW_REQUEST_MS} is reported then, and again when
 * it ends.
 */
function trackPendingRequests(page) {
  const started = new Map();
  const reported = new Set();
  page.on('request', request => started.set(request, Date.now()));
  const settle = request => {
    if (reported.delete(request)) {
      const ms = Date.now() - started.get(request);
      report(`slow request ended: ${request.url()} (${ms} ms)`);
    }
    started.delete(request);
  };
  page.on('requestfinished', settle);
  page.on('requestfailed', settle);
  const watch = setInterval(() => {
    for (const [request, at] of started) {
      if (Date.now() - at > SLOW_REQUEST_MS && !reported.has(request)) {
        reported.add(request);
        report(`slow request: ${request.method()} ${request.url()} open`);
      }
    }
  }, 1_000);
  // The watch must not keep the test process alive.
  watch.unref();
  page.on('close', () => clearInterval(watch));
  return () =>
    [...started].map(
      ([request, at]) =>
        `${request.method()} ${request.url()} (${Date.now() - at} ms)`,
    );
}

/**
 * A signed-in browser for the tests of one file: opened before them, closed
 * after. Its `page`, `context` and `browser` are there once they start.
 */
export function browserSession() {
  const session = {};
  before(async () => {
    Object.assign(session, await openBrowser());
  });
  after(async () => {
    await session.browser?.close();
  });
  return session;
}

/**
 * Whole-page screenshot at the given width. Backstage scrolls inside its
 * page container, not the document, so the viewport is stretched to the
 * tallest scrolling content first; back to the desktop size after.
 */
export async function screenshot(page, name, viewport = DESKTOP) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize(viewport);
  // Charts re-measure on resize; give them a moment.
  await page.waitForTimeout(500);
  const height = await page.evaluate(() =>
    Math.max(
      ...[document.documentElement, ...document.querySelectorAll('body *')].map(
        el => (el.scrollHeight > el.clientHeight ? el.scrollHeight : 0),
      ),
      window.innerHeight,
    ),
  );
  await page.setViewportSize({
    width: viewport.width,
    height: Math.min(height, 12_000),
  });
  await page.waitForTimeout(500);
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}-${viewport.width}.png`),
  });
  await page.setViewportSize(DESKTOP);
}

/** Resolves once the overview cards and the project list show data. */
export async function dashboardShowsData(page) {
  await page.waitForFunction(() => {
    const cards = document.querySelector('[data-testid="overview-cards"]');
    return (
      cards &&
      !cards.querySelector('[data-testid="stat-card-skeleton"]') &&
      document.querySelector(
        '[data-testid^="project-row-"]:not([data-testid="project-row-skeleton"])',
      )
    );
  });
}

/** The id of the first project in the dashboard's list (the busiest). */
export async function firstProjectId(page) {
  await page.goto(`${BASE_URL}/llm-usage`);
  await dashboardShowsData(page);
  const testId = await page
    .locator(
      '[data-testid^="project-row-"]:not([data-testid="project-row-skeleton"])',
    )
    .first()
    .getAttribute('data-testid');
  return testId.replace('project-row-', '');
}

/** Posts calls through the ingestion API with the e2e service token. */
export async function ingestCalls(calls) {
  const response = await fetch(`${BASE_URL}/api/llm-usage/calls`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${INGEST_TOKEN}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(calls),
  });
  if (!response.ok) {
    throw new Error(`POST /calls: ${response.status} ${await response.text()}`);
  }
  return response.json();
}
