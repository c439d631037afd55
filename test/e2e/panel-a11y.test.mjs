// End-to-end: the generator panel and the gallery as a keyboard and screen-reader user, and in every
// default theme, in the real workbench (code-server, VS Code 1.96.4, headless Chromium) against the
// fake Flux API.
//
// - Check boxes and radio buttons: on and off differ visibly in Dark Modern, Light Modern, and both
//   high-contrast themes (computed styles, and the pixels of the control's own screenshot); number
//   fields follow the theme's kind (color-scheme), so their spinners are not white in a dark theme.
// - axe-core (injected into each webview's frame) finds no violation in the panel or the gallery,
//   in each of those themes.
// - Tab reaches every control of the panel, each with a focus outline of at least 3:1 against what
//   is behind it, not hidden under the sticky actions bar.
// - At 300 px wide: Generate stays in reach, the closed model dropdown names the provider, a new run
//   comes into view, the thumbnails' toolbar and "More actions…" menu work from the keyboard, a
//   second image of one seed shows its -2, and "Inserted…" is said beside the Insert clicked.
//
//   npm run build && node --test test/e2e/panel-a11y.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { ROOT, startWorkbench } from './workbench.mjs';

const SHOTS = path.join(ROOT, 'test-results', 'panel-a11y');
const AXE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

const THEMES = [
  { theme: 'Default Dark Modern', kind: 'vscode-dark', scheme: 'dark', file: 'dark' },
  { theme: 'Default Light Modern', kind: 'vscode-light', scheme: 'light', file: 'light' },
  { theme: 'Default High Contrast', kind: 'vscode-high-contrast', scheme: 'dark', file: 'hc' },
  { theme: 'Default High Contrast Light', kind: 'vscode-high-contrast-light', scheme: 'light', file: 'hclight' },
];

/** @type {import('./workbench.mjs').Workbench} */
let wb;
before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  wb = await startWorkbench({ theme: 'Default Dark Modern', settings: { 'files.autoSave': 'off' } });
});
after(async () => {
  await wb?.stop();
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

async function gallery() {
  return wb.webview('Flux Gallery');
}

// ---- Colours, in the page ---------------------------------------------------------------------------

/**
 * Functions evaluated inside a webview frame: colours parsed from computed styles, composited over
 * their ancestors' backgrounds, and WCAG contrast ratios.
 */
const COLOR_HELPERS = `
  window.__c = {
    parse(s) {
      const m = /rgba?\\(([^)]+)\\)/.exec(s);
      if (!m) return null;
      const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    },
    over(top, bottom) {
      const a = top.a + bottom.a * (1 - top.a);
      if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
      const mix = (k) => (top[k] * top.a + bottom[k] * bottom.a * (1 - top.a)) / a;
      return { r: mix('r'), g: mix('g'), b: mix('b'), a };
    },
    /** The colour behind an element's own content: its background over its ancestors'. */
    background(el) {
      const layers = [];
      for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
        const c = this.parse(getComputedStyle(n).backgroundColor);
        if (c && c.a > 0) layers.push(c);
        if (c && c.a >= 1) break;
      }
      let out = { r: 255, g: 255, b: 255, a: 1 };
      if (layers.length && layers[layers.length - 1].a >= 1) out = layers.pop();
      for (const l of layers.reverse()) out = this.over(l, out);
      return out;
    },
    lum(c) {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    },
    ratio(a, b) {
      const [x, y] = [this.lum(a), this.lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    },
  };
`;

async function withHelpers(frame) {
  await frame.evaluate(COLOR_HELPERS);
}

/** Relative luminance of an sRGB pixel (0–255 channels). */
function lum(r, g, b) {
  const f = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/** How many pixels of two same-sized screenshots differ by a contrast of 3:1 or more. */
async function strongDifference(a, b) {
  const [x, y] = await Promise.all([a, b].map((buf) => sharp(buf).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
  assert.equal(x.info.width, y.info.width, 'the two screenshots have one size');
  assert.equal(x.info.height, y.info.height, 'the two screenshots have one size');
  let n = 0;
  for (let i = 0; i < x.data.length; i += 3) {
    const l1 = lum(x.data[i], x.data[i + 1], x.data[i + 2]);
    const l2 = lum(y.data[i], y.data[i + 1], y.data[i + 2]);
    if ((Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05) >= 3) n++;
  }
  return { n, total: x.info.width * x.info.height };
}

/** A control's look: its computed style and its ::before's, and the mark's contrast against the box. */
async function controlLook(frame, selector) {
  return frame.locator(selector).evaluate((el) => {
    const s = getComputedStyle(el);
    const b = getComputedStyle(el, '::before');
    const box = window.__c.background(el);
    // The mark: the check glyph's colour (a check box) or the dot's fill (a radio button).
    const markColor = el.type === 'checkbox' ? window.__c.parse(b.color) : window.__c.parse(b.backgroundColor);
    return {
      appearance: s.appearance,
      accentColor: s.accentColor,
      background: s.backgroundColor,
      border: s.borderTopColor,
      before: b.content,
      beforeBackground: b.backgroundColor,
      markContrast: b.content === 'none' || !markColor ? 0 : window.__c.ratio(markColor, box),
    };
  });
}

/** Screenshot a control without focus or hover on it. */
async function shot(frame, selector) {
  await frame.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  await wb.page.mouse.move(0, 0);
  return frame.locator(selector).screenshot();
}

async function checkPair(frame, selector, turnOn, turnOff, label, file) {
  await turnOff();
  const off = await controlLook(frame, selector);
  const offShot = await shot(frame, selector);
  await turnOn();
  const on = await controlLook(frame, selector);
  const onShot = await shot(frame, selector);
  fs.writeFileSync(path.join(SHOTS, `${file}-off.png`), offShot);
  fs.writeFileSync(path.join(SHOTS, `${file}-on.png`), onShot);
  assert.equal(on.appearance, 'none', `${label}: drawn by the page, not by the browser's accent colour`);
  assert.equal(off.before, 'none', `${label}: nothing drawn inside when off`);
  assert.notEqual(on.before, 'none', `${label}: a mark drawn when on`);
  assert.ok(on.markContrast >= 3, `${label}: the mark has ${on.markContrast.toFixed(2)}:1 against the box (at least 3:1)`);
  const d = await strongDifference(offShot, onShot);
  // The mark is a good part of an 18 px box: the dot 8×8, the check's strokes (about 15 pixels at
  // full contrast, the rest antialiased). Which one is "on" is the styles' business, above.
  assert.ok(d.n >= 10, `${label}: ${d.n} of ${d.total} pixels differ by 3:1 or more between on and off`);
}

// ---- axe ----------------------------------------------------------------------------------------------

async function axeViolations(frame) {
  if (!(await frame.evaluate(() => typeof window.axe === 'object'))) await frame.evaluate(AXE);
  return frame.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes
          .map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`)
          .slice(0, 6)
          .join('\n    ')}`,
    );
  });
}

// ---- Focus --------------------------------------------------------------------------------------------

/**
 * Tab from the prompt to the end of the panel; every control that takes Tab is reached, each with a
 * visible outline of at least 3:1 against what is behind it, and not under the sticky actions bar.
 */
async function tabThrough(frame, label) {
  await withHelpers(frame);
  const expected = await frame.evaluate(() => {
    const all = Array.from(document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]'));
    const tabbable = all.filter((el) => {
      if (el.disabled || el.tabIndex < 0) return false;
      if (!el.checkVisibility({ visibilityProperty: true })) return false;
      if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') return false;
      // A radio group takes one stop: its checked button.
      if (el.type === 'radio' && !el.checked && document.querySelector(`input[type=radio][name="${el.name}"]:checked`)) return false;
      return true;
    });
    tabbable.forEach((el, i) => (el.dataset.tabId = String(i)));
    return tabbable.map((el) => el.id || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40));
  });
  assert.ok(expected.length >= 15, `${label}: the panel has its controls (${expected.length})`);
  await frame.locator('#prompt').focus();
  const reached = new Map();
  const problems = [];
  for (let i = 0; i < 300; i++) {
    const stop = await frame.evaluate(() => {
      if (!document.hasFocus()) return null;
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      const cx = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
      const cy = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
      const hit = document.elementFromPoint(cx, cy);
      const offset = parseFloat(s.outlineOffset) || 0;
      const outline = window.__c.parse(s.outlineColor);
      // Behind an outline drawn outside the control: its parent's background; inside: its own.
      const behind = window.__c.background(offset >= 0 ? el.parentElement : el);
      return {
        id: el.dataset.tabId ?? null,
        name: el.id || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40),
        focusVisible: el.matches(':focus-visible'),
        outlineStyle: s.outlineStyle,
        outlineWidth: parseFloat(s.outlineWidth) || 0,
        ratio: outline && outline.a > 0 ? window.__c.ratio(window.__c.over(outline, behind), behind) : 0,
        inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
        uncovered: Boolean(hit && (hit === el || el.contains(hit) || hit.contains(el))),
        opacity: Number(getComputedStyle(el.closest('.image-toolbar') ?? el).opacity),
      };
    });
    if (!stop) break;
    if (stop.id !== null && reached.has(stop.id)) break; // around again
    reached.set(stop.id ?? `?${i}`, stop);
    const why = [];
    if (!stop.focusVisible) why.push('not :focus-visible');
    if (stop.outlineStyle === 'none' || stop.outlineWidth < 1) why.push(`no outline (${stop.outlineStyle} ${stop.outlineWidth}px)`);
    else if (stop.ratio < 3) why.push(`outline ${stop.ratio.toFixed(2)}:1 against what is behind it`);
    if (!stop.inView) why.push('out of view');
    else if (!stop.uncovered) why.push('covered (by the sticky bar?)');
    if (stop.opacity < 1) why.push(`shown at opacity ${stop.opacity}`);
    if (why.length) problems.push(`${stop.name}: ${why.join(', ')}`);
    await wb.page.keyboard.press('Tab');
  }
  const missed = expected.filter((_, i) => !reached.has(String(i)));
  assert.deepEqual(missed, [], `${label}: Tab never reached these controls`);
  assert.deepEqual(problems, [], `${label}: focus problems`);
  return reached.size;
}

// ---- The tests ----------------------------------------------------------------------------------------

test('in every default theme: check boxes and radio buttons show their state, spinners follow the theme, axe finds nothing in the panel or the gallery, and Tab shows where it is', async () => {
  await wb.openFile('notes.md');
  await wb.selectText('A lighthouse at dawn');
  await wb.runCommand('Flux: Open Image Generator');
  let panel = await wb.webview('Flux Image Generator');
  await panel.getByLabel('Prompt').waitFor();
  // One result, so its thumbnail and toolbar are checked too.
  await panel.getByRole('button', { name: 'Generate', exact: true }).click();
  panel = await panelWhere(async (f) => (await f.locator('.run.done img').count()) > 0);
  await panel.locator('summary', { hasText: 'Advanced' }).click();
  await panel.getByLabel('Safety checker').waitFor();
  // The gallery in the side bar, beside the panel: both are checked in each theme.
  await wb.runCommand('Flux: Show Gallery');
  await (await gallery()).locator('.card').first().waitFor({ timeout: 20_000 });

  const failures = [];
  for (const t of THEMES) {
    if (t.theme !== 'Default Dark Modern') await wb.setTheme(t.theme);
    panel = await wb.webview('Flux Image Generator');
    await panel.locator(`body.${t.kind}`).waitFor({ timeout: 10_000 });
    if (t.kind === 'vscode-high-contrast') assert.equal(await panel.locator('body.vscode-high-contrast-light').count(), 0);
    await withHelpers(panel);
    await panel.locator('.run.done').first().scrollIntoViewIfNeeded();
    await wb.screenshot(path.join(SHOTS, `panel-${t.file}.png`));

    // color-scheme from the theme: the number fields' spinners and the page's scroll bars.
    const schemes = await panel.evaluate(() => ({
      root: getComputedStyle(document.documentElement).colorScheme,
      number: getComputedStyle(document.getElementById('seed')).colorScheme,
    }));
    assert.deepEqual(schemes, { root: t.scheme, number: t.scheme }, `${t.theme}: color-scheme follows the theme`);

    // Radio: "Random" on, then off (Fixed chosen), back to Random.
    await checkPair(
      panel,
      '#seed-random',
      () => panel.locator('#seed-random').check(),
      () => panel.locator('#seed-fixed').check(),
      `${t.theme}, radio button`,
      `${t.file}-radio`,
    );
    // Check box: the safety checker off, then on (its default).
    await checkPair(
      panel,
      '#param-safetyChecker',
      () => panel.locator('#param-safetyChecker').check(),
      () => panel.locator('#param-safetyChecker').uncheck(),
      `${t.theme}, check box`,
      `${t.file}-checkbox`,
    );

    for (const [name, frame] of [
      ['panel', panel],
      ['gallery', await gallery()],
    ]) {
      // The shell: browse mode on (no application role), one top-level main with the page's h1.
      assert.deepEqual(
        await frame.evaluate(() => ({
          application: document.querySelectorAll('[role="application"]').length,
          mains: document.querySelectorAll('main, [role="main"]').length,
          topMain: document.querySelector('main')?.parentElement === document.body,
          h1: Array.from(document.querySelectorAll('h1')).map((h) => h.closest('main') !== null && h.textContent.trim().length > 0),
          labelledSpans: Array.from(document.querySelectorAll('span[aria-label]:not([role])')).map((e) => e.id || e.className),
        })),
        { application: 0, mains: 1, topMain: true, h1: [true], labelledSpans: [] },
        `${t.theme}, ${name}: landmarks`,
      );
      const v = await axeViolations(frame);
      if (v.length) failures.push(`${t.theme}, ${name}:\n  ${v.join('\n  ')}`);
    }
    await tabThrough(panel, t.theme);
  }
  assert.deepEqual(failures, [], `axe violations:\n${failures.join('\n')}`);
});

test('at 300 px: Generate in reach, the provider in the closed model dropdown, a new run in view, the thumbnail toolbar and menu by keyboard, a -2 visible, "Inserted" beside its Insert', async () => {
  await wb.setTheme('Default Dark Modern');
  // The panel alone in the window, 300 px wide.
  await wb.runCommand('View: Close Primary Side Bar');
  await wb.runCommand('View: Single Column Editor Layout');
  const panelTab = wb.page.locator('.tab', { hasText: 'Flux Image Generator' }).first();
  await panelTab.click();
  const activityBar = await wb.page.locator('.part.activitybar').boundingBox();
  await wb.page.setViewportSize({ width: Math.round((activityBar?.width ?? 48) + 300), height: 720 });
  let panel = await panelWhere(async (f) => (await f.evaluate(() => innerWidth)) <= 310 && (await f.locator('#prompt').count()) > 0);
  const width = await panel.evaluate(() => innerWidth);
  assert.ok(width >= 280 && width <= 310, `the panel is about 300 px wide (${width})`);

  // The closed dropdown shows the model and its provider.
  assert.equal(await panel.locator('#model').evaluate((s) => s.selectedOptions[0]?.text), 'FLUX1.1 [pro] · AIML API');
  await panel.locator('#model').selectOption('apiframe:flux-1.1-pro');
  assert.equal(await panel.locator('#model').evaluate((s) => s.selectedOptions[0]?.text), 'FLUX1.1 [pro] · apiframe');
  await panel.locator('#model').selectOption('aimlapi:flux-pro/v1.1');

  // Generate is on screen and can be clicked wherever the form is scrolled to.
  const generateInReach = (where) =>
    panel.evaluate((w) => {
      const b = document.getElementById('generate');
      const r = b.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return { where: w, inView: r.top >= 0 && r.bottom <= innerHeight, hit: Boolean(hit && (hit === b || b.contains(hit))) };
    }, where);
  assert.ok(await panel.evaluate(() => document.documentElement.scrollHeight > innerHeight), 'the form is longer than the panel');
  await panel.locator('#prompt').focus();
  await panel.evaluate(() => scrollTo(0, 0));
  assert.deepEqual(await generateInReach('top'), { where: 'top', inView: true, hit: true });
  await panel.locator('#seed-random').scrollIntoViewIfNeeded();
  assert.deepEqual(await generateInReach('seed'), { where: 'seed', inView: true, hit: true });
  await panel.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  assert.deepEqual(await generateInReach('bottom'), { where: 'bottom', inView: true, hit: true });
  await wb.screenshot(path.join(SHOTS, 'narrow-bottom.png'));

  // A new run, started from the top of the form, comes into view (clear of the bar).
  await panel.getByLabel('Prompt').fill('A lighthouse at dawn over a quiet harbour with fishing boats and gulls');
  await panel.evaluate(() => scrollTo(0, 0));
  const runsBefore = await panel.locator('.run').count();
  await panel.getByRole('button', { name: 'Generate', exact: true }).click();
  panel = await panelWhere(async (f) => (await f.locator('.run').count()) > runsBefore);
  const sampleNewRun = () =>
    panel
      .locator('.run')
      .first()
      .evaluate((card) => {
        const r = card.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + 12, r.top + 12);
        return { top: r.top, innerHeight, uncovered: Boolean(hit && card.contains(hit)), hit: hit?.outerHTML.slice(0, 120), scrollY };
      });
  // The page brings the run into view once it has laid it out: wait for that (up to 10 s), then judge.
  const shown = (r) => r.top >= 0 && r.top < r.innerHeight && r.uncovered;
  let newRun = await sampleNewRun();
  for (const until = Date.now() + 10_000; !shown(newRun) && Date.now() < until; newRun = await sampleNewRun()) await panel.waitForTimeout(100);
  await wb.screenshot(path.join(SHOTS, 'narrow-new-run.png'));
  assert.ok(newRun.top >= 0 && newRun.top < newRun.innerHeight, `the new run is in view (top ${newRun.top} of ${newRun.innerHeight})`);
  assert.ok(newRun.uncovered, `the new run is not under the actions bar: ${JSON.stringify(newRun)}`);
  panel = await panelWhere(async (f) => (await f.locator('.run').first().getAttribute('data-status')) !== 'running');
  assert.equal(await panel.locator('.run').first().getAttribute('data-status'), 'done', await panel.locator('.run').first().innerText());

  // The toolbar: hidden until hover or focus.
  const tile = panel.locator('.run').first().locator('figure.image').first();
  const toolbarOpacity = () => tile.locator('.image-toolbar').evaluate((el) => getComputedStyle(el).opacity);
  await wb.page.mouse.move(0, 0);
  await panel.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  assert.equal(await toolbarOpacity(), '0');
  await tile.locator('.thumb').hover();
  assert.equal(await toolbarOpacity(), '1');
  assert.equal(await tile.getByRole('button').count(), 3, 'three buttons per image: Insert, Copy link, More actions…');
  await wb.screenshot(path.join(SHOTS, 'narrow-toolbar.png'));
  await wb.page.mouse.move(0, 0);

  // The "…" menu by keyboard: opens on Enter with focus on its first item, arrows move, Escape closes back to its button.
  const more = tile.getByRole('button', { name: 'More actions…' });
  await more.focus();
  assert.equal(await toolbarOpacity(), '1', 'the toolbar shows for keyboard focus');
  await wb.page.keyboard.press('Enter');
  const menu = panel.getByRole('menu');
  await menu.waitFor();
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  const items = await menu.getByRole('menuitem').evaluateAll((els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(items.slice(0, 3), ['Open', 'Reveal in Explorer', 'Vary new seed']);
  assert.match(items[3] ?? '', /^Regenerate seed \d+$/);
  assert.equal(items.length, 4);
  assert.equal(await panel.evaluate(() => document.activeElement?.textContent?.trim()), 'Open');
  await wb.page.keyboard.press('End');
  assert.match(await panel.evaluate(() => document.activeElement?.textContent ?? ''), /^Regenerate/);
  await wb.page.keyboard.press('ArrowDown');
  assert.equal(await panel.evaluate(() => document.activeElement?.textContent?.trim()), 'Open', 'the arrows go round');
  await wb.screenshot(path.join(SHOTS, 'narrow-menu.png'));
  await wb.page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  assert.equal(await panel.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'More actions…', 'focus is back on the button');

  // Regenerate from the menu: the same seed, so the file name gets -2, and the -2 stays visible.
  const firstName = await tile.locator('.name').getAttribute('title');
  await wb.page.keyboard.press('Enter');
  await menu.waitFor();
  await wb.page.keyboard.press('End');
  const runs = await panel.locator('.run').count();
  await wb.page.keyboard.press('Enter');
  panel = await panelWhere(
    async (f) => (await f.locator('.run.done').count()) >= runs + 1 && (await f.locator('.run').first().getAttribute('data-status')) === 'done',
  );
  const second = panel.locator('.run').first().locator('figure.image').first();
  const secondName = await second.locator('.name').getAttribute('title');
  assert.equal(secondName, firstName.replace(/(\.\w+)$/, '-2$1'), 'the same seed, so the next free name');
  const nameBox = await second.locator('.name').evaluate((n) => {
    const head = n.querySelector('.name-head');
    const tail = n.querySelector('.name-tail');
    const nr = n.getBoundingClientRect();
    const tr = tail.getBoundingClientRect();
    return { tail: tail.textContent, tailInside: tr.left >= nr.left - 0.5 && tr.right <= nr.right + 0.5, headCut: head.scrollWidth > head.clientWidth };
  });
  assert.match(nameBox.tail, /-2\.\w+$/);
  assert.ok(nameBox.tailInside, 'the tail (-2 and the extension) is whole on screen');
  assert.ok(nameBox.headCut, 'this long name is cut in its middle (the head has the ellipsis)');

  // Insert: the confirmation appears beside that image, not under Generate.
  await second.locator('.thumb').hover();
  await second.getByRole('button', { name: 'Insert', exact: true }).click();
  const status = second.locator('.image-status');
  await status.filter({ hasText: 'Inserted a link to' }).waitFor();
  assert.equal(await status.innerText(), `Inserted a link to ${secondName} into notes.md.`);
  assert.equal(await panel.locator('#notice').innerText(), '', 'not in the notice under Generate');
  const near = await second.evaluate((fig) => {
    const b = fig.querySelector('button.insert').getBoundingClientRect();
    const s = fig.querySelector('.image-status').getBoundingClientRect();
    const f = fig.getBoundingClientRect();
    return {
      inFigure: s.top >= f.top && s.bottom <= f.bottom + 0.5,
      // Just under the button: no more than a button's height between them, and across from it.
      under: s.top >= b.bottom - 0.5 && s.top - b.bottom <= b.height && s.left <= b.right && s.right >= b.left,
      inView: s.top >= 0 && s.bottom <= innerHeight,
    };
  });
  assert.deepEqual(near, { inFigure: true, under: true, inView: true });
  await wb.screenshot(path.join(SHOTS, 'narrow-inserted.png'));
  // And the other images' lines say nothing.
  assert.equal(await panel.locator('.image-status:not(:empty)').count(), 1);
});
