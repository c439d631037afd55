// Drives the real VS Code workbench as a person would: code-server (VS Code 1.96.4) with this
// extension under development, headless Chromium through playwright-core, the fake Flux API on
// loopback. For end-to-end tests and screenshots; not part of `npm test`.
//
//   import { startWorkbench } from './workbench.mjs';
//   const wb = await startWorkbench({ theme: 'Default Light Modern' });
//   try {
//     await wb.openFile('notes.md');
//     await wb.runCommand('Flux: Open Image Generator');
//     const panel = await wb.webview('Flux Image Generator');
//     await panel.getByLabel('Prompt').fill('A lighthouse at dawn');
//     await wb.screenshot('/tmp/shot.png');
//   } finally {
//     await wb.stop();
//   }
//
// Everything started (fake API, code-server and its children, Chromium, the throwaway folders) is
// stopped and removed by stop(), also when start-up fails half-way.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startCodeServer } from '../host/code-server-host.mjs';
import { reportCanaryIn } from '../host/canary.mjs';
import { startFakeApi } from '../host/integration.mjs';
import { prepareLocale } from '../host/language-pack.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Start everything and open the workbench on a copy of a fixture.
 *
 * @param {object} [opts]
 * @param {string} [opts.fixture='workspace']   a folder under test/fixtures, copied to a throwaway place
 * @param {string} [opts.theme='Default Dark Modern']  e.g. 'Default Light Modern', 'Default High Contrast'
 * @param {Record<string, unknown>} [opts.settings]  more user settings (merged over the defaults here)
 * @param {Record<string, string>|false} [opts.keys]  API keys as environment variables (default: test keys
 *        for both providers); false for none, to see the "no key" paths
 * @param {{ width: number, height: number }} [opts.viewport={ width: 1400, height: 900 }]
 * @param {boolean} [opts.headless=true]
 * @param {boolean} [opts.verbose=false]  print code-server's output and the browser console
 * @param {string|null} [opts.extensionDevelopmentPath=ROOT]  the extension under development; null to
 *        run only the installed extensions (e.g. the packaged .vsix, installed into `extensionsDir`)
 * @param {string} [opts.extensionsDir]  installed extensions (default: an empty throwaway folder)
 * @param {string} [opts.locale]  VS Code's display language, e.g. 'de' (a language pack for it is
 *        installed first: ../host/language-pack.mjs); default English
 * @returns {Promise<Workbench>}
 */
export async function startWorkbench(opts = {}) {
  const {
    fixture = 'workspace',
    theme = 'Default Dark Modern',
    settings = {},
    keys,
    viewport = { width: 1400, height: 900 },
    headless = true,
    verbose = false,
    extensionDevelopmentPath = ROOT,
    extensionsDir,
    locale,
  } = opts;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-e2e-'));
  const workspace = path.join(tmp, 'ws');
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', fixture), workspace, { recursive: true });
  const userDataDir = path.join(tmp, 'user-data');
  /** An error of the canary search: it must fail the run, not vanish among best-effort cleanups. */
  let searchFailed;
  const cleanups = [
    () => fs.rmSync(tmp, { recursive: true, force: true }),
    // VS Code's state, logs and the workspace must not hold the key (checked before they go).
    () => {
      try {
        if (fs.existsSync(userDataDir)) reportCanaryIn([userDataDir, workspace], 'end-to-end files');
      } catch (e) {
        searchFailed = e;
      }
    },
  ];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        /* best effort: stopping servers and browsers that may already be gone */
      }
    }
    if (searchFailed) throw searchFailed;
  };
  try {
    const api = await startFakeApi();
    cleanups.push(() => api.stop());
    const userSettings = {
      'fluxStudio.aimlapi.baseUrl': api.url,
      'fluxStudio.apiframe.baseUrl': api.url,
      'workbench.colorTheme': theme,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': false,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'window.commandCenter': false,
      ...settings,
    };
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    const settingsFile = path.join(userDataDir, 'User', 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify(userSettings, null, 2));
    // The base URLs are machine-scoped: a remote window (code-server) reads them from its Machine
    // settings once the workbench has written the User settings itself (a theme switch does), so
    // they go there too, as `npm run demo` does; otherwise a generation after setTheme() goes to
    // the real provider's host.
    fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
    const baseUrls = Object.fromEntries(Object.entries(userSettings).filter(([k]) => /^fluxStudio\.\w+\.baseUrl$/.test(k)));
    fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(baseUrls, null, 2));

    // Under test/host/canary.mjs the keys are its canary, searched for in everything kept (see stop).
    const testKey = process.env.FLUX_TEST_KEY;
    const keyEnv = keys === false ? {} : (keys ?? { AIMLAPI_API_KEY: testKey ?? 'e2e-key-aiml', APIFRAME_API_KEY: testKey ?? 'e2e-key-apiframe' });
    if (locale) await prepareLocale({ locale, userDataDir, extensionsDir: extensionsDir ?? path.join(tmp, 'extensions') });
    const server = await startCodeServer({
      userDataDir,
      extensionsDir: extensionsDir ?? path.join(tmp, 'extensions'),
      args: locale ? ['--locale', locale] : [],
      env: { ...keyEnv, ...(keys === false ? { AIMLAPI_API_KEY: '', APIFRAME_API_KEY: '' } : {}) },
      onOutput: verbose ? (l) => process.stderr.write(`[code-server] ${l}\n`) : undefined,
    });
    cleanups.push(() => server.stop());
    const browser = await launchChromium({ headless });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport });
    // The clipboard, for "Copy link" and "Copy as cURL".
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    if (verbose) page.on('console', (m) => process.stderr.write(`[browser] ${m.text()}\n`));
    const payload = [
      ...(extensionDevelopmentPath ? [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${extensionDevelopmentPath}`]] : []),
      ['skipWelcome', 'true'],
    ];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The extension activates on start-up finished; wait until the explorer shows the folder.
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    // The extension is up once its status bar item (fluxStudio.defaults, shown at activation) is.
    await page.locator(STATUS_ITEM).first().waitFor({ state: 'attached', timeout: 60_000 });
    return new Workbench({ page, browser, server, api, workspace, userDataDir, settingsFile, userSettings, stop });
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The extension's status bar item (its id ends in the item's own id, whatever the display language). */
export const STATUS_ITEM = '.statusbar-item[id$="fluxStudio.defaults"]';

/** Built-in theme ids (as in settings) and their labels in the theme picker. */
export const THEME_LABELS = {
  'Default Dark Modern': 'Dark Modern',
  'Default Light Modern': 'Light Modern',
  'Default Dark+': 'Dark+',
  'Default Light+': 'Light+',
  'Default High Contrast': 'Dark High Contrast',
  'Default High Contrast Light': 'Light High Contrast',
};

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Workbench {
  constructor({ page, browser, server, api, workspace, userDataDir, settingsFile, userSettings, stop }) {
    /** @type {import('playwright-core').Page} */
    this.page = page;
    this.browser = browser;
    this.server = server;
    /** The fake Flux API: `{ url, stop }`; drive it with `control()`. */
    this.api = api;
    /** The workspace folder (a throwaway copy of the fixture). */
    this.workspace = workspace;
    this.userDataDir = userDataDir;
    this.settingsFile = settingsFile;
    this.userSettings = userSettings;
    this.stop = stop;
  }

  /** POST (or GET without a body) the fake API's control endpoints: reset, fault, job-duration, requests, jobs. */
  async control(what, body) {
    const res = await fetch(
      `${this.api.url}/__control/${what}`,
      body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    if (!res.ok) throw new Error(`control ${what}: HTTP ${res.status}`);
    return res.json();
  }

  /**
   * Rewrite user settings while VS Code runs. VS Code notices the file change a moment later: pass
   * `until`, a check of what the change shows, to wait for it (for the theme, prefer setTheme).
   */
  async setUserSettings(patch, until) {
    Object.assign(this.userSettings, patch);
    fs.writeFileSync(this.settingsFile, JSON.stringify(this.userSettings, null, 2));
    if (until) await this.waitUntil('the settings change to show', until);
  }

  /** Poll `check` (an async predicate) until it holds; a condition, never a guessed pause. */
  async waitUntil(what, check, { timeout = 20_000 } = {}) {
    const end = Date.now() + timeout;
    while (!(await check().catch(() => false))) {
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Switch the colour theme as a person would (Preferences: Color Theme). Takes the theme's id as in
   * settings ('Default Light Modern') or its label in the picker ('Light Modern').
   */
  async setTheme(theme) {
    const { page } = this;
    const label = THEME_LABELS[theme] ?? theme;
    await this.runCommand('Preferences: Color Theme');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await page.keyboard.type(label);
    const exact = new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`);
    // The picker previews the focused theme; Enter keeps it.
    await page
      .locator('.quick-input-widget .monaco-list-row.focused', { has: page.locator('.label-name', { hasText: exact }) })
      .first()
      .waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget input.input').waitFor({ state: 'hidden' });
    // The workbench carries the theme's kind as a class once the theme is applied.
    // 'Light High Contrast' (the picker's label) and 'High Contrast Light' (the id) are both hc-light.
    const hc = /High Contrast/.test(label);
    const light = /Light/.test(label);
    const kind = hc ? (light ? 'hc-light' : 'hc-black') : light ? 'vs' : 'vs-dark';
    await page.locator(`.monaco-workbench.${kind}`).first().waitFor({ timeout: 10_000 });
  }

  /** Pick a row of the open quick pick by its exact label (a loaded machine can take a while to list it). */
  async pickRow(label) {
    const { page } = this;
    const row = page
      .locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
      .first();
    try {
      await row.waitFor({ state: 'visible', timeout: 20_000 });
    } catch (e) {
      // Say what was there instead, in words and in a picture (CI keeps no other trace).
      const shown = await page
        .locator('.quick-input-widget .monaco-list-row .label-name')
        .allInnerTexts()
        .catch(() => []);
      const title = await page
        .locator('.quick-input-widget .quick-input-title')
        .innerText({ timeout: 1_000 })
        .catch(() => '(no quick input)');
      const shot = path.join(ROOT, 'test-results', 'failures', `pick-${label.replace(/[^\w.-]+/g, '_')}.png`);
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot }).catch(() => undefined);
      throw new Error(`no row "${label}" in the quick pick "${title}"; rows shown: ${JSON.stringify(shown)} (screenshot: ${path.relative(ROOT, shot)})`, {
        cause: e,
      });
    }
    await row.click();
  }

  /**
   * Choose an item of the open context menu by its exact label. A menu still being laid out (an
   * extension's item arriving a moment after it opened) can drop a click: the menu stays open with
   * the item highlighted, so a menu still open after the click is clicked again.
   */
  async chooseMenuItem(label) {
    const { page } = this;
    const item = page.locator('.context-view .action-label', { hasText: new RegExp(`^${escapeRegExp(label)}$`) });
    const menu = page.locator('.context-view .monaco-menu');
    for (let attempt = 1; ; attempt++) {
      await item.waitFor({ state: 'visible' });
      await item.click();
      const closed = await menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(
        () => true,
        () => false,
      );
      if (closed) return;
      if (attempt >= 3) throw new Error(`the context menu stayed open after choosing "${label}" ${attempt} times`);
    }
  }

  /** Run a command from the palette by its exact title, e.g. 'Flux: Open Image Generator'. */
  async runCommand(title) {
    const { page } = this;
    // The row whose label is exactly the title (others may only contain it).
    const exact = new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`);
    const row = page.locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) }).first();
    // The palette lists what the workbench knows when it opens: on a loaded machine an extension's
    // contributed commands can arrive after that, so a palette that lacks the row is opened again.
    for (let attempt = 1; ; attempt++) {
      const input = page.locator('.quick-input-widget input.input');
      // A webview that has the focus (a page just opened, just re-themed) can keep F1 to itself, or
      // take the focus back and close the palette just opened: then focus the workbench's title bar,
      // outside every webview, and open it again.
      if (attempt > 1) {
        await page.keyboard.press('Escape');
        await page
          .locator('.part.titlebar')
          .first()
          .click({ position: { x: 10, y: 10 } });
      }
      await page.keyboard.press('F1');
      const opened = await input
        .waitFor({ state: 'visible', timeout: 5_000 })
        .then(() => input.fill(`>${title}`, { timeout: 5_000 }))
        .then(
          () => true,
          (e) => {
            if (attempt >= 4) throw e;
            return false;
          },
        );
      if (!opened) continue;
      // Shown, then clicked: a webview taking the focus back can close the palette between the two
      // (seen in CI in the light-theme test), and then it is opened again.
      const taken = await row
        .waitFor({ state: 'visible', timeout: 10_000 })
        .then(() => row.click({ timeout: 5_000 }))
        .then(
          () => true,
          (e) => {
            if (attempt >= 4) throw e;
            return false;
          },
        );
      if (taken) break;
    }
    // The command has been taken once the palette is gone or shows something else (a command that
    // asks a question opens its own quick pick in the same widget).
    await page.waitForFunction(
      (typed) => {
        const input = document.querySelector('.quick-input-widget input.input');
        return !input || !input.checkVisibility() || input.value !== typed;
      },
      `>${title}`,
      { timeout: 10_000 },
    );
  }

  /** Open a workspace file with Quick Open, then put the cursor in its editor. */
  async openFile(relativePath) {
    const { page } = this;
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    // Wait for the file's own row (recently opened files show first, before the search answers).
    const name = path.basename(relativePath);
    const row = page
      .locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }) })
      .first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
    // Open once its tab is the active one and its editor shows text.
    await page.locator(`.editor-group-container.active .tab.active[data-resource-name="${name}"]`).first().waitFor({ timeout: 10_000 });
    await page.locator('.editor-group-container.active .monaco-editor .view-line').first().waitFor({ timeout: 10_000 });
  }

  /** Select the first occurrence of `text` in the active editor (through Find, as a person would). */
  async selectText(text) {
    const { page } = this;
    await this.focusEditor();
    await page.keyboard.press('Control+F');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape'); // closes Find, keeping the match selected
    // Selected once the editor draws a selection and Find is closed.
    await page.locator('.editor-group-container.active .monaco-editor .selected-text').first().waitFor({ timeout: 10_000 });
    const find = page.locator('.editor-group-container.active .find-widget.visible');
    for (let attempt = 1; ; attempt++) {
      const closed = await find.waitFor({ state: 'hidden', timeout: 3_000 }).then(
        () => true,
        (e) => {
          if (attempt >= 3) throw e;
          return false;
        },
      );
      if (closed) break;
      // The Escape went elsewhere (a notification took the focus): close Find from its own input.
      await find.locator('textarea, input').first().focus();
      await page.keyboard.press('Escape');
    }
  }

  /** Focus the active text editor. */
  async focusEditor() {
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  }

  /**
   * The visible text of an editor: the one showing `fileName` (e.g. 'notes.md') when given, else
   * the active group's. Monaco renders only the lines in view (all of a short fixture); empty lines
   * come out as nothing and word wrap splits long lines, so compare without newlines.
   */
  async editorText(fileName) {
    const group = fileName
      ? this.page.locator('.editor-group-container', { has: this.page.locator(`.tab.active[data-resource-name="${fileName}"]`) })
      : this.page.locator('.editor-group-container.active');
    return (await group.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
  }

  /** A file in the workspace, read from disk. */
  readFile(relativePath) {
    return fs.readFileSync(path.join(this.workspace, relativePath), 'utf8');
  }

  listFiles(relativeDir) {
    try {
      return fs.readdirSync(path.join(this.workspace, relativeDir)).sort();
    } catch {
      return [];
    }
  }

  /**
   * The frame with a webview's content, found by the page's <title> (e.g. 'Flux Image Generator').
   * Each webview is an `iframe.webview` holding `iframe#active-frame`; the content frame is recreated
   * whenever the page reloads (hidden and shown, new resource roots), so ask again after those.
   * @returns {Promise<import('playwright-core').Frame>}
   */
  async webview(title, { timeout = 20_000 } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
      for (const f of this.page.frames()) {
        if (f.isDetached()) continue;
        try {
          if ((await f.title()) === title && (await f.locator('#app').count()) > 0) return f;
        } catch {
          /* a frame going away */
        }
      }
      if (Date.now() > end) throw new Error(`no webview titled "${title}" within ${timeout} ms`);
      await new Promise((r) => setTimeout(r, 200)); // polling the frames until the condition holds
    }
  }

  /** The notifications shown now (their message texts). */
  async notifications() {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  async screenshot(file, opts = {}) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file, ...opts });
    return file;
  }
}
