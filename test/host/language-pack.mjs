// Puts VS Code (code-server) into another display language for a test run, offline.
//
// VS Code runs the extension host in a language only when a language pack for it is installed: with
// `--locale de` alone it falls back to English, and `vscode.l10n` then loads no bundle of the
// extension's (nor package.nls.de.json). Microsoft's German language pack comes from the extension
// marketplace, which this machine cannot reach, so a minimal one is made here: a real language-pack
// extension (`contributes.localizations`) for the locale with an empty translation of VS Code's own
// strings. It is packaged with vsce and installed with `code-server --install-extension` like any
// extension; the workbench stays in English (nothing of it is translated), while the extension host
// runs in that language and loads the extension's own translations.
//
// The install through the CLI does not record the pack in `languagepacks.json` (the running server's
// language-pack service does that after installs made through it), so this writes the entry the
// service would write: the pack's id and version, their hash, and where its VS Code translation is.
//
//   await prepareLocale({ locale: 'de', userDataDir, extensionsDir });  // then start with --locale de

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, installVsix } from './package-vsix.mjs';

const PUBLISHER = 'flux-image-studio-tests';

/** Writes the language pack's folder for `locale`; returns its name. */
function writePack(dir, locale) {
  const name = `language-pack-${locale.toLowerCase()}`;
  fs.mkdirSync(path.join(dir, 'translations'), { recursive: true });
  const manifest = {
    name,
    displayName: `Language pack (${locale}) for tests`,
    description: `Makes ${locale} a display language VS Code can start in; translates none of VS Code's own strings.`,
    publisher: PUBLISHER,
    version: '1.0.0',
    license: 'MIT',
    engines: { vscode: '^1.90.0' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [
        { languageId: locale, languageName: locale, localizedLanguageName: locale, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] },
      ],
    },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  fs.writeFileSync(path.join(dir, 'README.md'), `A language pack for ${locale}, made by the extension's tests.\n`);
  fs.writeFileSync(path.join(dir, 'LICENSE.txt'), 'MIT\n');
  return name;
}

function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
}

/**
 * Installs a language pack for `locale` into `extensionsDir` and registers it in `userDataDir`'s
 * languagepacks.json. Start code-server with `--locale <locale>` afterwards.
 */
export async function prepareLocale({ locale, userDataDir, extensionsDir, signal }) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `flux-langpack-${locale}-`));
  try {
    const src = path.join(work, 'pack');
    const name = writePack(src, locale);
    const vsix = path.join(work, `${name}.vsix`);
    await run(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--allow-missing-repository', '--out', vsix], src);
    fs.mkdirSync(extensionsDir, { recursive: true });
    const dir = await installVsix(vsix, { extensionsDir, signal });
    const id = `${PUBLISHER}.${name}`;
    const entry = {
      hash: createHash('md5').update(id).update('1.0.0').digest('hex'),
      extensions: [{ extensionIdentifier: { id }, version: '1.0.0' }],
      translations: { vscode: path.join(dir, 'translations', 'main.i18n.json') },
      label: locale,
    };
    fs.mkdirSync(userDataDir, { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify({ [locale]: entry }));
    return dir;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
