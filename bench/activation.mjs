#!/usr/bin/env node
// Activation benchmark: the extension's activation time in the real VS Code host (code-server's
// extension host, offline) against an empty extension activated the same way (the floor), median
// of several launches each; plus the size of every bundle. Production (minified) build.
//
//   npm run bench:activation [-- --runs 5]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureCodeServer } from '../test/host/install-code-server.mjs';
import { runVSCodeTests } from '../test/host/run-vscode-tests.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

await ensureCodeServer();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-bench-activation-'));
try {
  // Our extension, production build, with no activation events so the suite's activate() is the first.
  const ours = path.join(tmp, 'ours');
  execFileSync(process.execPath, ['esbuild.mjs', '--production', `--outdir=${path.join(ours, 'dist')}`], { cwd: root, stdio: 'ignore' });
  for (const p of ['media', 'LICENSE.txt']) fs.cpSync(path.join(root, p), path.join(ours, p), { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(ours, 'package.json'), JSON.stringify({ ...pkg, activationEvents: [] }));
  const sizes = fs
    .readdirSync(path.join(ours, 'dist'), { recursive: true })
    .filter((f) => /\.(js|css|ttf)$/.test(f))
    .map((f) => [f, fs.statSync(path.join(ours, 'dist', f)).size]);

  // The floor: an empty extension.
  const empty = path.join(tmp, 'empty');
  fs.mkdirSync(empty);
  fs.writeFileSync(
    path.join(empty, 'package.json'),
    JSON.stringify({ name: 'empty', publisher: 'bench', version: '0.0.1', engines: { vscode: '^1.90.0' }, main: './extension.js', activationEvents: [] }),
  );
  fs.writeFileSync(path.join(empty, 'extension.js'), 'exports.activate = function () {};\nexports.deactivate = function () {};\n');
  const workspace = path.join(tmp, 'ws');
  fs.mkdirSync(workspace);

  const measure = async (dir, id) => {
    let ms;
    const code = await runVSCodeTests({
      extensionDevelopmentPath: dir,
      extensionTestsPath: path.join(root, 'bench', 'host', 'activation-suite'),
      workspace,
      timeout: 120,
      env: { BENCH_EXT_ID: id },
      onLog: (line) => {
        const m = /BENCH_ACTIVATION_MS ([\d.]+)/.exec(line);
        if (m) ms = Number(m[1]);
      },
    });
    if (code !== 0 || ms === undefined) throw new Error(`activation run for ${id} failed (exit ${code})`);
    return ms;
  };
  const floor = [];
  const mine = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate, so drift on the machine hits both alike.
    floor.push(await measure(empty, 'bench.empty'));
    mine.push(await measure(ours, `${pkg.publisher}.${pkg.name}`));
    process.stdout.write(`run ${i + 1}/${RUNS}: empty ${floor.at(-1).toFixed(2)} ms, flux-image-studio ${mine.at(-1).toFixed(2)} ms\n`);
  }
  console.log(`\nactivation (median of ${RUNS} launches, VS Code 1.96.4 via code-server, production build)`);
  console.log(`  empty extension (floor)   ${median(floor).toFixed(2)} ms`);
  console.log(`  flux-image-studio         ${median(mine).toFixed(2)} ms`);
  console.log(`  ratio                     ${(median(mine) / median(floor)).toFixed(2)}x  (target: at most 1.5x)`);
  console.log('\nbundles (production):');
  for (const [f, b] of sizes) console.log(`  dist/${f.padEnd(22)} ${(b / 1024).toFixed(1).padStart(7)} KB`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
