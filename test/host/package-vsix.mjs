// Makes the extension's .vsix with `npm run package` and installs it into the cached code-server,
// for the packaged-artefact test and `npm run demo`.
//
// Packaging runs in a throwaway copy of the working tree (its node_modules linked, not copied), so
// the production build that `vscode:prepublish` makes never replaces the development build in
// dist/ that other tests and a running debugger use.
//
//   const { file, bytes } = await packageVsix({ outDir });
//   const entries = readZipEntries(file);          // [{ name, size, compressedSize }]
//   const problems = vsixProblems(entries, bytes);  // [] when only what runs is in it
//   const dir = await installVsix(file, { extensionsDir });

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, killTree } from './install-code-server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The largest .vsix accepted, in bytes. */
export const VSIX_BUDGET_BYTES = 1024 * 1024;

/** Left out of the copy: build outputs (made again, or planted as probes below) and what vsce never reads. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'out', 'test-results', '.vscode-test', '.cache']);

/**
 * Files planted in the copy that must never reach the .vsix, standing for what a developer's tree
 * holds after building and testing (the copy leaves those folders out, as they may change meanwhile).
 */
export const PROBES = ['out/test/integration/index.js', 'test-results/screenshots/probe.png', 'bench/results/probe.json', 'flux-image-studio-0.0.0.vsix'];

/**
 * Runs `npm run package -- --out <outDir>/<name>-<version>.vsix` in a copy of the working tree.
 * Resolves to { file, bytes, seconds, output }. Rejects with vsce's output when it fails.
 */
export async function packageVsix({ outDir, signal } = {}) {
  if (!outDir) throw new Error('packageVsix: outDir is required');
  fs.mkdirSync(outDir, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-package-'));
  const started = Date.now();
  try {
    for (const name of fs.readdirSync(ROOT)) {
      if (NOT_COPIED.has(name) || name.endsWith('.vsix')) continue;
      fs.cpSync(path.join(ROOT, name), path.join(stage, name), {
        recursive: true,
        filter: (src) => !/[\\/]bench[\\/]results([\\/]|$)/.test(src),
      });
    }
    for (const probe of PROBES) {
      fs.mkdirSync(path.dirname(path.join(stage, probe)), { recursive: true });
      fs.writeFileSync(path.join(stage, probe), 'must not be packaged\n');
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
    const { name, version } = JSON.parse(fs.readFileSync(path.join(stage, 'package.json'), 'utf8'));
    const file = path.join(outDir, `${name}-${version}.vsix`);
    const output = await run('npm', ['run', 'package', '--', '--out', file], { cwd: stage, signal });
    if (!fs.existsSync(file)) throw new Error(`npm run package made no ${file}:\n${output}`);
    return { file, bytes: fs.statSync(file).size, seconds: (Date.now() - started) / 1000, output };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * `code-server --install-extension <vsix> --extensions-dir <dir>`; resolves to the folder it
 * installed into (`<publisher>.<name>-<version>`).
 */
export async function installVsix(vsix, { extensionsDir, signal } = {}) {
  const { entry, node } = await ensureCodeServer({ signal });
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-install-'));
  try {
    const output = await run(
      node,
      [
        entry,
        '--install-extension',
        vsix,
        '--extensions-dir',
        extensionsDir,
        '--user-data-dir',
        path.join(state, 'user-data'),
        '--config',
        path.join(state, 'config.yaml'),
      ],
      { cwd: state, signal },
    );
    if (!/successfully installed/i.test(output)) throw new Error(`code-server did not report the install:\n${output}`);
  } finally {
    fs.rmSync(state, { recursive: true, force: true });
  }
  const manifest = JSON.parse(readZipFile(vsix, 'extension/package.json').toString('utf8'));
  const dir = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase());
  if (!fs.existsSync(path.join(dir, 'package.json'))) throw new Error(`the extension is not in ${dir}: ${fs.readdirSync(extensionsDir).join(', ')}`);
  return dir;
}

/** What may be in the .vsix: the bundles, webview assets, icons, translations, manifest and docs. */
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[a-z]{2}(-[a-z]{2,4})?)?\.json$/i,
  /^extension\/l10n\/bundle\.l10n(\.[a-z]{2}(-[a-z]{2,4})?)?\.json$/i,
  /^extension\/(readme|changelog)\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/dist\/[\w-]+\.js$/,
  /^extension\/dist\/ui\/[\w-]+\.(js|css|ttf)$/,
  /^extension\/media\/[\w-]+\.(css|svg)$/,
  /^extension\/media\/icon\.png$/,
];

/** What must be in it for the extension to run. */
export const REQUIRED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/media/icon.png',
  'extension/media/flux.svg',
  'extension/dist/extension.js',
  'extension/dist/main.js',
  'extension/dist/ui/generator.js',
  'extension/dist/ui/gallery.js',
  'extension/dist/ui/codicon.css',
  'extension/dist/ui/codicon.ttf',
];

/** Plain-words problems with a .vsix's entries and size; [] when it holds only what runs. */
export function vsixProblems(entries, bytes) {
  const problems = [];
  const names = entries.map((e) => e.name);
  for (const name of names) {
    if (/\.map$/.test(name)) problems.push(`a source map: ${name}`);
    else if (/(^|\/)(src|test|node_modules|out|bench|scripts|test-results)\//.test(name)) problems.push(`sources, tests or dependencies: ${name}`);
    else if (/\.tsx?$/.test(name)) problems.push(`a TypeScript source: ${name}`);
    else if (!ALLOWED.some((re) => re.test(name))) problems.push(`not something that runs: ${name}`);
  }
  for (const name of REQUIRED) if (!names.includes(name)) problems.push(`missing: ${name}`);
  if (bytes > VSIX_BUDGET_BYTES) problems.push(`${(bytes / 1024).toFixed(1)} KB, over the budget of ${VSIX_BUDGET_BYTES / 1024} KB`);
  return problems;
}

/** The entries of a zip file (a .vsix), from its central directory: [{ name, size, compressedSize }]. */
export function readZipEntries(file) {
  return centralDirectory(fs.readFileSync(file)).map(({ name, size, compressedSize }) => ({ name, size, compressedSize }));
}

/** One file of a zip, uncompressed. */
export function readZipFile(file, name) {
  const zip = fs.readFileSync(file);
  const entry = centralDirectory(zip).find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in ${file}`);
  const at = entry.localHeaderOffset;
  if (zip.readUInt32LE(at) !== 0x04034b50) throw new Error(`${file}: bad local header for ${name}`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return zlib.inflateRawSync(data);
  throw new Error(`${file}: ${name} uses compression method ${entry.method}`);
}

function centralDirectory(zip) {
  // The end-of-central-directory record is in the last 64 KB + 22 bytes (after an optional comment).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('a damaged zip central directory');
    const nameLength = zip.readUInt16LE(at + 28);
    entries.push({
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localHeaderOffset: zip.readUInt32LE(at + 42),
      name: zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** Runs a command; resolves to its output, rejects with it on a non-zero exit. */
function run(cmd, args, { cwd, signal }) {
  signal?.throwIfAborted();
  // Settings npm exports to scripts it runs (npm_config_local_prefix, npm_package_*, ...) must not
  // make the nested npm act on the calling project.
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^npm_/i.test(key) && !/^npm_config_(cache|userconfig|registry)$/i.test(key)) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const kill = () => killTree(child.pid, 'SIGKILL');
    signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (err) => reject(err));
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', kill);
      if (signal?.aborted) reject(signal.reason ?? new Error('aborted'));
      else if (code === 0) resolve(output);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${sig ?? `exit ${code}`}):\n${output}`));
    });
  });
}
