// End-to-end: the real workbench (code-server, VS Code 1.96.4) driven as a person would, in headless
// Chromium, against the fake Flux API. Also writes the README's screenshots (panel and the editor's
// context menu, dark and light; the gallery's are gallery.test.mjs's) into test-results/screenshots/; `npm run screenshots`
// copies them to media/screenshots/.
//
// Each test makes the state it needs (its own document, its own image, its own theme) and looks for
// its own things by role and text, so any one runs alone (`--test-name-pattern`) or in any order.
//
//   npm run test:e2e        (part of npm test; needs `npm run build` first)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, STATUS_ITEM, startWorkbench } from './workbench.mjs';

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

test('the status bar item says the size in words and reads as plain text to a screen reader (not its Markdown tooltip)', async () => {
  // fluxStudio.defaultSize 512x384 reads as the pickers say it, not as the setting's text.
  const item = wb.page.locator(STATUS_ITEM).first();
  await item.waitFor();
  assert.match(await item.innerText(), /· Landscape 4:3$/);
  const label = (await item.getAttribute('aria-label')) ?? (await item.locator('[aria-label]').first().getAttribute('aria-label'));
  assert.match(label ?? '', /^Flux Image Studio: default model .+, size Landscape 4:3 · 512×384\. Click to change\.$/);
  assert.doesNotMatch(label ?? '', /\*\*|`/);
});

/** Poll until `ready(frame)` holds on the webview titled `title` (its page reloads at times). */
async function webviewWhere(title, what, ready) {
  let frame;
  await wb.waitUntil(
    what,
    async () => {
      frame = await wb.webview(title, { timeout: 2_000 }).catch(() => undefined);
      return frame !== undefined && (await ready(frame));
    },
    { timeout: 30_000 },
  );
  return frame;
}
const panelWhere = (what, ready) => webviewWhere('Flux Image Generator', `the generator panel: ${what}`, ready);
const galleryWhere = (what, ready) => webviewWhere('Flux Gallery', `the gallery: ${what}`, ready);

/**
 * The gallery's cards: the items of its list of images (not of the generations under way), found by
 * the list's name and the items' roles (a list of list items, or a listbox of options).
 */
const cards = (gallery) => gallery.getByLabel('Generated images, newest first', { exact: true }).locator('[role="option"], [role="listitem"]');
/** The card of the image whose prompt is `prompt` (its label starts with the prompt, or says the file is missing). */
const cardOf = (gallery, prompt) => cards(gallery).and(gallery.locator(`[aria-label*="${prompt}"]`));

/** Show the gallery with an empty search (a search typed by another test is kept by the view). */
async function showGallery() {
  await wb.runCommand('Flux: Show Gallery');
  const gallery = await wb.webview('Flux Gallery');
  await gallery.getByLabel('Search prompts').fill('');
  return gallery;
}

/** A document's text as the editor has it: saved (Ctrl+S in its editor), then read from disk. */
async function savedText(fileName) {
  await wb.page.locator(`.tab[data-resource-name="${fileName}"]`).first().click();
  await wb.focusEditor();
  await wb.page.keyboard.press('Control+S');
  await wb.page.locator(`.tab.active[data-resource-name="${fileName}"]:not(.dirty)`).first().waitFor({ timeout: 10_000 });
  return wb.readFile(fileName);
}

const pickRow = (label) => wb.pickRow(label);

/** Images in assets/ (not the hidden partial files of a save under way). */
const images = () => wb.listFiles('assets').filter((f) => !f.startsWith('.') && !f.endsWith('.partial'));

/** Wait for the one image that was not in `before`; returns its name. */
async function newImage(before, what) {
  let fresh = [];
  await wb.waitUntil(what, async () => (fresh = images().filter((f) => !before.includes(f))).length > 0, { timeout: 60_000 });
  assert.equal(fresh.length, 1, `one new image: ${fresh.join(', ')}`);
  return fresh[0];
}

/** Select `text` in `file` and run Generate Image from Selection from the palette; the new image's name. */
async function generateFromSelection(file, text) {
  const before = images();
  await wb.openFile(file);
  await wb.selectText(text);
  await wb.runCommand('Flux: Generate Image from Selection');
  return newImage(before, `the image for "${text}"`);
}

/** The effective colours of an element: its text and the first non-transparent background behind it. */
async function colours(locator) {
  return locator.evaluate((el) => {
    const cs = getComputedStyle(el);
    let bg = 'rgba(0, 0, 0, 0)';
    for (let e = el; e; e = e.parentElement) {
      const b = getComputedStyle(e).backgroundColor;
      if (!/rgba\(.*, 0\)$/.test(b) && b !== 'transparent') {
        bg = b;
        break;
      }
    }
    return { color: cs.color, background: bg };
  });
}

/** WCAG contrast ratio of two CSS rgb()/rgba() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c
      .match(/[\d.]+/g)
      .slice(0, 3)
      .map(Number)
      .map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('generator panel: a model and a custom size, an invalid width explained, fixed, generated, inserted', async () => {
  const before = images();
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
  const widthError = panel.getByText(/^Width 1000 is not a multiple of 32/);
  await widthError.waitFor({ state: 'visible' });
  assert.equal(await widthError.innerText(), 'Width 1000 is not a multiple of 32 for flux-pro (256–1440). Nearest: 992 or 1024.');
  assert.equal(await panel.getByLabel('Width').getAttribute('aria-invalid'), 'true');
  assert.ok(await panel.getByRole('button', { name: 'Generate', exact: true }).isDisabled(), 'Generate waits for a valid size');

  await panel.getByLabel('Width').fill('768');
  await widthError.waitFor({ state: 'hidden' });
  await panel.getByRole('button', { name: 'Generate', exact: true }).click();
  const name = await newImage(before, 'the generated image');
  assert.match(name, /^a-lighthouse-at-dawn-\d+\.jpg$/);
  panel = await panelWhere('the result is shown', async (f) => (await f.locator('.run.done figure.image').count()) > 0);

  const image = panel.locator('.run.done figure.image').first();
  await image.locator('.thumb').hover();
  await image.getByRole('button', { name: 'Insert', exact: true }).click();
  // Said beside the image whose Insert was clicked.
  await image.locator('.image-status', { hasText: `Inserted a link to ${name} into notes.md.` }).waitFor();
  // The README's panel: the form, its sticky actions and the result with its toolbar.
  await panel.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  await image.locator('.thumb').hover();
  await wb.screenshot(path.join(SHOTS, 'panel-dark.png'));
  await wb.page.mouse.move(0, 0);
  assert.equal(await savedText('notes.md'), `# Field notes\n\nA lighthouse at dawn\n\n![A lighthouse at dawn](assets/${name})\n\nThe end.\n`);
});

test('generator panel: a failed generation says why in the panel (a rejected key), with Set API Key', async () => {
  await wb.openFile('notes.md');
  await wb.runCommand('Flux: Open Image Generator');
  let panel = await wb.webview('Flux Image Generator');
  await panel.getByLabel('Prompt').waitFor();
  await panel.getByLabel('Prompt').fill('a rejected key');
  const before = images();
  await wb.control('fault', { kind: 'status', status: 401, phase: 'submit', times: 1 });
  try {
    await panel.getByRole('button', { name: 'Generate', exact: true }).click();
    const failure = (f) => f.getByRole('alert').filter({ hasText: /rejected the API key \(HTTP 401/ });
    panel = await panelWhere('the failure is shown', async (f) => (await failure(f).count()) > 0);
    assert.doesNotMatch(await failure(panel).first().innerText(), new RegExp(esc(process.env.FLUX_TEST_KEY ?? 'e2e-key-aiml')), 'the key is never shown');
    assert.ok(await panel.getByRole('button', { name: 'Set API Key' }).first().isVisible(), 'the way out is offered where the failure is');
    assert.deepEqual(images(), before, 'nothing saved');
  } finally {
    await wb.control('fault', null);
  }
});

test('a rejected key from a command is a notification that offers Set API Key', async () => {
  await wb.control('fault', { kind: 'status', status: 401, times: 1 });
  try {
    const before = images();
    await wb.openFile('post.mdx');
    await wb.selectText('A paper boat on a pond');
    await wb.runCommand('Flux: Generate Image from Selection');
    const toast = wb.page.locator('.notifications-toasts .notification-list-item', { hasText: /rejected the API key \(HTTP 401/ });
    await toast.first().waitFor({ timeout: 30_000 });
    await toast.first().getByRole('button', { name: 'Set API Key' }).waitFor();
    assert.deepEqual(images(), before, 'nothing saved');
    await toast.first().hover();
    await wb.page.keyboard.press('Escape');
  } finally {
    await wb.control('fault', null);
  }
});

test('gallery: the new image is there; search, Copy link, Delete', async () => {
  const prompt = 'A mountain cabin under stars';
  const file = await generateFromSelection('nested.md', prompt);
  await showGallery();
  let gallery = await galleryWhere('its card is listed', async (f) => (await cardOf(f, prompt).count()) === 1);
  const card = cardOf(gallery, prompt).first();
  assert.match(await card.innerText(), /FLUX/);
  assert.match(await card.innerText(), /512×384/);

  await gallery.getByLabel('Search prompts').fill('submarine');
  await galleryWhere('no card for "submarine"', async (f) => (await cards(f).count()) === 0);
  await gallery.getByLabel('Search prompts').fill('mountain cabin');
  gallery = await galleryWhere('the card is back', async (f) => (await cardOf(f, prompt).count()) === 1);

  // Copy link, from the item's "More actions…" (every action is also in the right-click menu).
  await cardOf(gallery, prompt).first().hover();
  await cardOf(gallery, prompt).first().getByTitle('More actions…').click();
  await pickRow('Copy Link');
  await wb.page.locator('.statusbar', { hasText: 'link copied' }).waitFor();

  // Delete: confirmed in a modal; this server has no trash, so it asks once more.
  gallery = await wb.webview('Flux Gallery');
  await cardOf(gallery, prompt).first().hover();
  await cardOf(gallery, prompt).first().getByTitle('More actions…').click();
  await pickRow('Delete Image…');
  const dialog = wb.page.getByRole('dialog').filter({ hasText: new RegExp(`Delete ${esc(file)}\\?`) });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Move to Trash' }).click();
  // This server has no trash: asked once more, in words (no raw error, no vscode-remote:// address),
  // or the file went to a trash; either way the dialog answered first.
  const second = wb.page.getByRole('dialog').filter({ hasText: 'permanently?' });
  await wb.waitUntil('the trash to answer', async () => (await second.count()) > 0 || !images().includes(file));
  if ((await second.count()) > 0) {
    assert.doesNotMatch(await second.innerText(), /vscode-remote:|EPERM|ENOTSUP|Error/);
    await second.getByRole('button', { name: 'Delete Permanently' }).click();
  }
  await galleryWhere('the card is gone', async (f) => (await cardOf(f, prompt).count()) === 0);
  assert.ok(!images().includes(file), 'the file is gone');
  await (await wb.webview('Flux Gallery')).getByLabel('Search prompts').fill('');
});

test('gallery: an image deleted outside VS Code shows as missing, and Remove takes it out', async () => {
  const prompt = 'A tea cup with steam';
  const file = await generateFromSelection('readme.md', prompt);
  await showGallery();
  const gallery = await galleryWhere('its card is listed', async (f) => (await cardOf(f, prompt).count()) === 1);
  assert.doesNotMatch((await cardOf(gallery, prompt).first().getAttribute('aria-label')) ?? '', /missing/i);
  fs.unlinkSync(path.join(wb.workspace, 'assets', file));
  // What the user sees: the card says the file is missing (its label for a screen reader too).
  const missing = await galleryWhere('the card shows the file as missing', async (f) =>
    /File missing/.test((await cardOf(f, prompt).first().getAttribute('aria-label')) ?? ''),
  );
  await cardOf(missing, prompt).first().getByText('File missing').waitFor();
  // The card's buttons are the mouse's (the keyboard has Delete on the focused card): hover, then the trash.
  await cardOf(missing, prompt).first().hover();
  await cardOf(missing, prompt).first().getByTitle('Remove from Gallery').click();
  await wb.page.locator('.statusbar', { hasText: `${file} removed from the gallery` }).waitFor();
  await galleryWhere('the card is gone', async (f) => (await cardOf(f, prompt).count()) === 0).catch(async (e) => {
    // Say what every gallery page in the workbench shows, to tell a stale page from a card kept.
    const pages = [];
    for (const f of wb.page.frames()) {
      if (f.isDetached() || (await f.title().catch(() => '')) !== 'Flux Gallery') continue;
      pages.push(
        `${f.url().slice(0, 60)}: ${JSON.stringify(
          await cards(f)
            .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')?.slice(0, 40)))
            .catch(() => 'n/a'),
        )}`,
      );
    }
    await wb.screenshot(path.join(ROOT, 'test-results', 'remove-failed.png'));
    throw new Error(`${e.message}; gallery pages: ${pages.join(' | ')}`);
  });
});

test('right-click on selected text: Generate Image from Selection puts the link after it', async () => {
  const before = images();
  await wb.openFile('scratch.md');
  await wb.selectText('line two');
  // Right-click inside the selection (Monaco keeps it), on the text itself.
  await wb.page
    .locator('.editor-group-container.active .monaco-editor .view-line', { hasText: /^line\s+two$/ })
    .locator('span')
    .first()
    .click({ button: 'right' });
  const item = wb.page.locator('.context-view .action-label', { hasText: /^Generate Image from Selection$/ });
  await item.waitFor({ state: 'visible' });
  await wb.screenshot(path.join(SHOTS, 'context-menu-dark.png'));
  await wb.chooseMenuItem('Generate Image from Selection');
  const name = await newImage(before, 'the image for "line two"');
  assert.match(name, /^line-two-\d+\.jpg$/);
  // The link is in the editor before it is saved.
  await wb.waitUntil('the link in the editor', async () => (await wb.editorText('scratch.md')).includes(`assets/${name}`));
  assert.equal(await savedText('scratch.md'), `# Scratch\n\nline one\nline two\nline three\n\n![line two](assets/${name})\n`);
});

test('light theme: the panel, the gallery and the context menu follow the theme and read well', async () => {
  const prompt = 'A red fox in the snow';
  await generateFromSelection('page.html', prompt);
  /** The Prompt box and the Generate button in the panel, the search box in the gallery. */
  const controls = async () => {
    await wb.runCommand('Flux: Open Image Generator');
    const panel = await wb.webview('Flux Image Generator');
    await panel.getByLabel('Prompt').waitFor();
    await showGallery();
    const gallery = await galleryWhere('its card is listed', async (f) => (await cardOf(f, prompt).count()) === 1);
    return { panel, gallery };
  };
  const look = async ({ panel, gallery }) => ({
    prompt: await colours(panel.getByLabel('Prompt')),
    generate: await colours(panel.getByRole('button', { name: 'Generate', exact: true })),
    search: await colours(gallery.getByLabel('Search prompts')),
  });
  if (!(await wb.page.locator('.monaco-workbench.vs-dark').count())) await wb.setTheme('Default Dark Modern');
  const dark = await look(await controls());
  try {
    await wb.setTheme('Default Light Modern');
    const frames = await controls();
    // The pages got the new theme (VS Code marks the webview's body).
    await frames.panel.locator('body.vscode-light').waitFor();
    await frames.gallery.locator('body.vscode-light').waitFor();
    const light = await look(frames);
    for (const [control, d] of Object.entries(dark)) {
      const l = light[control];
      // Rendered anew for the theme: dark text on a light ground now, light on dark before...
      assert.notDeepEqual(l, d, `${control} looks the same in both themes: ${JSON.stringify(l)}`);
      // ...and readable in both (WCAG AA for text: 4.5:1).
      assert.ok(
        contrast(l.color, l.background) >= 4.5,
        `${control} in the light theme: ${JSON.stringify(l)} contrast ${contrast(l.color, l.background).toFixed(2)}`,
      );
      assert.ok(
        contrast(d.color, d.background) >= 4.5,
        `${control} in the dark theme: ${JSON.stringify(d)} contrast ${contrast(d.color, d.background).toFixed(2)}`,
      );
    }
    const lum = (c) =>
      c
        .match(/[\d.]+/g)
        .slice(0, 3)
        .reduce((a, v) => a + Number(v), 0);
    assert.ok(lum(light.prompt.background) > lum(light.prompt.color), `the light theme's Prompt box is dark text on light: ${JSON.stringify(light.prompt)}`);
    assert.ok(lum(dark.prompt.background) < lum(dark.prompt.color), `the dark theme's Prompt box is light text on dark: ${JSON.stringify(dark.prompt)}`);

    await wb.runCommand('Flux: Open Image Generator');
    const panel = await wb.webview('Flux Image Generator');
    await panel.getByLabel('Model').selectOption({ label: 'FLUX.1 [pro] · AIML API' });
    await panel.getByLabel('Size').selectOption('custom');
    await panel.getByLabel('Width').fill('1000');
    await panel.getByText(/^Width 1000 is not a multiple of 32/).waitFor({ state: 'visible' });
    await panel.getByLabel('Width').fill('768');
    await panel.getByText(/^Width 1000 is not a multiple of 32/).waitFor({ state: 'hidden' });
    // The README's panel: the form's sticky actions and, when this window made one, a result with its toolbar.
    await panel.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    const image = panel.locator('.run.done figure.image').first();
    if (await image.count()) await image.locator('.thumb').hover();
    await wb.screenshot(path.join(SHOTS, 'panel-light.png'));
    await wb.page.mouse.move(0, 0);
    // The editor's context menu on a selection, in the light theme too.
    await wb.openFile('scratch.md');
    await wb.selectText('line three');
    await wb.page
      .locator('.editor-group-container.active .monaco-editor .view-line', { hasText: /^line\s+three$/ })
      .locator('span')
      .first()
      .click({ button: 'right' });
    await wb.page.locator('.context-view .action-label', { hasText: /^Generate Image from Selection$/ }).waitFor({ state: 'visible' });
    await wb.screenshot(path.join(SHOTS, 'context-menu-light.png'));
    await wb.page.keyboard.press('Escape');
  } finally {
    await wb.setTheme('Default Dark Modern');
  }
});
