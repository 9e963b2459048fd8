// The source switch: recorded calls or provider reports, on the dashboard
// and on a Component's LLM Usage tab. Each figure shown from the providers is
// checked against the answer the page received; the choice lives in the URL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BASE_URL,
  DESKTOP,
  PHONE,
  browserSession,
  dashboardShowsData,
  report,
  screenshot,
} from './browser.mjs';
import { layoutProblemsOf } from './layout.mjs';

const session = browserSession();
const COMPONENT_TAB = `${BASE_URL}/catalog/default/component/sales-email-writer/llm-usage`;
const integer = new Intl.NumberFormat('en-US');

/** The next answer of an LLM Usage API path asked with `source=<source>`. */
function answerOf(page, path, source) {
  return page.waitForResponse(response => {
    const url = new URL(response.url());
    return (
      url.pathname.startsWith('/api/llm-usage/') &&
      url.pathname.endsWith(path) &&
      url.searchParams.get('source') === source &&
      response.ok()
    );
  });
}

/** The value under a stat card's title, within `scope`. */
function statValue(scope, title) {
  return scope
    .locator('h3', { hasText: new RegExp(`^${title}$`) })
    .locator('xpath=following-sibling::div[1]')
    .innerText();
}

/** The switch's buttons and which one is pressed. */
async function switchState(scope) {
  const group = scope.getByTestId('usage-source-switch').first();
  return {
    calls: await group
      .getByRole('button', { name: 'Recorded calls' })
      .getAttribute('aria-pressed'),
    provider: await group
      .getByRole('button', { name: 'Provider reports' })
      .getAttribute('aria-pressed'),
    label: await group.getByTestId('from-provider-reports').count(),
  };
}

test('the dashboard switches between recorded calls and provider reports', async () => {
  const { page } = session;
  await page.goto(`${BASE_URL}/llm-usage`);
  await dashboardShowsData(page);
  const cards = page.getByTestId('overview-cards');
  // The guest's teams record calls: those are shown until they pick another.
  assert.deepEqual(await switchState(page), {
    calls: 'true',
    provider: 'false',
    label: 0,
  });
  const calls = await statValue(cards, 'Total calls');
  assert.equal(await page.getByTestId('provider-breakdown').count(), 0);

  const answer = answerOf(page, '/usage/overview', 'provider');
  await page.getByRole('button', { name: 'Provider reports' }).click();
  const overview = await (await answer).json();
  assert.equal(overview.source, 'provider');
  await page.waitForURL(url => url.searchParams.get('source') === 'provider');
  await page.getByTestId('from-provider-reports').waitFor();
  assert.deepEqual(await switchState(page), {
    calls: 'false',
    provider: 'true',
    label: 1,
  });
  // Providers report requests, tokens and cost: the cards say so.
  await cards.locator('h3', { hasText: /^Requests$/ }).waitFor();
  const requests = await statValue(cards, 'Requests');
  assert.equal(requests, integer.format(overview.current.calls));
  assert.ok(overview.current.calls > 0, 'providers reported requests');
  assert.ok(overview.current.totalTokens > 0, 'providers reported tokens');
  for (const cost of overview.current.costs) {
    const shown = await cards.getByTestId(`cost-${cost.currency}`).innerText();
    const number = Number(shown.replace(/[^\d.]/g, ''));
    assert.ok(
      Math.abs(number - Number(cost.amount)) < 0.01,
      `${cost.currency}: ${shown} shown for ${cost.amount}`,
    );
  }
  await cards.getByText('Not reported by providers').waitFor();
  report(
    `dashboard: ${calls} recorded calls; providers reported ${requests} requests and ${overview.current.costs
      .map(cost => `${cost.amount} ${cost.currency}`)
      .join(', ')}`,
  );
  // What the providers reported, by key (the default), with figures.
  const breakdown = page.getByTestId('provider-breakdown');
  await breakdown.waitFor();
  await breakdown.locator('tbody tr').first().waitFor();
  assert.ok((await breakdown.locator('tbody tr').count()) > 0);
  await screenshot(page, 'usage-source-dashboard-provider');
  await screenshot(page, 'usage-source-dashboard-provider', PHONE);

  // The choice stays with the URL: a reload keeps it.
  await page.reload();
  await page.getByTestId('from-provider-reports').waitFor();
  await cards.locator('h3', { hasText: /^Requests$/ }).waitFor();

  // And back to the recorded calls.
  await page.getByRole('button', { name: 'Recorded calls' }).click();
  await page.waitForURL(url => url.searchParams.get('source') === 'calls');
  await cards.locator('h3', { hasText: /^Total calls$/ }).waitFor();
  await page
    .getByTestId('from-provider-reports')
    .waitFor({ state: 'detached' });
  await page.getByTestId('provider-breakdown').waitFor({ state: 'detached' });
  assert.equal(await statValue(cards, 'Total calls'), calls);
});

test("a Component's LLM Usage tab shows provider reports when asked", async () => {
  const { page } = session;
  await page.goto(COMPONENT_TAB);
  const section = page.getByTestId('entity-usage-section');
  await section.waitFor();
  await section.getByTestId('usage-source-switch').waitFor();
  // The component records calls: its per-project views come first.
  await page
    .waitForFunction(
      () =>
        document
          .querySelector(
            '[data-testid="usage-source-switch"] button[aria-pressed="true"]',
          )
          ?.getAttribute('aria-label') === 'Recorded calls',
    )
    .catch(() => undefined);
  assert.deepEqual(await switchState(section), {
    calls: 'true',
    provider: 'false',
    label: 0,
  });

  const answer = answerOf(page, '/usage', 'provider');
  await section.getByRole('button', { name: 'Provider reports' }).click();
  const usage = await (await answer).json();
  assert.equal(usage.source, 'provider');
  await section.getByTestId('from-provider-reports').waitFor();
  await section.locator('h3', { hasText: /^Requests$/ }).waitFor();
  assert.equal(
    await statValue(section, 'Requests'),
    integer.format(usage.totals.calls),
  );
  assert.ok(usage.totals.calls > 0, 'the component has provider usage');
  for (const cost of usage.totals.costs) {
    const shown = await section
      .getByTestId(`entity-cost-${cost.currency}`)
      .innerText();
    assert.ok(
      Math.abs(Number(shown.replace(/[^\d.]/g, '')) - Number(cost.amount)) <
        0.01,
      `${cost.currency}: ${shown} shown for ${cost.amount}`,
    );
  }
  await section
    .getByTestId('entity-usage-trend')
    .locator('svg.recharts-surface')
    .first()
    .waitFor();
  report(
    `sales-email-writer: providers reported ${usage.totals.calls} requests, ${usage.totals.totalTokens} tokens`,
  );
  await screenshot(page, 'usage-source-component-provider');
});

const PROVIDER_PAGES = [
  {
    name: 'dashboard-provider',
    path: '/llm-usage?source=provider',
    ready: 'provider-breakdown',
  },
  {
    name: 'component-tab-provider',
    path: '/catalog/default/component/sales-email-writer/llm-usage?source=provider',
    ready: 'entity-usage-trend',
  },
  {
    name: 'group-tab-provider',
    path: '/catalog/default/group/growth-team/llm-usage?source=provider',
    ready: 'entity-usage-trend',
  },
];

for (const spec of PROVIDER_PAGES) {
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
