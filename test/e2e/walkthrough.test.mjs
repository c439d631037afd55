// End-to-end: the first run, as a new user without a key meets it in the real workbench. The
// gallery's empty state and the first "missing key" message lead to the Get Started walkthrough;
// each of its three steps is done through its own button (or the context menu) and shows as done.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startWorkbench } from './workbench.mjs';

const STEP = 'flux-image-studio.flux-image-studio#fluxStudio.getStarted#';

/** @type {import('./workbench.mjs').Workbench} */
let wb;
before(async () => {
  wb = await startWorkbench({ keys: false, settings: { 'fluxStudio.defaultSize': '512x384', 'files.autoSave': 'off' } });
});
after(async () => {
  await wb?.stop();
});

const step = (id) => wb.page.locator(`.getting-started-step[data-step-id="${STEP}${id}"]`);
const isDone = async (id) => (await step(id).locator('.codicon-getting-started-step-checked').count()) > 0;
async function waitDone(id, done = true) {
  for (let i = 0; i < 100; i++) {
    if ((await isDone(id)) === done) return;
    await wb.page.waitForTimeout(100);
  }
  assert.fail(`step ${id} is ${done ? 'not ' : ''}done`);
}
async function walkthroughShown() {
  await wb.page.locator('.gettingStartedSlideDetails', { hasText: 'Get Started with Flux Image Studio' }).first().waitFor({ timeout: 15_000 });
}
async function closeWalkthrough() {
  await wb.page.locator('.tab', { hasText: 'Walkthrough: Flux Image Studio' }).locator('.codicon-close').click();
}

test('the gallery’s empty state leads to the walkthrough; opening the gallery is its third step', async () => {
  await wb.runCommand('Flux: Show Gallery');
  const gallery = await wb.webview('Flux Gallery');
  await gallery.getByRole('button', { name: 'Get Started' }).click();
  await walkthroughShown();
  assert.equal(await step('setApiKey').count(), 1, 'three steps, the first one "Set an API key"');
  assert.equal(await step('generateFromSelection').count(), 1);
  await waitDone('openGallery');
  assert.equal(await isDone('setApiKey'), false, 'no key yet');
  assert.equal(await isDone('generateFromSelection'), false, 'nothing generated yet');
  await closeWalkthrough();
});

test('the first "missing key" message offers Get Started; the key set from the walkthrough completes step 1', async () => {
  await wb.openFile('notes.md');
  await wb.selectText('A lighthouse at dawn');
  await wb.runCommand('Flux: Generate Image from Selection');
  const toast = wb.page.locator('.notifications-toasts .notification-list-item', { hasText: 'key is set' }).first();
  await toast.waitFor({ timeout: 15_000 });
  assert.deepEqual(await toast.locator('.monaco-button').allInnerTexts(), ['Set API Key', 'Get Started']);
  await toast.locator('.monaco-button', { hasText: 'Get Started' }).click();
  await walkthroughShown();
  assert.deepEqual(wb.listFiles('assets'), [], 'nothing was generated without a key');

  // Step 1, through its button: provider, then the key.
  await step('setApiKey').locator('.step-title').click();
  await step('setApiKey').getByRole('button', { name: 'Set API Key' }).click();
  const row = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'AIML API' }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  // The key's own box (a password field), not the provider list's filter it replaces.
  const input = wb.page.locator('.quick-input-widget input.input[type="password"]');
  await input.waitFor({ state: 'visible' });
  await input.fill(process.env.FLUX_TEST_KEY ?? 'e2e-key-typed');
  await wb.page.keyboard.press('Enter');
  await waitDone('setApiKey');
});

test('generating from a selection completes step 2', async () => {
  await closeWalkthrough();
  await wb.page.locator('.tab[data-resource-name="notes.md"]').first().click();
  await wb.selectText('A lighthouse at dawn');
  await wb.runCommand('Flux: Generate Image from Selection');
  const images = () => wb.listFiles('assets').filter((f) => /\.(png|jpe?g|webp)$/.test(f));
  for (let i = 0; i < 100 && !images().length; i++) await wb.page.waitForTimeout(200);
  assert.equal(images().length, 1, 'the image was saved');
  await wb.runCommand('Flux: Get Started');
  await walkthroughShown();
  await waitDone('generateFromSelection');
  assert.equal(await isDone('setApiKey'), true, 'step 1 stays done');
  assert.equal(await isDone('openGallery'), true, 'step 3 stays done');
});
