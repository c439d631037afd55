// End-to-end: the pickers' Back, and what a failed generation offers, clicked as a person does. A content refusal offers
// Edit Prompt, Open in Generator and the model's Safety Tolerance; running out of credits leads to
// the provider's account page; a time-out leads to its setting. Each button does what it says.
// The prompts go through "Flux: Generate Image…" with the fake API's markers, so the pickers are
// answered with Enter (the defaults are focused).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startWorkbench } from './workbench.mjs';

/** @type {import('./workbench.mjs').Workbench} */
let wb;
before(async () => {
  wb = await startWorkbench({
    settings: {
      'fluxStudio.defaultModel': 'aimlapi:flux-pro/v1.1',
      'fluxStudio.defaultSize': '256x256',
      'fluxStudio.requestTimeoutSeconds': 10,
      'files.autoSave': 'off',
    },
  });
  await wb.openFile('notes.md');
});
after(async () => {
  await wb?.stop();
});

const quickInput = () => wb.page.locator('.quick-input-widget');
const toast = (text) => wb.page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
const posts = async () => (await wb.control('requests')).filter((r) => r.method === 'POST');

/** "Flux: Generate Image…": the prompt typed, then Enter through the model, the size and the custom size's box. */
async function generate(prompt) {
  await wb.runCommand('Flux: Generate Image…');
  await quickInput().locator('input.input').waitFor({ state: 'visible' });
  await wb.page.keyboard.type(prompt);
  await wb.page.keyboard.press('Enter');
  // The focused entry is the default: the model, then "Custom size…" (for 256x256), then its box.
  await quickInput().locator('.monaco-list-row.focused', { hasText: 'FLUX1.1 [pro]' }).waitFor();
  await wb.page.keyboard.press('Enter');
  await quickInput().locator('.monaco-list-row.focused', { hasText: 'Custom size…' }).waitFor();
  await wb.page.keyboard.press('Enter');
  await quickInput().getByText('Width x height for').waitFor();
  assert.equal(await quickInput().locator('input.input').inputValue(), '256x256');
  await wb.page.keyboard.press('Enter');
}

async function imagesNow() {
  return wb.listFiles('assets').filter((f) => /\.(png|jpe?g|webp)$/.test(f));
}
async function waitForMoreImages(than) {
  for (let i = 0; i < 150 && (await imagesNow()).length <= than; i++) await wb.page.waitForTimeout(200);
  assert.ok((await imagesNow()).length > than, 'an image was saved');
}

test('the pickers: Back from the model returns to the prompt as typed; Enter through the defaults generates', async () => {
  await wb.control('reset', {});
  const before = (await imagesNow()).length;
  await wb.runCommand('Flux: Generate Image…');
  await quickInput().locator('input.input').waitFor({ state: 'visible' });
  await wb.page.keyboard.type('a heron at dusk');
  await wb.page.keyboard.press('Enter');
  await quickInput().locator('.quick-input-title', { hasText: 'Flux: "a heron at dusk" · model (1/2)' }).waitFor();
  await quickInput().locator('.monaco-list-row.focused', { hasText: 'FLUX1.1 [pro]' }).waitFor();
  await quickInput().getByRole('button', { name: 'Back' }).click();
  await quickInput()
    .locator('.quick-input-title', { hasText: /^Flux: Generate Image$/ })
    .waitFor();
  assert.equal(await quickInput().locator('input.input').inputValue(), 'a heron at dusk', 'the prompt as typed');
  await wb.page.keyboard.press('End');
  await wb.page.keyboard.type(' in the reeds');
  await wb.page.keyboard.press('Enter');
  await quickInput().locator('.quick-input-title', { hasText: 'a heron at dusk in the reeds' }).waitFor();
  await wb.page.keyboard.press('Enter');
  await quickInput().locator('.monaco-list-row.focused', { hasText: 'Custom size…' }).waitFor();
  await wb.page.keyboard.press('Enter');
  await quickInput().getByText('Width x height for').waitFor();
  await wb.page.keyboard.press('Enter');
  await waitForMoreImages(before);
  const last = (await posts()).at(-1);
  assert.equal(last.body.prompt, 'a heron at dusk in the reeds');
  assert.equal(last.body.model, 'flux-pro/v1.1');
});

test('a content refusal: Safety Tolerance… generates again at the level chosen', async () => {
  await wb.control('reset', {});
  const before = (await imagesNow()).length;
  await generate('a refused heron [[fault:nsfw:shape-b]]');
  const t = toast('safety checker flagged');
  await t.waitFor({ timeout: 20_000 });
  assert.deepEqual(await t.locator('.monaco-button').allInnerTexts(), ['Edit Prompt', 'Open in Generator', 'Safety Tolerance…']);
  await t.locator('.monaco-button', { hasText: 'Safety Tolerance…' }).click();
  await quickInput().locator('.quick-input-title', { hasText: 'Safety tolerance of FLUX1.1 [pro]' }).waitFor();
  // The level used is focused; pick 5.
  await quickInput().locator('.monaco-list-row.focused', { hasText: 'used for this image' }).waitFor();
  await quickInput().locator('.monaco-list-row', { hasText: /^\s*5/ }).first().click();
  await waitForMoreImages(before);
  const last = (await posts()).at(-1);
  assert.equal(last.body.safety_tolerance, '5', 'sent again with safety_tolerance 5');
  assert.equal(last.body.prompt, 'a refused heron [[fault:nsfw:shape-b]]');
});

test('a content refusal: Edit Prompt takes a new prompt and generates with it', async () => {
  await wb.control('reset', {});
  const before = (await imagesNow()).length;
  await generate('a refused egret [[fault:nsfw:shape-b]]');
  const t = toast('safety checker flagged');
  await t.waitFor({ timeout: 20_000 });
  await t.locator('.monaco-button', { hasText: 'Edit Prompt' }).click();
  const box = quickInput().locator('input.input');
  await quickInput().locator('.quick-input-title', { hasText: 'Edit Prompt' }).waitFor();
  assert.equal(await box.inputValue(), 'a refused egret [[fault:nsfw:shape-b]]', 'the prompt to edit');
  await wb.page.keyboard.press('Control+A');
  await wb.page.keyboard.type('an egret in the mist');
  await wb.page.keyboard.press('Enter');
  await waitForMoreImages(before);
  assert.equal((await posts()).at(-1).body.prompt, 'an egret in the mist');
});

test('a content refusal: Open in Generator opens the panel with the prompt', async () => {
  await wb.control('reset', {});
  await generate('a refused stork [[fault:nsfw:shape-b]]');
  const t = toast('safety checker flagged');
  await t.waitFor({ timeout: 20_000 });
  await t.locator('.monaco-button', { hasText: 'Open in Generator' }).click();
  const panel = await wb.webview('Flux Image Generator');
  await panel.getByLabel('Prompt').waitFor();
  assert.equal(await panel.getByLabel('Prompt').inputValue(), 'a refused stork [[fault:nsfw:shape-b]]');
  await wb.page.locator('.tab', { hasText: 'Flux Image Generator' }).locator('.codicon-close').click();
});

test('out of credits: the first button opens the provider’s account page, Show Log is second', async () => {
  await wb.control('reset', {});
  /** @type {string[]} */
  const opened = [];
  await wb.page.context().route(/^https:\/\/aimlapi\.com\//, (route) => {
    opened.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>account</title>' });
  });
  await generate('a costly crane [[fault:403]]');
  const t = toast('run out of credits');
  await t.waitFor({ timeout: 20_000 });
  assert.deepEqual(await t.locator('.monaco-button').allInnerTexts(), ['Add Credits at AIML API', 'Show Log']);
  await t.locator('.monaco-button', { hasText: 'Add Credits at AIML API' }).click();
  // VS Code asks before opening a site outside its trusted domains.
  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /aimlapi\.com\/app\//);
  await dialog.locator('.monaco-button', { hasText: /^Open$/ }).click();
  for (let i = 0; i < 100 && !opened.length; i++) await wb.page.waitForTimeout(100);
  assert.deepEqual(opened, ['https://aimlapi.com/app/']);
});

test('a time-out names the wait and its setting; Change Time Limit opens that setting', async () => {
  await wb.control('reset', {});
  await generate('a slow ibis [[fault:slow-headers:20000]]');
  const t = toast('fluxStudio.requestTimeoutSeconds');
  await t.waitFor({ timeout: 30_000 });
  assert.match(await t.innerText(), /within 10 s/);
  assert.deepEqual(await t.locator('.monaco-button').allInnerTexts(), ['Retry', 'Change Time Limit', 'Show Log']);
  await t.locator('.monaco-button', { hasText: 'Change Time Limit' }).click();
  const setting = wb.page.locator('.settings-editor .setting-item-contents', { hasText: 'Request Timeout Seconds' }).first();
  await setting.waitFor({ timeout: 15_000 });
  assert.equal(await setting.locator('input').first().inputValue(), '10');
});
