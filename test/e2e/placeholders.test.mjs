// End-to-end: image placeholders as a person meets them in the real workbench. A draft with two
// placeholders shows a "Generate image" code lens above each and an information squiggle; the
// lens makes one image and puts its link in the placeholder's place; "Flux: Generate All Image
// Placeholders" from the palette makes the other. Screenshots of the lenses in dark, light and
// high contrast go to test-results/screenshots/ (placeholders-*.png).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, startWorkbench } from './workbench.mjs';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const DRAFT =
  '# Lighthouses\n\nA short post.\n\n![A lighthouse on a cliff at dawn, watercolour](flux:)\n\nMore text.\n\n![A harbour at night](flux:?size=512x320)\n';

/** @type {import('./workbench.mjs').Workbench} */
let wb;
before(async () => {
  // No word wrap: Monaco renders a wrapped line's parts as separate lines, not always in order.
  wb = await startWorkbench({ settings: { 'fluxStudio.defaultSize': '512x384', 'files.autoSave': 'off', '[markdown]': { 'editor.wordWrap': 'off' } } });
  fs.mkdirSync(path.join(wb.workspace, 'drafts'), { recursive: true });
  fs.writeFileSync(path.join(wb.workspace, 'drafts', 'lighthouses.md'), DRAFT);
});
after(async () => {
  await wb?.stop();
});

const text = () => wb.editorText('lighthouses.md');
const lenses = () => wb.page.locator('.editor-group-container.active .contentWidgets .codelens-decoration a', { hasText: 'Generate image' });

async function waitFor(what, probe) {
  for (let i = 0; i < 200; i++) {
    if (await probe()) return;
    await wb.page.waitForTimeout(100);
  }
  await wb.screenshot(path.join(SHOTS, 'placeholders-failure.png'));
  assert.fail(`timed out waiting for ${what}; notifications: ${JSON.stringify(await wb.notifications())}; editor: ${await wb.editorText()}`);
}

test('a lens and an information squiggle on each placeholder; the lens makes that one image, the palette command the rest', async () => {
  await wb.openFile('drafts/lighthouses.md');
  await waitFor('two code lenses', async () => (await lenses().count()) === 2);
  await waitFor('the squiggles', async () => (await wb.page.locator('.editor-group-container.active .squiggly-info').count()) >= 2);
  assert.deepEqual(wb.listFiles('assets'), []);
  await lenses().first().click();
  await waitFor('the first link in the editor', async () => (await text()).includes('](../assets/a-lighthouse-on-a-cliff'));
  assert.equal(wb.listFiles('assets').length, 1);
  assert.ok((await text()).includes('![A harbour at night](flux:?size=512x320)'), 'the other is untouched');
  await waitFor('one lens left', async () => (await lenses().count()) === 1);

  await wb.runCommand('Flux: Generate All Image Placeholders');
  await waitFor('the second link', async () => (await text()).includes('![A harbour at night](../assets/a-harbour-at-night'));
  assert.equal(wb.listFiles('assets').length, 2);
  await waitFor('no lens left', async () => (await lenses().count()) === 0);
  await wb.screenshot(path.join(SHOTS, 'placeholders-generated-dark.png'));
});

test('screenshots of the lenses in three themes (last: a theme switch rewrites the user settings)', async () => {
  fs.writeFileSync(path.join(wb.workspace, 'drafts', 'again.md'), DRAFT);
  await wb.openFile('drafts/again.md');
  await waitFor('two code lenses', async () => (await lenses().count()) === 2);
  for (const [theme, name] of [
    ['Default Dark Modern', 'dark'],
    ['Default Light Modern', 'light'],
    ['Default High Contrast', 'hc'],
  ]) {
    await wb.setTheme(theme);
    await wb.screenshot(path.join(SHOTS, `placeholders-${name}.png`));
  }
});
