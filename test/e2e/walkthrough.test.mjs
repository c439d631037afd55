// End-to-end: the first run, as a new user without a key meets it in the real workbench. The
// gallery's empty state and the first "missing key" message lead to the Get Started walkthrough;
// each of its three steps is done through its own button (or the context menu) and shows as done.
// Each test starts its own workbench, so any one of them can run alone or in any order
// (`node --test --test-name-pattern=… test/e2e/walkthrough.test.mjs`).
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { startWorkbench } from './workbench.mjs';

const STEP = 'flux-image-studio.flux-image-studio#fluxStudio.getStarted#';
const SETTINGS = { 'fluxStudio.defaultSize': '512x384', 'files.autoSave': 'off' };

/** @type {import('./workbench.mjs').Workbench | undefined} */
let wb;
/** A workbench of its own for each test (keys: false for a new user without a key). */
async function start(opts) {
  wb = await startWorkbench({ settings: SETTINGS, ...opts });
  return wb;
}
afterEach(async () => {
  await wb?.stop();
  wb = undefined;
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
const images = () => wb.listFiles('assets').filter((f) => /\.(png|jpe?g|webp)$/.test(f));
async function waitForImages(n) {
  for (let i = 0; i < 150 && images().length < n; i++) await wb.page.waitForTimeout(200);
  assert.equal(images().length, n, `${n} image(s) saved`);
}

test('the gallery’s empty state leads to the walkthrough; opening the gallery is its third step', async () => {
  await start({ keys: false });
  await wb.runCommand('Flux: Show Gallery');
  const gallery = await wb.webview('Flux Gallery');
  await gallery.getByRole('button', { name: 'Get Started' }).click();
  await walkthroughShown();
  assert.equal(await step('setApiKey').count(), 1, 'three steps, the first one "Set an API key"');
  assert.equal(await step('generateFromSelection').count(), 1);
  await waitDone('openGallery');
  assert.equal(await isDone('setApiKey'), false, 'no key yet');
  assert.equal(await isDone('generateFromSelection'), false, 'nothing generated yet');
});

test('the first "missing key" message offers Get Started; a key typed after the walkthrough’s Set API Key is stored and used', async () => {
  await start({ keys: false });
  await wb.openFile('notes.md');
  await wb.selectText('A lighthouse at dawn');
  await wb.runCommand('Flux: Generate Image from Selection');
  const toast = wb.page.locator('.notifications-toasts .notification-list-item', { hasText: 'key is set' }).first();
  await toast.waitFor({ timeout: 15_000 });
  assert.deepEqual(await toast.locator('.monaco-button').allInnerTexts(), ['Set API Key', 'Get Started']);
  await toast.locator('.monaco-button', { hasText: 'Get Started' }).click();
  await walkthroughShown();
  assert.deepEqual(wb.listFiles('assets'), [], 'nothing was generated without a key');

  // Step 1, through its button: the provider (clicked), then the key, typed as a person does it.
  // The key's box must have the focus: nothing else is clicked before typing.
  await step('setApiKey').getByRole('button', { name: 'Set API Key' }).click();
  const row = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'AIML API' }).first();
  await row.waitFor({ timeout: 10_000 });
  // From the provider list to the key's box, the quick input must stay open and keep the focus:
  // closing it in between hands the focus back to the walkthrough's button, where keys typed or
  // pasted before the box has the focus again (or at all, if the page keeps it) go nowhere.
  await wb.page.evaluate(() => {
    const seen = (window.__fluxFocusTrail = []);
    window.__fluxFocusHops = [];
    const widget = document.querySelector('.quick-input-widget');
    window.addEventListener(
      'focusin',
      (e) => {
        const t = /** @type {Element} */ (e.target);
        // Only from the provider's click on: the walkthrough may still settle its own step's focus
        // before that (seen once in CI), which is not the moment this checks.
        if (!window.__fluxArmed) return;
        if (!t.closest('.quick-input-widget'))
          window.__fluxFocusHops.push(`focus left the quick input for ${t.tagName.toLowerCase()}.${[...t.classList].join('.')}`);
      },
      true,
    );
    new MutationObserver(() => {
      if (window.__fluxArmed && widget && getComputedStyle(widget).display === 'none') seen.push('the quick input closed');
    }).observe(widget, { attributes: true, attributeFilter: ['style'] });
  });
  await wb.page.evaluate(() => (window.__fluxArmed = true));
  await row.click();
  // The key's own box (a password field), not the provider list's filter it replaces.
  const input = wb.page.locator('.quick-input-widget input.input[type="password"]');
  await input.waitFor({ state: 'visible' });
  // The box has the focus as soon as it shows (VS Code may hand the focus to the walkthrough's step
  // for a moment while one quick input replaces the other; it comes back before the box shows).
  assert.equal(await input.evaluate((el) => el === document.activeElement), true, 'the key box has the focus when it shows');
  const key = process.env.FLUX_TEST_KEY ?? 'e2e-key-typed';
  await wb.page.keyboard.type(key);
  assert.ok((await input.inputValue()) === key, 'the typed key went into the password box (the focus stayed there)');
  assert.deepEqual(
    [...new Set(await wb.page.evaluate(() => window.__fluxFocusTrail))],
    [],
    `between the provider and the key, the quick input stayed open (focus hops: ${JSON.stringify(await wb.page.evaluate(() => window.__fluxFocusHops))})`,
  );
  await wb.page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  await waitDone('setApiKey');

  // The key typed is the one a generation sends.
  await wb.control('reset', {});
  await closeWalkthrough();
  await wb.page.locator('.tab[data-resource-name="notes.md"]').first().click();
  await wb.selectText('A lighthouse at dawn');
  await wb.runCommand('Flux: Generate Image from Selection');
  await waitForImages(1);
  const sent = (await wb.control('requests')).filter((r) => r.method === 'POST');
  assert.ok(sent.length >= 1, 'the generation reached the fake API');
  // Compared, never printed: the key is the run's canary.
  assert.ok(
    sent.every((r) => r.headers.authorization === `Bearer ${key}`),
    'the generation sent the key typed in the walkthrough',
  );
});

test('generating from a selection completes step 2', async () => {
  await start({});
  await wb.openFile('notes.md');
  await wb.selectText('A lighthouse at dawn');
  await wb.runCommand('Flux: Generate Image from Selection');
  await waitForImages(1);
  await wb.runCommand('Flux: Get Started');
  await walkthroughShown();
  await waitDone('generateFromSelection');
  assert.equal(await isDone('setApiKey'), true, 'step 1 is done by the key from the environment');
  assert.equal(await isDone('openGallery'), false, 'the gallery was not opened');
});
