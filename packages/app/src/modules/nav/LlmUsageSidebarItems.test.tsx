import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { llmUsageApiRef } from '@llm-usage/backstage-plugin-llm-usage';
import {
  LlmUsageSettingsSidebarItem,
  LlmUsageSidebarItems,
} from './LlmUsageSidebarItems';

// The alerts item's unread count is not what these tests are about: it stays
// loading, so its icon shows no badge.
const api = { getUnreadAlertCount: () => new Promise(() => {}) };

async function highlightedAt(path: string) {
  await renderInTestApp(
    <>
      <LlmUsageSidebarItems href="/llm-usage" icon={<span />} />
      <LlmUsageSettingsSidebarItem href="/llm-usage" />
    </>,
    {
      initialRouteEntries: [path],
      apis: [[llmUsageApiRef, api as any]],
    },
  );
  await screen.findByRole('link', { name: 'LLM Usage' });
  return screen
    .getAllByRole('link')
    .filter(link => link.getAttribute('aria-current') === 'page')
    .map(link => link.getAttribute('aria-label'));
}

describe('LlmUsageSidebarItems', () => {
  it('lists the pages, with the settings once', async () => {
    await highlightedAt('/catalog');
    expect(
      screen
        .getAllByRole('link')
        .map(link => [
          link.getAttribute('aria-label'),
          link.getAttribute('href'),
        ]),
    ).toEqual([
      ['LLM Usage', '/llm-usage'],
      ['API Keys', '/llm-usage/keys'],
      ['Reconciliation', '/llm-usage/reconciliation'],
      ['Alerts', '/llm-usage/alerts'],
      ['Activity', '/llm-usage/activity'],
      ['LLM settings', '/llm-usage/settings'],
    ]);
  });

  it.each([
    ['/llm-usage', 'LLM Usage'],
    ['/llm-usage/projects/checkout', 'LLM Usage'],
    ['/llm-usage/keys', 'API Keys'],
    ['/llm-usage/reconciliation', 'Reconciliation'],
    ['/llm-usage/alerts', 'Alerts'],
    ['/llm-usage/activity', 'Activity'],
    ['/llm-usage/settings/tags', 'LLM settings'],
  ])('highlights only the page at %s', async (path, item) => {
    expect(await highlightedAt(path)).toEqual([item]);
  });

  it('highlights nothing outside the plugin', async () => {
    expect(await highlightedAt('/catalog')).toEqual([]);
  });
});
