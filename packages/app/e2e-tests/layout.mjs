// Layout checks of the browser tests (layout-*.test.mjs): every page of the
// plugin at a laptop and a phone width, measured from the DOM — nothing
// scrolls the page sideways, at 1440 px no table is wider than its card, no
// word or number is broken across lines, no amount is cut with an ellipsis.
// Screenshots: screenshots/layout-<page>-<width>.png.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BASE_URL,
  DESKTOP,
  PHONE,
  browserSession,
  firstProjectId,
  screenshot,
} from './browser.mjs';

/** Waits until no skeleton or progress bar is left (or 15 s have passed). */
async function settled(page) {
  await page
    .waitForFunction(
      () =>
        !document.querySelector(
          // A determinate bar is a figure (a budget's use), not loading.
          '.MuiSkeleton-root, .MuiLinearProgress-root:not(.MuiLinearProgress-determinate), .MuiCircularProgress-root, [data-testid="progress"]',
        ),
      undefined,
      { timeout: 15_000 },
    )
    .catch(() => undefined);
  // Tables pick their layout from their measured width.
  await page.waitForTimeout(300);
}

/**
 * What is wrong with the layout of the page as shown now. Runs in the page.
 * A word is broken when the rectangles of its characters sit on more than one
 * line (CJK text may wrap between characters); text in charts, code and JSON
 * is left out.
 */
function layoutProblems(checkTables) {
  const MONEY = /[$¥€£]\s*\d|\d\s*(USD|CNY|EUR)\b/;
  const problems = [];
  const describe = el => {
    const id = el.closest('[data-testid]')?.getAttribute('data-testid');
    const text = (el.textContent ?? '').trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${id ? ` in ${id}` : ''} "${text}"`;
  };

  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    problems.push(
      `the page scrolls sideways (${root.scrollWidth} > ${window.innerWidth})`,
    );
  }
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    const scrolls = ['auto', 'scroll'].includes(style.overflowX);
    if (
      scrolls &&
      el.scrollWidth > el.clientWidth + 1 &&
      el.clientWidth > 0 &&
      // Tab rows scroll their tabs on purpose.
      !el.closest('.MuiTabs-root') &&
      !el.querySelector('[role="tab"]') &&
      // A table's own scroller is judged below, with the tables.
      !el.querySelector(':scope > table') &&
      !el.closest('pre, code')
    ) {
      problems.push(
        `${describe(el)} scrolls sideways (${el.scrollWidth} > ${
          el.clientWidth
        })`,
      );
    }
    // Ids may be cut (their full text is in the title and the details);
    // amounts of money never.
    if (
      style.textOverflow === 'ellipsis' &&
      el.scrollWidth > el.clientWidth + 1 &&
      MONEY.test(el.textContent ?? '')
    ) {
      problems.push(`${describe(el)} is cut with an ellipsis`);
    }
  }
  if (checkTables) {
    for (const table of document.querySelectorAll('table')) {
      const box = table.parentElement;
      if (table.offsetWidth > box.clientWidth + 1) {
        problems.push(
          `${describe(table).slice(0, 60)} is wider than its card (${
            table.offsetWidth
          } > ${box.clientWidth})`,
        );
      }
    }
  }

  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (
      !parent ||
      parent.closest('svg, pre, code, script, style, [aria-hidden="true"]') ||
      parent.offsetParent === null
    ) {
      continue;
    }
    const text = node.textContent ?? '';
    // Chinese and Japanese write without spaces and may wrap between any two
    // characters: there a word is a run of other (Latin, Cyrillic, digit) text.
    for (const match of text.matchAll(
      /[^\s\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]{2,}/g,
    )) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set(
        Array.from(range.getClientRects())
          .filter(rect => rect.width > 0 && rect.height > 0)
          .map(rect => Math.round(rect.bottom)),
      );
      if (lines.size > 1) {
        problems.push(
          `"${match[0].slice(0, 40)}" is broken across ${lines.size} lines (${
            parent.closest('[data-testid]')?.getAttribute('data-testid') ??
            parent.tagName.toLowerCase()
          })`,
        );
      }
    }
  }
  return [...new Set(problems)];
}

/** The pages, each with how to open it and what shows that it is there. */
export const PAGES = [
  { name: 'dashboard', path: '/llm-usage', ready: 'project-list' },
  { name: 'project', path: 'first-project', ready: 'call-history' },
  { name: 'keys', path: '/llm-usage/keys', ready: 'keys-table' },
  {
    name: 'key-drawer',
    path: '/llm-usage/keys',
    ready: 'keys-table',
    open: async page => {
      await page.locator('[data-testid^="key-row-"] button').first().click();
      await page.getByTestId('key-detail').waitFor();
    },
  },
  {
    // The balance history opens in a dialog wide enough for its table.
    name: 'balance-history',
    path: '/llm-usage',
    ready: 'quota-section',
    open: async page => {
      await page
        .getByTestId('quota-section')
        .getByRole('button', { name: 'Balance history' })
        .first()
        .click();
      await page
        .locator('[role="dialog"] [data-testid^="balance-history-"]')
        .waitFor();
    },
  },
  { name: 'alerts', path: '/llm-usage/alerts', ready: 'alerts' },
  {
    name: 'alert-drawer',
    path: '/llm-usage/alerts?state=all',
    ready: 'alerts',
    open: async page => {
      // Alerts come from the evaluator's first run shortly after start.
      const firstAlert = page.locator('[data-testid^="alert-row-"]').first();
      for (let attempt = 0; !(await firstAlert.isVisible()); attempt++) {
        if (attempt === 10) throw new Error('no alert to open after 60 s');
        await page.waitForTimeout(6000);
        await page.reload();
      }
      await firstAlert.click();
      await page.getByRole('presentation').last().waitFor();
    },
  },
  { name: 'activity', path: '/llm-usage/activity', ready: 'activity' },
  { name: 'settings-accounts', path: '/llm-usage/settings/accounts' },
  { name: 'settings-tags', path: '/llm-usage/settings/tags' },
  { name: 'settings-budgets', path: '/llm-usage/settings/budgets' },
  { name: 'settings-alert-rules', path: '/llm-usage/settings/alert-rules' },
  {
    name: 'component-tab',
    path: '/catalog/default/component/sales-email-writer/llm-usage',
    ready: 'component-llm-usage',
  },
  {
    name: 'group-tab',
    path: '/catalog/default/group/growth-team/llm-usage',
    ready: 'group-llm-usage',
  },
];

/**
 * Opens `spec` at `viewport`, saves the screenshot `<name>-<width>.png` and
 * returns what is wrong with its layout, each problem prefixed with the width.
 * `spec.path` is a path, or 'first-project' for the dashboard's first project.
 */
export async function layoutProblemsOf(page, spec, viewport, name) {
  const path =
    spec.path === 'first-project'
      ? `/llm-usage/projects/${encodeURIComponent(await firstProjectId(page))}`
      : spec.path;
  await page.setViewportSize(viewport);
  await page.goto(`${BASE_URL}${path}`);
  if (spec.ready) {
    await page.getByTestId(spec.ready).first().waitFor();
  } else {
    await page.getByRole('tab', { selected: true }).first().waitFor();
  }
  await settled(page);
  await spec.open?.(page);
  await settled(page);
  const problems = await page.evaluate(layoutProblems, viewport === DESKTOP);
  await screenshot(page, name, viewport);
  return problems.map(problem => `${viewport.width}px: ${problem}`);
}

/**
 * One test per page: opens it at both widths and lists every problem. Returns
 * the browser session, for a file's further checks.
 */
export function describeLayout(names) {
  const specs = PAGES.filter(spec => names.includes(spec.name));
  const session = browserSession();
  for (const spec of specs) {
    test(`${spec.name} reads well at 1440 and 390 px`, async () => {
      const { page } = session;
      const found = [];
      for (const viewport of [DESKTOP, PHONE]) {
        found.push(
          ...(await layoutProblemsOf(
            page,
            spec,
            viewport,
            `layout-${spec.name}`,
          )),
        );
      }
      assert.deepEqual(found, [], found.join('\n'));
    });
  }
  return session;
}
