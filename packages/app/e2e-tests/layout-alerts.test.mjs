// Alerts and activity at 1440 and 390 px (checks in layout.mjs), and the
// activity list's page-size label on one line beside its select.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE_URL, screenshot } from './browser.mjs';
import { describeLayout } from './layout.mjs';

const session = describeLayout(['alerts', 'alert-drawer', 'activity']);

/** "Rows per page" in English and the two longest translations. */
const PAGE_SIZE_LABELS = {
  en: 'Rows per page',
  de: 'Zeilen pro Seite',
  ru: 'Строк на странице',
};

test('the activity page-size label stays on one line beside its select at 1440 px', async () => {
  const { page } = session;
  const found = [];
  try {
    for (const [lang, label] of Object.entries(PAGE_SIZE_LABELS)) {
      // The app's language selector keeps the choice here.
      await page.evaluate(
        language => window.localStorage.setItem('language', language),
        lang,
      );
      await page.goto(`${BASE_URL}/llm-usage/activity`);
      const pageSize = page
        .getByTestId('activity')
        .getByTestId('page-size');
      await pageSize.getByText(label, { exact: true }).waitFor();
      const measured = await pageSize.evaluate(box => {
        const text = box.querySelector('p').getBoundingClientRect();
        const select = box
          .querySelector('[role="button"]')
          .getBoundingClientRect();
        return {
          height: text.height,
          lineHeight: parseFloat(
            getComputedStyle(box.querySelector('p')).lineHeight,
          ),
          overlaps:
            text.left < select.right &&
            select.left < text.right &&
            text.top < select.bottom &&
            select.top < text.bottom,
        };
      });
      await screenshot(page, `activity-page-size-${lang}`);
      if (measured.height > measured.lineHeight * 1.5) {
        found.push(
          `${lang}: "${label}" takes ${measured.height}px, more than one line of ${measured.lineHeight}px`,
        );
      }
      if (measured.overlaps) {
        found.push(`${lang}: "${label}" overlaps the page-size select`);
      }
    }
  } finally {
    await page.evaluate(() => window.localStorage.setItem('language', 'en'));
  }
  assert.deepEqual(found, [], found.join('\n'));
});
