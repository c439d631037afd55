// End-to-end: the gallery in a 300 px sidebar, as a person uses it: images of ours found in assets/
// (and someone else's left out), grid and list modes (the title bar switch, remembered), groups of
// one prompt, relative dates, the rich hover, "No image matches" under the search box, and the
// keyboard (one tab stop, arrows, Home/End, Shift+F10 and Escape back to the image). Writes the
// README's gallery screenshots (both modes, dark and light; high contrast to look at).
//
//   node --test test/e2e/gallery.test.mjs      (needs `npm run build` first)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, startWorkbench } from './workbench.mjs';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
/** Screenshots to look at, not for the README (`npm run screenshots` copies only SHOTS). */
const LOOK = path.join(ROOT, 'test-results', 'gallery-look');
const LIGHTHOUSE = 'A lighthouse at dawn on a rocky coast, oil painting with thick brush strokes and warm light';
const FOX = 'A red fox curled up asleep in fresh snow under pine trees';
const BOAT = 'A paper boat on a pond';

/** 13 images of ours (9 of one prompt, newest first), and one that is not ours. */
const SEED = [
  ...Array.from({ length: 9 }, (_, i) => ({ name: `lighthouse-${i + 1}.png`, prompt: LIGHTHOUSE, seed: 100 + i, minutesAgo: 5 + i })),
  { name: 'red-fox.png', prompt: FOX, seed: 7, minutesAgo: 3 * 60, model: 'aimlapi:flux/schnell' },
  ...Array.from({ length: 3 }, (_, i) => ({ name: `paper-boat-${i + 1}.png`, prompt: BOAT, seed: 40 + i, minutesAgo: 26 * 60 + i })),
  { name: 'holiday-photo.png', seed: 1, minutesAgo: 1 },
];

/** @type {import('./workbench.mjs').Workbench} */
let wb;
/** When the images were written (their records' times count back from it). */
let seededAt = 0;
/** "N min. ago" for an image made `minutes` before seeding: N is that, or a little more by now. */
function assertMinutesAgo(text, minutes) {
  const m = /^(\d+) min\. ago$/.exec(text);
  assert.ok(m, `"${text}" reads "N min. ago"`);
  const late = Math.ceil((Date.now() - seededAt) / 60_000);
  assert.ok(Number(m[1]) >= minutes && Number(m[1]) <= minutes + late, `${text}: ${minutes} min. before seeding, ${late} min. since`);
}
before(async () => {
  wb = await startWorkbench({ theme: 'Default Dark Modern', viewport: { width: 1280, height: 860 } });
  const seeded = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test', 'e2e', 'seed-gallery.ts'), path.join(wb.workspace, 'assets'), JSON.stringify(SEED)],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(seeded.status, 0, seeded.stderr);
  seededAt = Date.now();
});
after(async () => {
  await wb?.stop();
});

/** The gallery's frame, asked for again until `ready` holds (the page reloads when hidden and shown). */
async function galleryWhere(ready) {
  for (let i = 0; i < 150; i++) {
    const f = await wb.webview('Flux Gallery').catch(() => undefined);
    if (f && (await ready(f).catch(() => false))) return f;
    await wb.page.waitForTimeout(200);
  }
  throw new Error('the gallery never reached the expected state');
}

/** Drag the sidebar's edge until it is `width` px wide, as a person would. */
async function sidebarWidth(width) {
  const { page } = wb;
  const sidebar = page.locator('.part.sidebar');
  for (let i = 0; i < 4; i++) {
    const box = await sidebar.boundingBox();
    if (Math.abs(box.width - width) <= 1) return box.width;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width - 1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + width - 1, y, { steps: 5 });
    await page.mouse.up();
  }
  return (await sidebar.boundingBox()).width;
}

/** The card at a place in the list (1-based; cards are in the DOM in the order they were made). */
const card = (n) => gallery.locator(`.card[aria-posinset="${n}"]`);
const rect = (loc) => loc.evaluate((n) => n.getBoundingClientRect().toJSON());
/** The element that has focus in the frame (its class and data-id), and whether the frame has it. */
const focused = (f) =>
  f.evaluate(() => ({
    cls: document.activeElement?.className ?? '',
    id: document.activeElement?.getAttribute('data-id') ?? '',
    pos: document.activeElement?.getAttribute('aria-posinset') ?? '',
    has: document.hasFocus(),
  }));

let gallery;

/** A README screenshot: the activity bar, the 300 px gallery and some of the editor; no notifications. */
async function shot(file, focusCard) {
  await wb.runCommand('Notifications: Clear All Notifications');
  await wb.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached' });
  if (focusCard) await card(focusCard).focus();
  await wb.screenshot(file, { clip: { x: 0, y: 0, width: 760, height: 860 } });
}

test("images of ours in assets/ that the index lacks are added once when the gallery opens; someone else's is not", async () => {
  await wb.runCommand('Flux: Show Gallery');
  assert.equal(await sidebarWidth(300), 300);
  gallery = await galleryWhere(async (f) => (await f.locator('.status').innerText()) === '13 images');
  await wb.page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'Added 13 images found in assets/ to the gallery.' }).waitFor();
  assert.equal(await gallery.locator('.card[aria-label*="holiday"]').count(), 0);
  // Shown again (the page reloads and looks again): nothing more is added, nothing said again.
  await wb.runCommand('View: Toggle Primary Side Bar Visibility');
  await wb.runCommand('Flux: Show Gallery');
  gallery = await galleryWhere(async (f) => (await f.locator('.status').innerText()) === '13 images');
  assert.equal((await wb.notifications()).filter((n) => /found in assets/.test(n)).length, 1);
});

test('grid at 300 px: tiles side by side under one header per group of a prompt; single images share rows', async () => {
  await card(1).waitFor();
  assert.equal(await gallery.locator('[role=listbox]').getAttribute('data-mode'), 'grid');
  const [a, b, c] = await Promise.all([1, 2, 3].map((i) => rect(card(i))));
  assert.equal(a.y, b.y, 'the first two tiles are side by side');
  assert.ok(b.x >= a.x + a.width, 'the second right of the first');
  assert.ok(c.y >= a.y + a.height, 'the third on the next row');
  assert.ok(a.width >= 120 && b.x + b.width <= 300, `two tiles fit in 300 px: ${a.width}`);
  // One header for the nine images of one prompt, above its first tile; the tiles say what differs.
  const header = gallery.locator('.group-header').first();
  assert.equal(await header.locator('.prompt').innerText(), LIGHTHOUSE);
  assert.equal(await header.locator('.count').innerText(), '9 images');
  assert.ok((await rect(header)).bottom <= a.y + 1, 'the header is above the tiles');
  assert.match(await card(1).locator('.title').innerText(), /^seed 100 · 512×384$/);
  // Its name: the prompt (the header's), then what the card shows, word for word, then the rest.
  assert.match(
    await card(1).getAttribute('aria-label'),
    new RegExp(`^${LIGHTHOUSE}\\. seed 100 · 512×384 \\d+ min\\. ago · FLUX1\\.1 \\[pro\\]\\. .*Image 1 of 9 with this prompt\\.$`),
  );
  assert.match(
    await gallery.locator('.card', { hasText: FOX }).getAttribute('aria-label'),
    new RegExp(`^${FOX} \\d+ hr\\. ago · FLUX\\.1 \\[schnell\\] · 512×384\\. `),
  );
});

test('dates read "5 min. ago", "3 hr. ago", "yesterday" (Intl.RelativeTimeFormat in the display language)', async () => {
  assertMinutesAgo(await card(1).locator('.when').innerText(), 5);
  await gallery.getByLabel('Search prompts').fill('fox');
  const fox = card(1);
  await fox.locator('.title', { hasText: FOX }).waitFor();
  assert.equal(await fox.locator('.when').innerText(), '3 hr. ago');
  assert.equal(await gallery.locator('.group-header').count(), 0, 'a single image has no header');
  await gallery.getByLabel('Search prompts').fill('boat');
  await gallery.locator('.group-header .count', { hasText: '3 images' }).waitFor();
  assert.equal(await card(1).locator('.when').innerText(), 'yesterday');
  await gallery.getByLabel('Search prompts').fill('');
});

test('one rich hover: the whole prompt, model, size, seed and date', async () => {
  await card(2).hover();
  const hover = gallery.locator('.hover');
  await hover.waitFor({ state: 'visible' });
  const text = await hover.innerText();
  assert.match(text, new RegExp(`^${LIGHTHOUSE}\\n`));
  assert.match(text, /Model\s+FLUX1\.1 \[pro\] \(aimlapi:flux-pro\/v1\.1\)/);
  assert.match(text, /Size\s+512×384/);
  assert.match(text, /Seed\s+101/);
  const created = /Created\s+(.+\d.*) \((.+)\)/.exec(text);
  assert.ok(created, text);
  assertMinutesAgo(created[2], 6);
  const h = await rect(hover);
  const c = await rect(card(2));
  assert.ok(h.top >= c.bottom || h.bottom <= c.top, 'beside the card, not over it');
  assert.ok(h.left >= 0 && h.right <= 300, 'inside the view');
  await wb.screenshot(path.join(LOOK, 'hover-dark.png'));
  await wb.page.mouse.move(900, 400);
  await hover.waitFor({ state: 'hidden' });
});

test('"No image matches the search" sits right under the search box', async () => {
  await gallery.getByLabel('Search prompts').fill('zebra');
  const none = gallery.locator('.no-match');
  await none.waitFor({ state: 'visible' });
  assert.match(await none.innerText(), /No image matches the search\./);
  const box = await rect(gallery.getByLabel('Search prompts'));
  const msg = await rect(none);
  assert.ok(msg.top >= box.bottom && msg.top - box.bottom <= 12, `under the search box: ${box.bottom} → ${msg.top}`);
  await gallery.getByRole('button', { name: 'Clear Search and Filter' }).click();
  await card(1).waitFor();
});

test('keyboard: the list is one tab stop, arrows/Home/End move, Shift+F10 then Escape gives focus back to the image', async () => {
  // No card holds anything focusable (axe nested-interactive); exactly one card is tabbable.
  assert.equal(await gallery.locator('.card button, .card a, .card input, .card [tabindex]').count(), 0);
  assert.equal(await gallery.locator('.card[tabindex="0"]').count(), 1);
  assert.equal(await gallery.locator('[role=listbox] > [role=option]').count(), await gallery.locator('.card').count());
  await gallery.getByLabel('Search prompts').focus();
  await wb.page.keyboard.press('Tab'); // the model filter
  await wb.page.keyboard.press('Tab');
  let f = await focused(gallery);
  assert.match(f.cls, /\bcard\b/, 'Tab enters the list');
  assert.equal(f.pos, '1');
  await wb.page.keyboard.press('Tab');
  f = await focused(gallery);
  assert.doesNotMatch(f.cls, /\bcard\b/, 'one more Tab leaves it (one stop)');
  await wb.page.keyboard.press('Shift+Tab');
  assert.equal((await focused(gallery)).pos, '1', 'Shift+Tab comes back to the same image');

  await wb.page.keyboard.press('ArrowRight');
  assert.equal((await focused(gallery)).pos, '2');
  await wb.page.keyboard.press('ArrowDown');
  assert.equal((await focused(gallery)).pos, '4', 'down: the same column, next row');
  await wb.page.keyboard.press('End');
  assert.equal((await focused(gallery)).pos, '13');
  assert.equal(await gallery.locator('.card:focus').getAttribute('aria-selected'), 'true');
  await wb.page.keyboard.press('Home');
  assert.equal((await focused(gallery)).pos, '1');
  await wb.page.keyboard.press('ArrowRight');
  const before = await focused(gallery);

  await wb.page.keyboard.press('Shift+F10');
  const menu = wb.page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible' });
  await wb.page.locator('.context-view .action-label', { hasText: /^Insert Link at Cursor$/ }).waitFor();
  await wb.page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden' });
  // VS Code gives the focus back to the webview after its menu closes; on a loaded 2-core machine
  // that once took longer than 5 s in CI: wait for it (up to 15 s), then check where it went.
  await wb.waitUntil('the gallery to have the focus again', async () => (await focused(gallery)).has, { timeout: 15_000 }).catch(() => undefined);
  const afterMenu = await focused(gallery);
  assert.equal(afterMenu.has, true, 'the gallery has focus again');
  assert.equal(afterMenu.id, before.id, 'on the image the menu was for');
  await wb.page.keyboard.press('ArrowRight');
  assert.equal((await focused(gallery)).pos, '3', 'and the keys work on');
});

test('list mode from the title bar: compact rows the width of the view, remembered after a reload', async () => {
  await wb.openFile('notes.md');
  await shot(path.join(SHOTS, 'gallery-grid-dark.png'), 3);
  await wb.page.getByRole('button', { name: 'View Gallery as List' }).click();
  gallery = await galleryWhere(async (f) => (await f.locator('[role=listbox]').getAttribute('data-mode')) === 'list');
  const [a, b] = await Promise.all([1, 2].map((i) => rect(card(i))));
  assert.equal(a.x, b.x, 'one under the other');
  assert.ok(b.y >= a.y + a.height && b.y - (a.y + a.height) <= 4, 'rows follow closely');
  assert.ok(a.height <= 56, `compact: ${a.height} px`);
  assert.ok(a.width >= 240, `as wide as the view: ${a.width}`);
  const header = await rect(gallery.locator('.group-header').first());
  assert.ok(header.height <= 28 && header.bottom <= a.y + 1, 'a one-line header above the group');
  assert.ok(a.x > header.x, "the group's rows are indented under it");
  // The whole gallery, the nine images of one prompt as one group, fits in the view.
  assert.ok((await gallery.locator('.card').count()) >= 12, 'most images on one screen');
  await wb.page.getByRole('button', { name: 'View Gallery as Grid' }).waitFor();
  await shot(path.join(SHOTS, 'gallery-list-dark.png'), 3);

  await wb.runCommand('Developer: Reload Window');
  await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await wb.runCommand('Flux: Show Gallery');
  gallery = await galleryWhere(async (f) => (await f.locator('.status').innerText()) === '13 images');
  assert.equal(await gallery.locator('[role=listbox]').getAttribute('data-mode'), 'list', 'still a list after the reload');
});

for (const [theme, name] of [
  ['Default Light Modern', 'light'],
  ['Default High Contrast', 'hc-dark'],
  ['Default High Contrast Light', 'hc-light'],
]) {
  test(`${name} theme: both modes read well`, async () => {
    await wb.setTheme(theme);
    await wb.runCommand('Flux: Show Gallery');
    await sidebarWidth(300);
    gallery = await galleryWhere(async (f) => (await f.locator('.card').count()) > 0);
    await card(1).hover();
    await gallery.locator('.hover').waitFor({ state: 'visible' });
    await wb.page.mouse.move(900, 400);
    await shot(name === 'light' ? path.join(SHOTS, 'gallery-list-light.png') : path.join(LOOK, `list-${name}.png`), 3);
    await wb.page.getByRole('button', { name: 'View Gallery as Grid' }).click();
    gallery = await galleryWhere(async (f) => (await f.locator('[role=listbox]').getAttribute('data-mode')) === 'grid');
    await shot(name === 'light' ? path.join(SHOTS, 'gallery-grid-light.png') : path.join(LOOK, `grid-${name}.png`), 3);
    await wb.page.getByRole('button', { name: 'View Gallery as List' }).click();
    gallery = await galleryWhere(async (f) => (await f.locator('[role=listbox]').getAttribute('data-mode')) === 'list');
  });
}

test("the README's gallery screenshots were written", () => {
  for (const f of ['gallery-grid-dark', 'gallery-list-dark', 'gallery-grid-light', 'gallery-list-light']) {
    assert.ok(fs.statSync(path.join(SHOTS, `${f}.png`)).size > 10_000, `${f}.png was written`);
  }
});
