// Creating a key at the provider: the guest's team connects an OpenRouter
// account (pointed at the stand-in of fakeOpenRouter.mjs), creates a key from
// the keys page, sees its secret once, and the secret is gone afterwards —
// from the page, from the inventory's answers. Then the team deletes the
// account in Settings and its keys leave the inventory.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { guestApi } from './backendApi.mjs';
import {
  BASE_URL,
  PHONE,
  browserSession,
  report,
  screenshot,
} from './browser.mjs';
import {
  FAKE_OPENROUTER_BASE_URL,
  startFakeOpenRouter,
} from './fakeOpenRouter.mjs';

const MANAGEMENT_KEY = 'e2e-openrouter-management-key';
const ACCOUNT = { id: 'e2e-openrouter', name: 'OpenRouter e2e' };
const KEY_NAME = 'e2e-created-key';

const session = browserSession();
let fake;
before(async () => {
  fake = await startFakeOpenRouter(MANAGEMENT_KEY);
});
after(async () => {
  await fake?.close();
});

test('a key created at the provider shows its secret once, and never again', async () => {
  const { page } = session;
  // Connecting the account is the API's (the Settings form has no base URL).
  await guestApi(page, '/accounts', {
    method: 'POST',
    body: {
      id: ACCOUNT.id,
      provider: 'openrouter',
      name: ACCOUNT.name,
      ownerRef: 'group:default/growth-team',
      credentials: { managementKey: MANAGEMENT_KEY },
      settings: { baseUrl: FAKE_OPENROUTER_BASE_URL },
    },
  });

  await page.goto(`${BASE_URL}/llm-usage/keys`);
  await page.getByTestId('keys-table').waitFor();
  await page.getByRole('button', { name: 'Create at provider' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Create a key at the provider').waitFor();
  // Only accounts whose provider creates keys: the Volcengine one is not.
  assert.equal(
    (await dialog.getByLabel('Account').innerText()).trim(),
    `${ACCOUNT.name} (OpenRouter)`,
  );
  const create = dialog.getByRole('button', { name: 'Create', exact: true });
  assert.equal(await create.isDisabled(), true, 'no name yet');
  await dialog.getByLabel('Name').fill(KEY_NAME);

  // A key without an owner would be the admins' only: refused, and nothing
  // is sent to the provider.
  await create.click();
  const refusal = dialog.getByRole('alert');
  await refusal.waitFor();
  report(`create without an owner: ${await refusal.innerText()}`);
  assert.equal(fake.keys.length, 0, 'the provider was asked anyway');

  // With the team as owner.
  await dialog.getByLabel('Owner', { exact: true }).fill('Growth');
  await page.getByRole('option', { name: /Growth Team/ }).click();
  await create.click();

  // The secret the provider returned, shown once, read-only.
  const secretField = dialog.getByTestId('created-secret');
  await secretField.waitFor();
  const [createdAtProvider] = fake.keys;
  assert.ok(createdAtProvider, 'the provider was asked to create a key');
  assert.deepEqual(
    fake.requests
      .filter(r => r.method === 'POST' && r.path === '/keys')
      .map(r => r.body.name),
    [KEY_NAME],
  );
  const secret = fake.secrets.get(createdAtProvider.hash);
  assert.equal(await secretField.inputValue(), secret);
  assert.equal(await secretField.getAttribute('readonly'), '');
  assert.match(
    await dialog.getByTestId('one-time-secret-warning').innerText(),
    /shown this once and never again/,
  );
  await dialog
    .getByRole('button', { name: 'Copy the secret' })
    .waitFor({ state: 'visible' });
  await screenshot(page, 'key-create-secret-once');
  await screenshot(page, 'key-create-secret-once', PHONE);

  // The inventory keeps the key, never its secret.
  const listed = await guestApi(page, `/keys?q=${KEY_NAME}`);
  assert.equal(listed.items.length, 1);
  const [key] = listed.items;
  assert.equal(key.providerKeyId, createdAtProvider.hash);
  assert.equal(key.hasSecret, false);
  assert.equal(key.ownerRef, 'group:default/growth-team');
  const detail = await guestApi(page, `/keys/${encodeURIComponent(key.id)}`);
  assert.ok(!JSON.stringify(detail).includes(secret), 'the API returned it');
  assert.ok(!JSON.stringify(listed).includes(secret), 'the API returned it');

  // Closed, the secret is gone from the page; opened again, the dialog is new.
  await dialog.getByRole('button', { name: 'I have copied it' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByTestId('keys-table').getByText(KEY_NAME).waitFor();
  assert.ok(!(await page.content()).includes(secret), 'secret left in page');
  await page.getByRole('button', { name: 'Create at provider' }).click();
  await dialog.getByText('Create a key at the provider').waitFor();
  assert.equal(await dialog.getByTestId('created-secret').count(), 0);
  assert.equal(await dialog.getByLabel('Name').inputValue(), '');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.ok(!(await page.content()).includes(secret), 'secret left in page');
});

test('the team deletes the account in Settings, and its keys leave the inventory', async () => {
  const { page } = session;
  await page.goto(`${BASE_URL}/llm-usage/settings/accounts`);
  const row = page.getByTestId(`account-row-${ACCOUNT.id}`);
  await row.waitFor();
  await row.getByRole('button', { name: `Delete ${ACCOUNT.name}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText(`Delete the account ${ACCOUNT.name}?`).waitFor();
  const confirm = dialog.getByRole('button', { name: 'Delete account' });
  assert.equal(await confirm.isDisabled(), true, 'the name is to be typed');
  await dialog.getByLabel(`Type ${ACCOUNT.name} to confirm`).fill(ACCOUNT.name);
  await confirm.click();
  await dialog.waitFor({ state: 'detached' });
  await row.waitFor({ state: 'detached' });
  const keys = await guestApi(page, `/keys?q=${KEY_NAME}`);
  assert.equal(keys.items.length, 0);
  // Nothing was deleted at the provider.
  assert.equal(
    fake.requests.filter(r => r.method === 'DELETE').length,
    0,
    'the provider was asked to delete something',
  );
});
