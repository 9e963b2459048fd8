// The dashboard and the API keys page in Japanese, German and Russian at 1440
// and 390 px: the language must really apply (a translated heading shows) and
// the layout checks of layout.mjs must pass — long German compounds included.
// Screenshots: screenshots/layout-<page>-<lang>-<width>.png.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE_URL, DESKTOP, PHONE, browserSession } from './browser.mjs';
import { PAGES, layoutProblemsOf } from './layout.mjs';

/** Each language with the level-1 heading of each page in it. */
const LANGUAGES = [
  { lang: 'ja', headings: { dashboard: 'LLM 使用状況', keys: 'API キー' } },
  { lang: 'de', headings: { dashboard: 'LLM-Nutzung', keys: 'API-Schlüssel' } },
  {
    lang: 'ru',
    headings: { dashboard: 'Использование LLM', keys: 'API-ключи' },
  },
];

const session = browserSession();

for (const { lang, headings } of LANGUAGES) {
  test(`the dashboard and the keys page read well in ${lang} at 1440 and 390 px`, async () => {
    const { page } = session;
    // The app's language selector keeps the choice here (as the Settings
    // select does); the next page load picks it up.
    await page.goto(`${BASE_URL}/settings`);
    await page.evaluate(
      language => window.localStorage.setItem('language', language),
      lang,
    );
    const found = [];
    for (const spec of PAGES.filter(p => p.name in headings)) {
      for (const viewport of [DESKTOP, PHONE]) {
        const problems = await layoutProblemsOf(
          page,
          spec,
          viewport,
          `layout-${spec.name}-${lang}`,
        );
        await page
          .getByRole('heading', {
            name: headings[spec.name],
            exact: true,
            level: 1,
          })
          .waitFor({ timeout: 5_000 });
        // A message missing from every resource shows as its bare key.
        const bareKeys = await page.evaluate(() =>
          Array.from(document.querySelectorAll('body *'))
            .filter(el => el.childElementCount === 0 && el.offsetParent)
            .map(el => (el.textContent ?? '').trim())
            .filter(text => /^[a-z][a-zA-Z]*(\.[a-zA-Z]+)+$/.test(text)),
        );
        found.push(
          ...[
            ...problems,
            ...bareKeys.map(
              key => `${viewport.width}px: untranslated "${key}"`,
            ),
          ].map(problem => `${spec.name}: ${problem}`),
        );
      }
    }
    assert.deepEqual(found, [], found.join('\n'));
  });
}
