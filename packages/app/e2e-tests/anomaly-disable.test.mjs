// The one-click disable of a key behind an anomaly alert (issue 21).
//
// The demo injects a burst of calls on the growth team's Anthropic key in
// one of the last hours (DEMO_ANOMALY in the backend's DemoDataGenerator),
// so the first alert evaluation opens a request-spike anomaly on
// "sales-email (anthropic)", a key the guest (growth-team) may manage.
//
// Demo accounts have no provider behind them: the backend never sends a
// demo account's key anywhere (KeyProviderOperations.can is false for an
// account marked demo), so the key reports that it cannot be disabled at the
// provider and the drawer explains that instead of offering the button. This
// test answers the page's own read of that one key with the capability set,
// for the page only; the disable itself goes to the backend unchanged, which
// checks the guest's permission, audits it and disables the key in the
// inventory (its answer says `localOnly`, as for any provider without the
// API). Disabling at a real provider is covered by the provider modules'
// msw tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE_URL, PHONE, browserSession, screenshot } from './browser.mjs';

const KEY_NAME = 'sales-email (anthropic)';
const SPIKE = /Key "sales-email \(anthropic\)" made [\d,]+ calls in the hour/;

const session = browserSession();

/** The LLM Usage API as the signed-in guest (the context's session cookie). */
async function asGuest(page, path, method = 'GET') {
  const refresh = await page.request.get(`${BASE_URL}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const { backstageIdentity } = await refresh.json();
  const response = await page.request.fetch(
    `${BASE_URL}/api/llm-usage${path}`,
    {
      method,
      headers: { Authorization: `Bearer ${backstageIdentity.token}` },
    },
  );
  assert.ok(response.ok(), `${method} ${path}: ${response.status()}`);
  return response.json();
}

/** The page sees the key as one its provider can disable (see above). */
async function pageOffersDisable(page, keyId) {
  await page.route(`**/api/llm-usage/keys/${keyId}`, async route => {
    if (route.request().method() !== 'GET') {
      await route.fallback();
      return;
    }
    const response = await route.fetch();
    const key = await response.json();
    await route.fulfill({
      response,
      json: {
        ...key,
        capabilities: { ...key.capabilities, setEnabledAtProvider: true },
      },
    });
  });
}

/**
 * The alerts list of anomalies, reloaded until the demo's spike is in it
 * (the evaluator's first run comes shortly after start).
 */
async function openSpikeRow(page) {
  await page.goto(`${BASE_URL}/llm-usage/alerts?type=anomaly`);
  const row = page
    .locator('[data-testid^="alert-row-"]')
    .filter({ hasText: SPIKE });
  for (let attempt = 0; ; attempt++) {
    try {
      await row.first().waitFor({ timeout: 6000 });
      break;
    } catch {
      if (attempt === 10) throw new Error('no anomaly alert after 60 s');
      await page.reload();
    }
  }
  return row.first();
}

test('the guest disables a key from its anomaly alert, after seeing the evidence', async () => {
  const { page } = session;
  const { items: keys } = await asGuest(
    page,
    `/keys?q=${encodeURIComponent(KEY_NAME)}`,
  );
  const key = keys.find(k => k.name === KEY_NAME);
  assert.ok(key, `${KEY_NAME} is one of the guest's keys`);
  assert.equal(key.status, 'active');
  assert.equal(
    key.capabilities.setEnabledAtProvider,
    false,
    'a demo account never reaches a provider',
  );

  try {
    await pageOffersDisable(page, key.id);
    const row = await openSpikeRow(page);
    assert.match(await row.textContent(), /Unusual usage/);
    await row.click();

    // The evidence: the day up to the flagged hour beside the usual level.
    const evidence = page.getByTestId('anomaly-evidence');
    await evidence.waitFor();
    await evidence.getByText(/Score/).waitFor();
    await evidence.getByText('Observed').waitFor();
    await evidence.getByText('Usual for that hour of the week').waitFor();
    assert.equal(await evidence.locator('.recharts-line').count(), 2);
    const points = await evidence
      .locator('.recharts-line path')
      .first()
      .getAttribute('d');
    assert.ok(points && points.length > 20, 'the observed line is drawn');

    const action = page.getByTestId('disable-key-action');
    const disable = action.getByRole('button', {
      name: 'Disable key at the provider',
    });
    assert.equal(await disable.isEnabled(), true);
    await screenshot(page, 'anomaly-drawer');
    await screenshot(page, 'anomaly-drawer', PHONE);

    await disable.click();
    const dialog = page.getByRole('dialog').filter({ hasText: KEY_NAME });
    await dialog.waitFor();
    const answered = page.waitForResponse(
      response =>
        response.url().endsWith(`/api/llm-usage/keys/${key.id}/disable`) &&
        response.request().method() === 'POST',
    );
    await dialog.getByRole('button', { name: 'Disable', exact: true }).click();
    const response = await answered;
    assert.equal(response.status(), 200);
    const body = await response.json();
    assert.equal(body.key.status, 'disabled');
    assert.equal(body.localOnly, true, 'no provider behind a demo account');

    // The drawer now says so, and offers nothing more.
    await page.getByText(`Key "${KEY_NAME}" disabled`).waitFor();
    await action.getByText('The key is already disabled.').waitFor();
    assert.equal(await disable.isEnabled(), false);
    await screenshot(page, 'anomaly-disabled');

    // The key list and the API agree.
    assert.equal((await asGuest(page, `/keys/${key.id}`)).status, 'disabled');
    await page.goto(`${BASE_URL}/llm-usage/keys`);
    const keyRow = page.getByTestId(`key-row-${key.id}`);
    await keyRow.waitFor();
    await keyRow.getByText('Disabled', { exact: true }).waitFor();
    await screenshot(page, 'anomaly-keys-disabled');
  } finally {
    // The other browser tests expect the demo key active.
    await page.unroute(`**/api/llm-usage/keys/${key.id}`);
    await asGuest(page, `/keys/${key.id}/enable`, 'POST');
  }
});
