// The manifest fields the Marketplace and `vsce package` read, and what .vscodeignore lets into the
// .vsix. The .vsix itself is built, listed and installed by test/e2e/package.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

// From the extension manifest reference.
const CATEGORIES = [
  'Programming Languages',
  'Snippets',
  'Linters',
  'Themes',
  'Debuggers',
  'Formatters',
  'Keymaps',
  'SCM Providers',
  'Other',
  'Extension Packs',
  'Language Packs',
  'Data Science',
  'Machine Learning',
  'Visualization',
  'Notebooks',
  'Education',
  'Testing',
  'AI',
  'Chat',
];

test('marketplace fields: icon, categories, keywords, repository, license', () => {
  assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
  assert.equal(pkg.icon, 'media/icon.png');
  const icon = readFileSync(join(ROOT, pkg.icon));
  assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
  const [width, height] = [icon.readUInt32BE(16), icon.readUInt32BE(20)];
  assert.ok(width === height && (width === 128 || width === 256), `icon is ${width}x${height}`);

  assert.ok(pkg.categories.length >= 1);
  for (const c of pkg.categories) assert.ok(CATEGORIES.includes(c), `category "${c}" is one the Marketplace knows`);
  assert.ok(pkg.keywords.length >= 3 && pkg.keywords.length <= 30, 'between 3 and 30 keywords');
  assert.equal(new Set(pkg.keywords).size, pkg.keywords.length, 'no keyword twice');

  assert.equal(pkg.repository.type, 'git');
  assert.match(pkg.repository.url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
  assert.match(pkg.bugs.url, /^https:\/\//);
  assert.match(pkg.homepage, /^https:\/\//);
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(join(ROOT, 'LICENSE.txt'), 'utf8'), /^MIT License/);
});

test('npm run package: a repository is set (no --allow-missing-repository) and the bundles are built for production', () => {
  assert.match(pkg.scripts.package, /^vsce package\b/);
  assert.doesNotMatch(pkg.scripts.package, /--allow-missing-repository|--no-rewrite-relative-links/);
  assert.match(pkg.scripts['vscode:prepublish'], /esbuild\.mjs --production/);
  // The production build drops source maps and starts from an empty dist/.
  const build = readFileSync(join(ROOT, 'esbuild.mjs'), 'utf8');
  assert.match(build, /sourcemap: !production/);
  assert.match(build, /if \(production\) rmSync\(outdir/);
});

test('.vscodeignore lets in only what runs: exact bundle, media and docs patterns', () => {
  const lines = readFileSync(join(ROOT, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  assert.equal(lines[0], '**', 'everything is left out unless let in');
  const allowed = lines.slice(1);
  for (const line of allowed) {
    assert.ok(line.startsWith('!'), `only "!" lines after "**": ${line}`);
    // A "!" pattern wins over every ignore, so none may reach maps, sources, tests or screenshots.
    assert.doesNotMatch(line, /\*\*|\.map|src|test|node_modules|screenshots|\.ts$/, line);
  }
  for (const needed of ['!dist/*.js', '!media/icon.png', '!package.json', '!README.md', '!CHANGELOG.md', '!LICENSE.txt']) {
    assert.ok(allowed.includes(needed), needed);
  }
  assert.ok(existsSync(join(ROOT, 'media', 'flux.svg')));
});
