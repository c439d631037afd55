// End-to-end: the webviews in a German VS Code (a language pack is installed for it, see
// test/host/language-pack.mjs). The pages get the extension's German bundle and show every label,
// button and check in German, the checks made by the shared form and engine code included.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, startWorkbench } from './workbench.mjs';

/** @type {import('./workbench.mjs').Workbench} */
let wb;
before(async () => {
  wb = await startWorkbench({ locale: 'de', settings: { 'fluxStudio.defaultModel': 'aimlapi:flux-pro/v1.1' } });
});
after(async () => {
  await wb?.stop();
});

test('the generator panel speaks German: its title, labels, buttons and the checks as the user types', async () => {
  await wb.openFile('notes.md');
  // The command palette shows the title from package.nls.de.json.
  await wb.runCommand('Flux: Bildgenerator öffnen');
  const panel = await wb.webview('Flux-Bildgenerator');
  assert.equal(await panel.locator('html').getAttribute('lang'), 'de');
  await panel.getByRole('button', { name: 'Generieren' }).waitFor();
  await panel.getByRole('button', { name: 'Als cURL kopieren' }).waitFor();
  assert.equal(await panel.locator('label[for="model"]').innerText(), 'Modell');
  assert.equal(await panel.locator('#results-heading').innerText(), 'Ergebnisse');
  assert.equal(await panel.locator('#no-runs').innerText(), 'Die generierten Bilder erscheinen hier.');
  // A custom width off the model's step: the sentence comes from the shared engine code, in German.
  await panel.locator('#size').selectOption('custom');
  await panel.locator('#width').fill('1000');
  const error = panel.locator('#width-error');
  await error.waitFor({ state: 'visible' });
  assert.equal(await error.innerText(), 'Die Breite 1000 ist für flux-pro/v1.1 kein Vielfaches von 32 (256–1440). Nächstgelegen: 992 oder 1024.');
  assert.equal(await panel.getByRole('button', { name: 'Generieren' }).getAttribute('title'), 'Zuerst die markierten Felder korrigieren.');
  await wb.screenshot(path.join(ROOT, 'test-results', 'screenshots', 'panel-de.png'));
});

test('the gallery speaks German', async () => {
  await wb.runCommand('Flux: Galerie anzeigen');
  const gallery = await wb.webview('Flux-Galerie');
  await gallery.getByRole('button', { name: 'Bild generieren' }).waitFor();
  await gallery.getByRole('button', { name: 'API-Schlüssel festlegen' }).waitFor();
  await gallery.getByRole('button', { name: 'Erste Schritte' }).waitFor();
  assert.match(await gallery.locator('.empty p').first().innerText(), /^Jedes in diesem Arbeitsbereich generierte Bild erscheint hier/);
  await wb.screenshot(path.join(ROOT, 'test-results', 'screenshots', 'gallery-de.png'));
});
