import { waitFor } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import llmUsagePlugin from '@llm-usage/backstage-plugin-llm-usage/alpha';
import { languagesModule } from './languages';

/*
 * The LLM Usage tab on a Component page, as this app puts it together: the
 * catalog's entity page, the plugin's tab and the app's languages. The tab
 * title is a plain string fixed while the app starts, before the language
 * files load; it must still be in the viewer's language.
 */

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'sales-email-writer',
    namespace: 'default',
    annotations: { 'llm-usage.io/project-id': 'sales-email' },
  },
  spec: { type: 'service', owner: 'growth-team', lifecycle: 'production' },
};

/** The entity page's tabs (links in its header's content navigation). */
function tabs() {
  return Array.from(
    document.querySelectorAll(
      'nav[aria-label="Content navigation"] li > :is(a, button)',
    ),
  ).map(el => ({
    title: (el.textContent ?? '').trim(),
    href: el.getAttribute('href'),
  }));
}

describe('the LLM Usage tab of a Component page', () => {
  // The app remembers the chosen language in local storage.
  beforeEach(() => window.localStorage.clear());

  it.each([
    ['ja', 'LLM 使用状況'],
    ['de', 'LLM-Nutzung'],
    ['en', 'LLM Usage'],
  ])(
    'is titled in %s, in the header and the browser title',
    async (language, title) => {
      renderTestApp({
        features: [catalogPlugin, llmUsagePlugin, languagesModule],
        apis: [[catalogApiRef, catalogApiMock({ entities: [entity] })]],
        config: {
          app: {
            title: 'Backstage',
            extensions: [
              {
                'api:app/app-language': {
                  config: { defaultLanguage: language },
                },
              },
            ],
          },
        },
        initialRouteEntries: [
          '/catalog/default/component/sales-email-writer/llm-usage',
        ],
      });
      await waitFor(() =>
        expect(tabs()).toContainEqual({
          title,
          href: '/catalog/default/component/sales-email-writer/llm-usage',
        }),
      );
      await waitFor(() =>
        expect(document.title).toBe(
          `sales-email-writer | ${title} | Backstage`,
        ),
      );
    },
  );
});
