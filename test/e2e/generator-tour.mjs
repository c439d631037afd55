#!/usr/bin/env node
// A walk through the generator panel as a person would take it, with screenshots: open it from the
// palette with a selection, pick FLUX.1 [pro] and a custom size, type an invalid width and read the
// message, fix it, copy the request as cURL, generate (with progress), insert the link, and see a
// provider failure; then the same panel in the light and high-contrast themes.
//
//   node test/e2e/generator-tour.mjs [outDir=/tmp/generator-shots]
//
// Needs `npm run build` first. Fails (exit 1) when something a person would notice is wrong.
import assert from 'node:assert/strict';
import { startWorkbench } from './workbench.mjs';

const out = process.argv[2] ?? '/tmp/generator-shots';
const step = (s) => console.log(`- ${s}`);

const wb = await startWorkbench({ theme: 'Default Dark Modern' });
const { page } = wb;
try {
  await wb.openFile('notes.md');
  await wb.selectText('A lighthouse at dawn');
  await wb.runCommand('Flux: Open Image Generator');
  let panel = await wb.webview('Flux Image Generator');
  step('the panel opened beside the editor, prompt from the selection');
  await panel.getByLabel('Prompt').waitFor();
  assert.equal(await panel.getByLabel('Prompt').inputValue(), 'A lighthouse at dawn');
  assert.match(await panel.locator('#target').innerText(), /notes\.md \(line 3\)/);
  assert.match(await panel.locator('#prompt-count').innerText(), /^20 \/ 4,000$/);
  await wb.screenshot(`${out}/dark-01-opened.png`);

  step("FLUX.1 [pro], custom size, width 1000: the engine's sentence at the field, Generate disabled");
  await panel.getByLabel('Model').selectOption({ label: 'FLUX.1 [pro] · AIML API' });
  await panel.getByLabel('Size').selectOption('custom');
  await panel.getByLabel('Width').fill('1000');
  const widthError = panel.locator('#width-error');
  await widthError.waitFor({ state: 'visible' });
  assert.equal(await widthError.innerText(), 'Width 1000 is not a multiple of 32 for flux-pro (256–1440). Nearest: 992 or 1024.');
  assert.equal(await panel.getByLabel('Width').getAttribute('aria-invalid'), 'true');
  assert.match((await panel.getByLabel('Width').getAttribute('aria-describedby')) ?? '', /width-error/);
  assert.ok(await panel.getByRole('button', { name: 'Generate', exact: true }).isDisabled());
  await wb.screenshot(`${out}/dark-02-invalid-width.png`);

  step('fixing it clears the message and enables Generate');
  await panel.getByLabel('Width').fill('1024');
  await widthError.waitFor({ state: 'hidden' });
  assert.equal(await panel.getByLabel('Width').getAttribute('aria-invalid'), null);
  assert.ok(await panel.getByRole('button', { name: 'Generate', exact: true }).isEnabled());

  step("Advanced shows exactly FLUX.1 [pro]'s parameters; an out-of-range value is marked there");
  await panel.locator('summary', { hasText: 'Advanced' }).click();
  for (const label of ['Output format', 'Inference steps', 'Guidance scale', 'Safety tolerance']) await panel.getByLabel(label, { exact: true }).waitFor();
  assert.equal(await panel.getByLabel('Safety checker').count(), 0, 'flux-pro takes no safety checker');
  await panel.getByLabel('Inference steps').fill('60');
  await panel.locator('#param-steps-error').waitFor({ state: 'visible' });
  assert.equal(await panel.locator('#param-steps-error').innerText(), 'Inference steps (steps) 60 is outside 1–50 for flux-pro.');
  await wb.screenshot(`${out}/dark-03-advanced-invalid.png`);
  await panel.getByLabel('Inference steps').fill('30');
  await panel.locator('#param-steps-error').waitFor({ state: 'hidden' });

  step('Copy as cURL shows the exact request with a placeholder key');
  await panel.getByRole('button', { name: 'Copy as cURL' }).click();
  await panel.locator('#curl-text').waitFor({ state: 'visible' });
  const curl = await panel.locator('#curl-text').innerText();
  assert.match(curl, new RegExp(`^curl -X POST '${wb.api.url.replace(/[.]/g, '\\.')}/v1/images/generations'`));
  assert.match(curl, /Bearer <AIMLAPI_API_KEY>/);
  assert.match(curl, /"num_inference_steps": 30/);
  assert.match(curl, /"width": 1024/);
  await wb.screenshot(`${out}/dark-04-curl.png`);
  await panel.getByRole('button', { name: 'Close the request' }).click();

  step('Generate: progress with Cancel, then the image from the saved file');
  await wb.control('fault', { kind: 'slow-headers', ms: 2500, phase: 'submit', times: 1 });
  await panel.getByRole('button', { name: 'Generate', exact: true }).click();
  await panel.locator('.run.running progress').waitFor();
  await panel.getByRole('button', { name: 'Cancel' }).waitFor();
  await page.waitForTimeout(1200);
  await wb.screenshot(`${out}/dark-05-progress.png`);
  // New image folders reload the page: look for the frame again.
  const img = async () => {
    for (let i = 0; i < 100; i++) {
      panel = await wb.webview('Flux Image Generator');
      if (
        (await panel
          .locator('.run.done img')
          .count()
          .catch(() => 0)) > 0
      )
        return panel.locator('.run.done img').first();
      await page.waitForTimeout(200);
    }
    throw new Error('no image appeared');
  };
  const image = await img();
  const src = await image.getAttribute('src');
  assert.ok(src && !src.includes(wb.api.url), `shown from the saved file, not the provider: ${src}`);
  await page.waitForFunction(() => true);
  assert.ok(await image.evaluate((el) => el.complete && el.naturalWidth === 1024), 'the thumbnail loaded (resource roots allow the assets folder)');
  const saved = wb.listFiles('assets');
  assert.equal(saved.length, 1);
  await wb.screenshot(`${out}/dark-06-result.png`);

  step('Insert puts the link after the selection in notes.md');
  await panel.getByRole('button', { name: 'Insert', exact: true }).first().click();
  await panel.locator('.image-status', { hasText: 'Inserted a link' }).first().waitFor();
  const text = await wb.editorText('notes.md');
  // Word wrap may split the link across view lines; the order of lines is what counts.
  assert.match(
    text.replace(/\n/g, ''),
    new RegExp(`A lighthouse at dawn!\\[A lighthouse at dawn\\]\\(assets/${saved[0].replace(/[.]/g, '\\.')}\\)The end`),
    text,
  );
  assert.deepEqual(await wb.notifications(), [], "no notification for the panel's own work");
  await wb.screenshot(`${out}/dark-07-inserted.png`);

  step('Copy link gives the same link; Regenerate keeps the seed; Vary draws a new one');
  const firstSeed = /seed (\d+)/.exec(await panel.locator('.run.done figcaption').first().innerText())[1];
  await panel.getByRole('button', { name: 'Copy link' }).first().click();
  await panel
    .locator('.image-status', { hasText: `Copied: ![A lighthouse at dawn](assets/${saved[0]})` })
    .first()
    .waitFor();
  const fromMenu = async (item) => {
    await panel.getByRole('button', { name: 'More actions…' }).first().click();
    await panel.getByRole('menuitem', { name: item }).click();
  };
  await fromMenu('Regenerate');
  await panel.locator('.run.done').nth(1).waitFor();
  assert.match(await panel.locator('.run.done figcaption').first().innerText(), new RegExp(`seed ${firstSeed}$`));
  await fromMenu('Vary');
  await panel.locator('.run.done').nth(2).waitFor();
  assert.doesNotMatch(await panel.locator('.run.done figcaption').first().innerText(), new RegExp(`seed ${firstSeed}$`));
  assert.equal(wb.listFiles('assets').length, 3);

  step('Reuse last seed and two images per request');
  await panel.getByLabel('Reuse last').check();
  await panel.getByLabel('Images').selectOption('2');
  await panel.getByRole('button', { name: 'Generate', exact: true }).click();
  await panel.locator('.run.done').nth(3).waitFor();
  assert.equal(await panel.locator('.run.done').first().locator('figure').count(), 2);
  const lastSeed = /\((\d+)\)/.exec(await panel.locator('#last-seed').innerText())[1];
  assert.match(await panel.locator('.run.done figcaption').first().innerText(), new RegExp(`seed ${lastSeed}$`));
  await panel.getByLabel('Images').selectOption('1');
  await panel.getByLabel('Random').check();

  step('Cancel stops a generation and leaves nothing behind');
  await wb.control('fault', { kind: 'slow-headers', ms: 4000, phase: 'submit', times: 1 });
  const before = wb.listFiles('assets').length;
  await panel.getByRole('button', { name: 'Generate', exact: true }).click();
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await panel.locator('.run.cancelled').first().waitFor();
  assert.match(await panel.locator('.run.cancelled .run-message').innerText(), /Nothing was saved\.$/);
  await page.waitForTimeout(500);
  assert.equal(wb.listFiles('assets').length, before);
  await panel.locator('.run.cancelled').getByRole('button', { name: 'Dismiss' }).click();
  await panel.locator('.run.cancelled').waitFor({ state: 'detached' });

  step('a rejected key (Ctrl+Enter from the prompt): the sentence in the results, with Set API Key');
  await wb.control('fault', { kind: 'status', status: 401, phase: 'submit', times: 1 });
  panel = await wb.webview('Flux Image Generator');
  await panel.getByLabel('Prompt').focus();
  await page.keyboard.press('Control+Enter');
  await panel.locator('.run.failed').first().waitFor();
  assert.ok(await panel.locator('.run.failed').getByRole('button', { name: 'Set API Key' }).isVisible());
  await wb.screenshot(`${out}/dark-08-failed.png`);

  assert.deepEqual(await wb.notifications(), [], 'failures show in the panel, not as notifications');

  step('after a window reload the panel comes back with its form and results');
  await wb.runCommand('Developer: Reload Window');
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForTimeout(3000);
  panel = await wb.webview('Flux Image Generator', { timeout: 60_000 });
  await panel.locator('.run.done img').first().waitFor({ timeout: 20_000 });
  assert.equal(await panel.getByLabel('Prompt').inputValue(), 'A lighthouse at dawn');
  assert.equal(await panel.getByLabel('Model').inputValue(), 'aimlapi:flux-pro');
  assert.equal(await panel.getByLabel('Width').inputValue(), '1024');
  assert.equal(await panel.getByLabel('Inference steps').inputValue(), '30');
  assert.ok(
    await panel
      .locator('.run.done img')
      .first()
      .evaluate((el) => el.complete && el.naturalWidth > 0),
    'the restored thumbnail loads',
  );
  await wb.screenshot(`${out}/dark-09-after-reload.png`);

  step('light and high-contrast themes');
  for (const [name, theme] of [
    ['light', 'Default Light Modern'],
    ['hc', 'Default High Contrast'],
    ['hclight', 'Default High Contrast Light'],
  ]) {
    await wb.setTheme(theme);
    panel = await wb.webview('Flux Image Generator');
    await panel.getByLabel('Width').fill('1000');
    await panel.locator('#width-error').waitFor({ state: 'visible' });
    await wb.screenshot(`${out}/${name}-01-invalid.png`);
    await panel.getByLabel('Width').fill('1024');
    await panel.locator('.run.done img').first().scrollIntoViewIfNeeded();
    await wb.screenshot(`${out}/${name}-02-results.png`);
  }
} catch (e) {
  await wb.screenshot(`${out}/failure.png`).catch(() => {});
  console.error(e);
  process.exitCode = 1;
} finally {
  await wb.stop();
}

// Without keys: the model says so with "Set API Key", and Generate says it in the results.
if (!process.exitCode) {
  const nokey = await startWorkbench({ theme: 'Default Dark Modern', keys: false });
  try {
    step('no key: the note under the model, and the sentence in the results');
    await nokey.runCommand('Flux: Open Image Generator');
    const p = await nokey.webview('Flux Image Generator');
    await p.locator('#key-note').waitFor({ state: 'visible' });
    assert.match(await p.locator('#key-note').innerText(), /No AIML API key is set, so FLUX1\.1 \[pro\] cannot generate yet\./);
    assert.ok(await p.locator('#key-note').getByRole('button', { name: 'Set API Key' }).isVisible());
    await p.getByLabel('Prompt').fill('A paper boat on a pond');
    await p.getByRole('button', { name: 'Generate', exact: true }).click();
    await p.locator('.run.failed', { hasText: 'No AIML API key is set' }).waitFor();
    assert.deepEqual(await nokey.notifications(), []);
    await nokey.screenshot(`${out}/dark-10-no-key.png`);
    step('Set API Key asks for the key in VS Code');
    await p.locator('#key-note').getByRole('button', { name: 'Set API Key' }).click();
    await nokey.page.locator('.quick-input-widget input.input').waitFor({ state: 'visible' });
    await nokey.screenshot(`${out}/dark-11-set-key.png`);
    await nokey.page.keyboard.type('a-test-key');
    await nokey.page.keyboard.press('Enter');
    await p.locator('#key-note').waitFor({ state: 'hidden' });
  } catch (e) {
    await nokey.screenshot(`${out}/failure-nokey.png`).catch(() => {});
    console.error(e);
    process.exitCode = 1;
  } finally {
    await nokey.stop();
  }
}
if (!process.exitCode) console.log(`tour passed; screenshots in ${out}`);
