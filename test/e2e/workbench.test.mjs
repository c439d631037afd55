// End-to-end: the real workbench (code-server, VS Code 1.96.4) driven as a person would, in headless
// Chromium, against the fake Flux API. Also writes the README's screenshots (panel and the editor's
// context menu, dark and light; the gallery's are gallery.test.mjs's) into test-results/screenshots/; `npm run screenshots`
// copies them to media/screenshots/.
//
//   npm run test:e2e        (part of npm test; needs `npm run build` first)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, startWorkbench } from './workbench.mjs';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @type {import('./workbench.mjs').Workbench} */
let wb;
before(async () => {
  wb = await startWorkbench({ theme: 'Default Dark Modern', settings: { 'fluxStudio.defaultSize': '512x384', 'files.autoSave': 'off' } });
});
after(async () => {
  await wb?.stop();
});

test('the status bar item reads as plain text to a screen reader (not its Markdown tooltip)', async () => {
  const item = wb.page.locator('.statusbar-item', { hasText: '512x384' }).first();
  await item.waitFor();
  const label = (await item.getAttribute('aria-label')) ?? (await item.locator('[aria-label]').first().getAttribute('aria-label'));
  assert.match(label ?? '', /^Flux Image Studio: default model .+, size 512x384\. Click to change\.$/);
  assert.doesNotMatch(label ?? '', /\*\*|`/);
});

/** The panel's frame, asked for again until `ready` holds (the page reloads when image folders are added). */
async function panelWhere(ready) {
  for (let i = 0; i < 150; i++) {
    const f = await wb.webview('Flux Image Generator');
    if (await ready(f).catch(() => false)) return f;
    await wb.page.waitForTimeout(200);
  }
  throw new Error('the generator panel never reached the expected state');
}

async function galleryWhere(ready) {
  for (let i = 0; i < 150; i++) {
    const f = await wb.webview('Flux Gallery').catch(() => undefined);
    if (f && (await ready(f).catch(() => false))) return f;
    await wb.page.waitForTimeout(200);
  }
  throw new Error('the gallery never reached the expected state');
}

/** A document's text as the editor has it: saved (Ctrl+S in its editor), then read from disk. */
async function savedText(fileName) {
  await wb.page.locator(`.tab[data-resource-name="${fileName}"]`).first().click();
  await wb.focusEditor();
  await wb.page.keyboard.press('Control+S');
  await wb.page.locator(`.tab.active[data-resource-name="${fileName}"]:not(.dirty)`).first().waitFor({ timeout: 10_000 });
  return wb.readFile(fileName);
}

/** Pick a row in an open quick pick by its exact label. */
async function pickRow(label) {
  const row = wb.page.locator('.quick-input-widget .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: new RegExp(`^\\s*${esc(label)}\\s*$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
}

test('generator panel: a model and a custom size, an invalid width explained, fixed, generated, inserted', async () => {
  await wb.openFile('notes.md');
  await wb.selectText('A lighthouse at dawn');
  await wb.runCommand('Flux: Open Image Generator');
  let panel = await wb.webview('Flux Image Generator');
  await panel.getByLabel('Prompt').waitFor();
  assert.equal(await panel.getByLabel('Prompt').inputValue(), 'A lighthouse at dawn');

  await panel.getByLabel('Model').selectOption({ label: 'FLUX.1 [pro] · AIML API' });
  await panel.getByLabel('Size').selectOption('custom');
  await panel.getByLabel('Width').fill('1000');
  await panel.getByLabel('Height').fill('512');
  const widthError = panel.locator('#width-error');
  await widthError.waitFor({ state: 'visible' });
  assert.equal(await widthError.innerText(), 'Width 1000 is not a multiple of 32 for flux-pro (256–1440). Nearest: 992 or 1024.');
  assert.equal(await panel.getByLabel('Width').getAttribute('aria-invalid'), 'true');
  assert.ok(await panel.getByRole('button', { name: 'Generate', exact: true }).isDisabled(), 'Generate waits for a valid size');

  await panel.getByLabel('Width').fill('768');
  await widthError.waitFor({ state: 'hidden' });
  await panel.getByRole('button', { name: 'Generate', exact: true }).click();
  panel = await panelWhere(async (f) => (await f.locator('.run.done img').count()) > 0);
  const saved = wb.listFiles('assets');
  assert.equal(saved.length, 1);
  assert.match(saved[0], /^a-lighthouse-at-dawn-\d+\.jpg$/);

  const image = panel.locator('.run.done figure.image').first();
  await image.locator('.thumb').hover();
  await image.getByRole('button', { name: 'Insert', exact: true }).click();
  // Said beside the image whose Insert was clicked.
  await image.locator('.image-status', { hasText: `Inserted a link to ${saved[0]} into notes.md.` }).waitFor();
  // The README's panel: the form, its sticky actions and the result with its toolbar.
  await panel.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  await image.locator('.thumb').hover();
  await wb.screenshot(path.join(SHOTS, 'panel-dark.png'));
  await wb.page.mouse.move(0, 0);
  assert.equal(await savedText('notes.md'), `# Field notes\n\nA lighthouse at dawn\n\n![A lighthouse at dawn](assets/${saved[0]})\n\nThe end.\n`);
});

test('gallery: the new image is there; search, Copy link, Delete', async () => {
  await wb.runCommand('Flux: Show Gallery');
  let gallery = await galleryWhere(async (f) => (await f.locator('.card').count()) === 1);
  const card = gallery.locator('.card').first();
  assert.match((await card.getAttribute('aria-label')) ?? '', /A lighthouse at dawn/);
  assert.match(await card.innerText(), /FLUX\.1 \[pro\]/);
  assert.match(await card.innerText(), /768×512/);

  await gallery.getByLabel('Search prompts').fill('submarine');
  await gallery.locator('.card').first().waitFor({ state: 'detached' });
  await gallery.getByLabel('Search prompts').fill('lighthouse');
  await gallery.locator('.card').first().waitFor();

  // Copy link, from the item's "More actions…" (every action is also in the right-click menu).
  await gallery.locator('.card').first().hover();
  await gallery.getByTitle('More actions…').first().click();
  await pickRow('Copy Link');
  await wb.page.locator('.statusbar', { hasText: 'link copied' }).waitFor();

  // Delete: confirmed in a modal; this server has no trash, so it asks once more.
  const file = wb.listFiles('assets')[0];
  gallery = await wb.webview('Flux Gallery');
  await gallery.locator('.card').first().hover();
  await gallery.getByTitle('More actions…').first().click();
  await pickRow('Delete Image…');
  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), new RegExp(`Delete ${esc(file)}\\?`));
  await dialog.getByRole('button', { name: 'Move to Trash' }).click();
  // This server has no trash: asked once more, in words (no raw error, no vscode-remote:// address).
  const second = wb.page.locator('.monaco-dialog-box', { hasText: 'permanently?' });
  if (await second.waitFor({ timeout: 3000 }).then(() => true, () => false)) {
    assert.doesNotMatch(await second.innerText(), /vscode-remote:|EPERM|ENOTSUP|Error/);
    await second.getByRole('button', { name: 'Delete Permanently' }).click();
  }
  await galleryWhere(async (f) => (await f.locator('.card').count()) === 0);
  assert.deepEqual(wb.listFiles('assets'), [], 'the file is gone');
});

test('right-click on selected text: Generate Image from Selection puts the link after it', async () => {
  // Focus back in a text editor, out of the gallery's webview.
  await wb.page.locator('.tab[data-resource-name="notes.md"]').first().click();
  await wb.focusEditor();
  await wb.openFile('scratch.md');
  await wb.selectText('line two');
  // Right-click inside the selection (Monaco keeps it), on the text itself.
  await wb.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: /^line\s+two$/ }).locator('span').first().click({ button: 'right' });
  const item = wb.page.locator('.context-view .action-label', { hasText: /^Generate Image from Selection$/ });
  await item.waitFor({ state: 'visible' });
  await wb.screenshot(path.join(SHOTS, 'context-menu-dark.png'));
  await item.click();
  const saved = () => wb.listFiles('assets').filter((f) => !f.endsWith('.partial'));
  for (let i = 0; i < 100 && !saved().length; i++) await wb.page.waitForTimeout(100);
  const [name] = saved();
  assert.match(name ?? '', /^line-two-\d+\.jpg$/);
  await wb.page.waitForTimeout(300);
  assert.equal(await savedText('scratch.md'), `# Scratch\n\nline one\nline two\nline three\n\n![line two](assets/${name})\n`);
});

test('light theme: the panel, the gallery and the context menu read well', async () => {
  await wb.setTheme('Default Light Modern');
  await wb.page.locator('.monaco-workbench.vs:not(.vs-dark)').waitFor({ timeout: 10_000 });
  await wb.runCommand('Flux: Show Gallery');
  const gallery = await wb.webview('Flux Gallery');
  await gallery.getByLabel('Search prompts').fill('');
  await galleryWhere(async (f) => (await f.locator('.card').count()) === 1);
  await wb.runCommand('Flux: Open Image Generator');
  const panel = await wb.webview('Flux Image Generator');
  await panel.getByLabel('Prompt').waitFor();
  await panel.getByLabel('Model').selectOption({ label: 'FLUX.1 [pro] · AIML API' });
  await panel.getByLabel('Size').selectOption('custom');
  await panel.getByLabel('Width').fill('1000');
  await panel.locator('#width-error').waitFor({ state: 'visible' });
  await panel.getByLabel('Width').fill('768');
  await panel.locator('#width-error').waitFor({ state: 'hidden' });
  // The result of the first test, with its toolbar (hover), and the form's sticky actions.
  const image = panel.locator('.run.done figure.image').first();
  await image.scrollIntoViewIfNeeded();
  await panel.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  await image.locator('.thumb').hover();
  await wb.screenshot(path.join(SHOTS, 'panel-light.png'));
  await wb.page.mouse.move(0, 0);
  // The editor's context menu on a selection, in the light theme too.
  await wb.page.locator('.tab[data-resource-name="scratch.md"]').first().click();
  await wb.selectText('line three');
  await wb.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: /^line\s+three$/ }).locator('span').first().click({ button: 'right' });
  await wb.page.locator('.context-view .action-label', { hasText: /^Generate Image from Selection$/ }).waitFor({ state: 'visible' });
  await wb.screenshot(path.join(SHOTS, 'context-menu-light.png'));
  await wb.page.keyboard.press('Escape');
  // (the gallery's screenshots: gallery.test.mjs)
  for (const f of ['panel-dark', 'context-menu-dark', 'panel-light', 'context-menu-light']) {
    assert.ok(fs.statSync(path.join(SHOTS, `${f}.png`)).size > 10_000, `${f}.png was written`);
  }
});
