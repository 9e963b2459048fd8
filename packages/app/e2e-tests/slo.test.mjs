// The SLO card (issue 21): on Project Detail and on the Component's LLM Usage
// tab for a project the guest owns (sales-email, declared by annotations in
// examples/entities.yaml), and the empty state with how to declare one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE_URL, browserSession, report, screenshot } from './browser.mjs';

const session = browserSession();

/** Waits for the card's first objective and returns its figures as text. */
async function sloFigures(page) {
  const card = page.getByTestId('slo-card');
  const latency = card.getByTestId('slo-latencyP95');
  // The report reads 28 days of hourly rollups: slower on a loaded machine.
  await latency.waitFor({ timeout: 60_000 });
  return {
    card,
    latency,
    text: await latency.innerText(),
    budget: await latency.getByTestId('slo-budget-left').innerText(),
  };
}

test('Project Detail shows the declared SLOs with attainment, budget, burn chart and broken hours', async () => {
  const { page } = session;
  await page.goto(`${BASE_URL}/llm-usage/projects/sales-email`);
  const { card, latency, text, budget } = await sloFigures(page);
  // Both annotated objectives, judged from the rollups.
  await card.getByTestId('slo-ttft').waitFor();
  assert.equal(await card.getByTestId('slo-errorRate').count(), 0);
  assert.match(
    text,
    /At most 5.* in 98% of the hours with calls, over 28 days/,
  );
  assert.match(text, /Attainment\s+[\d.]+%/);
  assert.match(text, /\d[\d,]* of \d[\d,]* hours good/);
  assert.match(budget, /^-?[\d.,]+%$/);
  // Both alert tiers are stated; the burn rates of four windows are shown.
  assert.equal(await latency.locator('[data-testid^="slo-alert-"]').count(), 2);
  assert.equal((text.match(/Burn rate, last/g) ?? []).length, 4);
  // The budget burn chart is drawn.
  assert.ok((await latency.locator('.recharts-area').count()) > 0);
  const broken = await latency.getByTestId('slo-broken-hour').count();
  report(
    `sales-email P95 SLO: budget left ${budget}, ${broken} broken hours listed`,
  );
  await screenshot(page, 'slo-project');
});

test("the Component's LLM Usage tab shows the same SLO card", async () => {
  const { page } = session;
  await page.goto(
    `${BASE_URL}/catalog/default/component/sales-email-writer/llm-usage`,
  );
  await page.getByTestId('component-llm-usage').waitFor();
  const { text } = await sloFigures(page);
  assert.match(text, /98% of the hours with calls/);
  await screenshot(page, 'slo-component-tab');
});

test('a project without SLOs explains how to declare one', async () => {
  const { page } = session;
  await page.goto(`${BASE_URL}/llm-usage/projects/translation`);
  const empty = page.getByTestId('slo-card').getByTestId('slo-empty');
  await empty.waitFor();
  const text = await empty.innerText();
  assert.match(text, /No SLO declared/);
  assert.match(text, /llm-usage\.io\/slo-p95-latency-ms/);
});
