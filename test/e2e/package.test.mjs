// The packaged artefact: `npm run package` makes a .vsix holding only what runs, small; installed
// with `code-server --install-extension` into a real VS Code (1.96.4, no extension development
// path), its commands work against the fake Flux API, driven in the workbench as a person would.
//
//   npm run test:e2e   (part of npm test)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { installVsix, packageVsix, PROBES, readZipEntries, readZipFile, ROOT, VSIX_BUDGET_BYTES, vsixProblems } from '../host/package-vsix.mjs';
import { startWorkbench } from './workbench.mjs';

/** @type {string} */
let tmp;
/** @type {{ file: string, bytes: number, seconds: number }} */
let vsix;
/** @type {import('./workbench.mjs').Workbench | undefined} */
let wb;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-package-test-'));
  vsix = await packageVsix({ outDir: tmp });
});
after(async () => {
  await wb?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every file under dir, relative, with forward slashes. */
function filesUnder(dir, prefix = '') {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]));
}

test('npm run package: only the bundles, media, license and docs; production builds; under 1 MB', (t) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(path.basename(vsix.file), `${pkg.name}-${pkg.version}.vsix`);
  const entries = readZipEntries(vsix.file);
  const names = entries.map((e) => e.name);
  t.diagnostic(`${path.basename(vsix.file)}: ${(vsix.bytes / 1024).toFixed(1)} KB, ${entries.length} entries, packaged in ${vsix.seconds.toFixed(1)} s`);
  t.diagnostic(entries.map((e) => `${e.name} ${e.size}`).join(', '));
  assert.deepEqual(vsixProblems(entries, vsix.bytes), [], 'the .vsix holds only what runs');
  assert.ok(vsix.bytes <= VSIX_BUDGET_BYTES);
  for (const probe of PROBES) assert.ok(!names.some((n) => n.endsWith(`/${path.basename(probe)}`)), `${probe} stays out`);

  // Production bundles: minified, no source map references.
  for (const name of names.filter((n) => n.endsWith('.js'))) {
    const js = readZipFile(vsix.file, name).toString('utf8');
    assert.doesNotMatch(js, /sourceMappingURL/, `${name} refers to a source map`);
  }
  const extensionJs = readZipFile(vsix.file, 'extension/dist/extension.js').toString('utf8');
  assert.ok(extensionJs.split('\n').length < 50, 'extension.js is minified');

  // The manifest the Marketplace reads: icon, categories, repository links.
  const manifest = readZipFile(vsix.file, 'extension.vsixmanifest').toString('utf8');
  assert.match(manifest, /<Icon>extension\/media\/icon\.png<\/Icon>/);
  assert.match(manifest, new RegExp(`<Identity [^>]*Version="${pkg.version.replaceAll('.', '\\.')}"`));
  assert.match(manifest, /<Categories>[^<]*Visualization[^<]*<\/Categories>/);
  assert.match(manifest, /Id="Microsoft\.VisualStudio\.Services\.Links\.Source" Value="https:\/\/github\.com\//);
  const icon = readZipFile(vsix.file, 'extension/media/icon.png');
  assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
  assert.ok([128, 256].includes(icon.readUInt32BE(16)) && icon.readUInt32BE(16) === icon.readUInt32BE(20), 'a square 128 or 256 px icon');

  // The README's images point somewhere that exists outside the .vsix (the screenshots are not in it).
  const readme = readZipFile(vsix.file, 'extension/readme.md').toString('utf8');
  const relativeImages = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]).filter((u) => !/^https:\/\//.test(u));
  assert.deepEqual(relativeImages, [], 'README images are absolute links');
});

test('the .vsix installs into real VS Code; Generate Image from Selection and the gallery work against the fake API', async (t) => {
  const started = Date.now();
  const extensionsDir = path.join(tmp, 'extensions');
  const installed = await installVsix(vsix.file, { extensionsDir });
  // What is installed is exactly what was packaged: no sources, tests, maps or dependencies.
  const packaged = readZipEntries(vsix.file)
    .map((e) => e.name)
    .filter((n) => n.startsWith('extension/'))
    .map((n) => n.slice('extension/'.length));
  const onDisk = filesUnder(installed).filter((f) => f !== '.vsixmanifest');
  assert.deepEqual(onDisk.sort(), packaged.sort());
  assert.ok(!fs.existsSync(path.join(installed, 'src')) && !fs.existsSync(path.join(installed, 'node_modules')));

  // No extensionDevelopmentPath: VS Code runs only what is in the extensions folder.
  wb = await startWorkbench({ extensionDevelopmentPath: null, extensionsDir, settings: { 'fluxStudio.defaultSize': '512x384', 'files.autoSave': 'off' } });
  assert.doesNotMatch(await wb.page.title(), /Extension Development Host/);
  try {
    await wb.openFile('notes.md');
    await wb.selectText('A lighthouse at dawn');
    await wb.runCommand('Flux: Generate Image from Selection');
    const saved = () => wb.listFiles('assets').filter((f) => !f.startsWith('.') && !f.endsWith('.partial'));
    await wb.waitUntil('the image to be saved', async () => saved().length > 0, { timeout: 30_000 });
    const [file] = saved();
    assert.match(file ?? '(none)', /^a-lighthouse-at-dawn-\d+\.jpg$/);
    const bytes = fs.readFileSync(path.join(wb.workspace, 'assets', file));
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');

    // The request reached the fake API with the selection as the prompt and the environment's key.
    const requests = await wb.control('requests');
    const generation = requests.find((r) => r.method === 'POST' && r.path === '/v1/images/generations');
    assert.ok(generation, `a generation request: ${requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    assert.equal(generation.body.prompt, 'A lighthouse at dawn');
    // The key the workbench was given (the canary under npm test); compared without printing it.
    assert.ok(generation.headers.authorization === `Bearer ${process.env.FLUX_TEST_KEY ?? 'e2e-key-aiml'}`, 'the request carried the key from the environment');

    // The link, in the saved document, right after the selected line.
    await wb.waitUntil('the link in the editor', async () => (await wb.editorText('notes.md')).includes(`assets/${file}`));
    await wb.focusEditor();
    await wb.page.keyboard.press('Control+S');
    await wb.page.locator('.tab.active[data-resource-name="notes.md"]:not(.dirty)').first().waitFor({ timeout: 10_000 });
    assert.equal(wb.readFile('notes.md'), `# Field notes\n\nA lighthouse at dawn\n\n![A lighthouse at dawn](assets/${file})\n\nThe end.\n`);

    // The gallery shows it; its page script is served from the installed extension's folder.
    await wb.runCommand('Flux: Show Gallery');
    let gallery;
    // The gallery's cards: the items of its list of images, found by role (not by the page's classes).
    const cards = (f) => f.getByLabel('Generated images, newest first', { exact: true }).locator('[role="option"], [role="listitem"]');
    await wb.waitUntil(
      'the gallery to show the image',
      async () => {
        gallery = await wb.webview('Flux Gallery', { timeout: 2_000 }).catch(() => undefined);
        return gallery !== undefined && (await cards(gallery).count()) === 1;
      },
      { timeout: 30_000 },
    );
    const card = cards(gallery).first();
    assert.match((await card.getAttribute('aria-label')) ?? '', /A lighthouse at dawn/);
    assert.match(await card.innerText(), /512×384/);
    const scripts = await gallery.locator('script[src]').evaluateAll((els) => els.map((e) => e.getAttribute('src')));
    assert.ok(
      scripts.some((s) => s.includes(`/${path.basename(installed)}/dist/ui/gallery.js`)),
      `the gallery's script comes from ${path.basename(installed)}: ${scripts.join(', ')}`,
    );
  } catch (err) {
    // What the workbench showed, for the report.
    const shot = await wb.screenshot(path.join(ROOT, 'test-results', 'package-test-failure.png')).catch(() => 'none');
    t.diagnostic(`notifications: ${JSON.stringify(await wb.notifications().catch(() => []))}; screenshot: ${shot}`);
    throw err;
  }
  t.diagnostic(`install, start and use: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('the content check refuses maps, sources, tests, dependencies, strays, missing bundles and an oversized .vsix', () => {
  const good = readZipEntries(vsix.file);
  const plus = (name) => [...good, { name, size: 1, compressedSize: 1 }];
  for (const stray of [
    'extension/dist/extension.js.map',
    'extension/src/extension.ts',
    'extension/test/unit/x.test.ts',
    'extension/node_modules/zod/index.js',
    'extension/out/test/index.js',
    'extension/media/screenshots/panel-dark.png',
    'extension/esbuild.mjs',
    'extension/tsconfig.json',
  ]) {
    assert.equal(vsixProblems(plus(stray), vsix.bytes).length, 1, stray);
  }
  assert.match(
    vsixProblems(
      good.filter((e) => e.name !== 'extension/dist/main.js'),
      vsix.bytes,
    ).join(),
    /missing: extension\/dist\/main\.js/,
  );
  assert.match(vsixProblems(good, VSIX_BUDGET_BYTES + 1).join(), /over the budget/);
});
