/**
 * Translations: every user-facing text goes through `t()` / `vscode.l10n.t()` (sources) or a
 * `%key%` of package.nls.json (the manifest), every key exists in English and German with the same
 * placeholders, and nothing is left over. The check itself is tested too: it must find an
 * untranslated message when there is one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, setTranslator, bundleTranslator, t } from '../../src/core/l10n';
import { validateRequest } from '../../src/core/request';
import { checkSide } from '../../src/core/sizes';
import { findModel } from '../../src/core/catalog';
import { catalogKeys, englishBundle, L10N_DIR, LET_BE, placeholders, readJson, ROOT, scanAll, scanSource } from '../l10n/strings';

const scan = scanAll();
const where = (list: readonly { file: string; line: number; text: string; why: string }[]) =>
  list.map((u) => `  ${u.file}:${u.line} ${JSON.stringify(u.text)} (${u.why})`).join('\n');

const en = readJson(join(L10N_DIR, 'bundle.l10n.json')) as Record<string, string>;
const de = readJson(join(L10N_DIR, 'bundle.l10n.de.json')) as Record<string, string>;

/** Words German uses as they are (as VS Code's German and German AI tools do). */
const SAME_IN_GERMAN = new Set(['Prompt', 'Seed']);

/** What is left of a text without placeholders, names that stay, codicons and punctuation. */
const words = (s: string) =>
  s
    .replace(/\{\d+\}/g, '')
    .replace(/\b(Flux Image Studio|FLUX[\d.]*|Flux|AIML API|apiframe|VS Code)\b/g, '')
    .replace(/\$\([a-z-]+\)/g, '')
    .replace(/[^\p{L}]+/gu, ' ')
    .trim();

test('every user-facing text in the sources goes through t() or vscode.l10n.t()', () => {
  assert.equal(scan.untranslated.length, 0, `untranslated text (wrap it in t() / vscode.l10n.t(), then npm run l10n):\n${where(scan.untranslated)}`);
  assert.equal(scan.badCalls.length, 0, `translation calls that cannot be translated:\n${where(scan.badCalls)}`);
});

test('l10n/bundle.l10n.json has exactly the messages of the code and the catalog (npm run l10n)', () => {
  const want = englishBundle(scan);
  const missing = Object.keys(want).filter((k) => !Object.hasOwn(en, k));
  const extra = Object.keys(en).filter((k) => !Object.hasOwn(want, k));
  assert.deepEqual(missing, [], 'messages missing from l10n/bundle.l10n.json');
  assert.deepEqual(extra, [], 'messages in l10n/bundle.l10n.json that the code no longer uses');
  for (const [k, v] of Object.entries(en)) assert.equal(v, k, 'the English bundle maps each message to itself');
  for (const k of catalogKeys()) assert.ok(Object.hasOwn(en, k), `catalog text ${JSON.stringify(k)}`);
});

test('German: every message translated, same placeholders, nothing left over', () => {
  const missing = Object.keys(en).filter((k) => !Object.hasOwn(de, k));
  const extra = Object.keys(de).filter((k) => !Object.hasOwn(en, k));
  assert.deepEqual(missing, [], 'messages missing from l10n/bundle.l10n.de.json');
  assert.deepEqual(extra, [], 'left-over messages in l10n/bundle.l10n.de.json');
  for (const [k, v] of Object.entries(de)) {
    assert.equal(typeof v, 'string', k);
    assert.ok(v.trim(), `empty translation of ${JSON.stringify(k)}`);
    assert.deepEqual(placeholders(v), placeholders(k), `placeholders of ${JSON.stringify(k)} → ${JSON.stringify(v)}`);
    // Only a text without words of its own ("Flux: {0}", "{0} · {1}") may stay as it is.
    if (words(k) && !SAME_IN_GERMAN.has(k)) assert.notEqual(v, k, `not translated: ${JSON.stringify(k)}`);
    assert.doesNotMatch(v, /\b(Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer)\b/, `VS Code's German does not say "Sie": ${JSON.stringify(v)}`);
  }
});

test('the check finds untranslated text and broken calls (it can fail)', () => {
  const bad = scanSource(
    'src/host/example.ts',
    [
      "import * as vscode from 'vscode';",
      "void vscode.window.showInformationMessage('The image was saved.');",
      'void s.ui.warn(`Saved ${name} in the assets folder.`);',
      "const item = { label: 'Open the gallery', command: 'fluxStudio.showGallery' };",
      "el.textContent = 'No images yet';",
      "el.setAttribute('aria-label', 'Close the panel');",
      "const why = 'The provider refused the request, try again later.';",
      'vscode.l10n.t(`Saved ${name}`);',
      "vscode.l10n.t('Saved {0} of {1}', done);",
    ].join('\n'),
  );
  assert.deepEqual(
    bad.untranslated.map((u) => u.text),
    [
      'The image was saved.',
      'Saved {} in the assets folder.',
      'Open the gallery',
      'No images yet',
      'Close the panel',
      'The provider refused the request, try again later.',
    ],
  );
  assert.equal(bad.badCalls.length, 2);
  const good = scanSource(
    'src/host/example.ts',
    [
      "import * as vscode from 'vscode';",
      "void vscode.window.showInformationMessage(vscode.l10n.t('The image was saved.'));",
      "void s.ui.warn(vscode.l10n.t('Saved {0} in the assets folder.', name));",
      's.log.info(`Saved ${name} in the assets folder in ${ms} ms.`);',
      "const item = { label: vscode.l10n.t('Open the gallery'), command: 'fluxStudio.showGallery', class: 'secondary small icon' };",
      "throw new Error('the queue was closed while a write was pending');",
    ].join('\n'),
  );
  assert.deepEqual(good.untranslated, []);
  assert.deepEqual(good.badCalls, []);
  assert.deepEqual([...good.keys.keys()].sort(), ['Open the gallery', 'Saved {0} in the assets folder.', 'The image was saved.']);
});

test('each text the check lets be is still there (the list stays honest)', () => {
  for (const x of LET_BE) assert.ok(readFileSync(join(ROOT, x.file), 'utf8').includes(`'${x.text}'`), `${x.file}: ${x.text}`);
});

/** package.json's contributions (and capabilities) that a person reads. */
function manifestTexts(): { path: string; value: string }[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const out: { path: string; value: string }[] = [];
  const TEXT = new Set([
    'title',
    'category',
    'description',
    'displayName',
    'userDescription',
    'markdownDescription',
    'patternErrorMessage',
    'markdownDeprecationMessage',
    'deprecationMessage',
    'name',
    'contextualTitle',
    'altText',
    'label',
    'shortTitle',
  ]);
  const walk = (v: unknown, path: string, key: string): void => {
    if (typeof v === 'string') {
      if (TEXT.has(key) || key === 'enumDescriptions' || key === 'markdownEnumDescriptions') out.push({ path, value: v });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`, k);
  };
  walk(pkg.contributes, 'contributes', 'contributes');
  // The workspace-trust and virtual-workspace explanations VS Code shows.
  walk(pkg.capabilities, 'capabilities', 'capabilities');
  // Ids and file paths under those names are not text.
  return out.filter(
    (x) => !/\.(views\.[\w.]+\[\d+\]\.id|icon|languageModelTools\[\d+\]\.name)$/.test(x.path) && !/\.steps\[\d+\]\.media\.(svg|image|markdown)$/.test(x.path),
  );
}

test('package.json: every text of contributes is a %key% of package.nls.json, in English and German', () => {
  const nls = readJson(join(ROOT, 'package.nls.json')) as Record<string, string>;
  const nlsDe = readJson(join(ROOT, 'package.nls.de.json')) as Record<string, string>;
  const texts = manifestTexts();
  assert.ok(texts.length > 50, `found ${texts.length} texts`);
  const raw = texts.filter((x) => !/^%[\w.-]+%$/.test(x.value));
  assert.deepEqual(raw, [], 'texts written into package.json instead of package.nls.json');
  const used = new Set(texts.map((x) => x.value.slice(1, -1)));
  for (const k of used) {
    assert.ok(Object.hasOwn(nls, k), `package.nls.json lacks ${k}`);
    assert.ok(Object.hasOwn(nlsDe, k), `package.nls.de.json lacks ${k}`);
  }
  assert.deepEqual(
    Object.keys(nls).filter((k) => !used.has(k)),
    [],
    'left-over keys in package.nls.json',
  );
  assert.deepEqual(
    Object.keys(nlsDe).filter((k) => !Object.hasOwn(nls, k)),
    [],
    'left-over keys in package.nls.de.json',
  );
  for (const [k, v] of Object.entries(nls)) {
    const g = nlsDe[k]!;
    assert.ok(g.trim(), k);
    assert.deepEqual(placeholders(g), placeholders(v), `${k}: placeholders`);
    // Setting links, code and commands survive translation.
    const keep = (s: string) => [...s.matchAll(/#fluxStudio\.[\w.]+#|`[^`]+`|\(command:[\w.]+\)|\$\{\w+\}/g)].map((m) => m[0]).sort();
    assert.deepEqual(keep(g), keep(v), `${k}: setting links, code, command links and variables`);
    if (words(v)) assert.notEqual(g, v, `${k} is not translated`);
    assert.doesNotMatch(g, /\b(Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer)\b/, `${k}: VS Code's German does not say "Sie"`);
  }
  assert.equal(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).l10n, './l10n');
  assert.ok(existsSync(join(L10N_DIR, 'bundle.l10n.json')));
});

test('the core translator hook: English by default, the translator once set, placeholders filled', () => {
  assert.equal(format('Width {0} of {1}; {2} stays', [1024, 'x']), 'Width 1024 of x; {2} stays');
  const model = findModel('aimlapi:flux-pro')!;
  const english = checkSide(model, 'Width', 1000);
  assert.equal(english, 'Width 1000 is not a multiple of 32 for flux-pro (256–1440). Nearest: 992 or 1024.');
  try {
    setTranslator(bundleTranslator(de));
    assert.equal(t('Generation cancelled.'), 'Generierung abgebrochen.');
    assert.equal(checkSide(model, 'Width', 1000), 'Die Breite 1000 ist für flux-pro kein Vielfaches von 32 (256–1440). Nächstgelegen: 992 oder 1024.');
    const v = validateRequest({ model: 'aimlapi:flux-pro', prompt: ' ', size: 'huge!' });
    assert.equal(v.ok, false);
    const messages = v.ok ? [] : v.problems.map((p) => p.message);
    assert.ok(messages.includes('Der Prompt ist leer. Beschreiben, was das Bild zeigen soll.'), messages.join('\n'));
    assert.ok(
      messages.some((m) => m.startsWith('"huge!" ist keine Größe.')),
      messages.join('\n'),
    );
    // Every German message of the engine comes from the bundle, none is left in English.
    for (const m of messages) assert.ok(!/ is not | offers /.test(m), m);
  } finally {
    setTranslator(undefined);
  }
  assert.equal(checkSide(model, 'Width', 1000), english, 'English again once the translator is gone');
});
