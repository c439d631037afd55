#!/usr/bin/env node
// The real-VS-Code layer of `npm test`: builds the integration suite, starts the fake Flux API,
// and runs the suite inside code-server's extension host for each workspace kind (a folder, a
// multi-root workspace, an untrusted folder). Everything started is stopped at the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { ensureCodeServer } from './install-code-server.mjs';
import { runVSCodeTests } from './run-vscode-tests.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.join(root, 'out', 'test', 'integration');

/** Compile each suite file on its own (Mocha loads them by path); vscode and mocha stay external. */
export async function buildSuite() {
  const dir = path.join(root, 'test', 'integration');
  const entryPoints = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'util.ts')
    .map((f) => path.join(dir, f));
  await esbuild.build({
    entryPoints,
    outdir: out,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

/** Start the fake API as its own process and read its base URL from the first line. */
export function startFakeApi() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'fake-api', 'cli.ts'), '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`the fake API exited early (${code})`)));
  });
}

/** Every file under `dir` (or `dir` itself) that contains `needle`. */
export function filesContaining(dir, needle) {
  const hits = [];
  const walk = (p) => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    if (st.isDirectory()) for (const f of fs.readdirSync(p)) walk(path.join(p, f));
    else if (st.isFile() && st.size < 64 * 1024 * 1024 && fs.readFileSync(p).includes(needle)) hits.push(p);
  };
  walk(dir);
  return hits;
}

/** The lines of the extension's own log files (its LogOutputChannel) under VS Code's state folder. */
export function extensionLogLines(userDataDir) {
  const lines = [];
  const walk = (p) => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    if (st.isDirectory()) for (const f of fs.readdirSync(p)) walk(path.join(p, f));
    else if (/Flux Image Studio\.log$/.test(p)) lines.push(...fs.readFileSync(p, 'utf8').split('\n'));
  };
  walk(path.join(userDataDir, 'logs'));
  return lines;
}

function copyFixture(name) {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), `flux-it-${name}-`));
  fs.cpSync(path.join(root, 'test', 'fixtures', name), dest, { recursive: true });
  return dest;
}

/**
 * The render suite's workspace: FLUX_RENDER_OUT (an empty or missing folder) or a new temporary
 * one, the `render` fixture copied in. It is kept after the run: the judges read it.
 */
function renderWorkspace() {
  const dest = process.env.FLUX_RENDER_OUT ? path.resolve(process.env.FLUX_RENDER_OUT) : fs.mkdtempSync(path.join(os.tmpdir(), 'flux-render-'));
  fs.mkdirSync(dest, { recursive: true });
  if (fs.readdirSync(dest).length) throw new Error(`FLUX_RENDER_OUT must be an empty folder: ${dest}`);
  fs.cpSync(path.join(root, 'test', 'fixtures', 'render'), dest, { recursive: true });
  return dest;
}

async function main() {
  const started = Date.now();
  await ensureCodeServer();
  await buildSuite();
  const api = await startFakeApi();
  const runs = [
    { suite: 'main', workspace: () => copyFixture('workspace') },
    { suite: 'faults', workspace: () => copyFixture('workspace') },
    { suite: 'multiroot', workspace: () => path.join(copyFixture('multiroot'), 'multi.code-workspace') },
    { suite: 'untrusted', workspace: () => copyFixture('untrusted'), trust: true },
    // VS Code in German (a language pack is installed for it): the German translations are used.
    { suite: 'german', workspace: () => copyFixture('workspace'), locale: 'de' },
    // The render layer's generations, only when asked for (`npm run test:render` does, through
    // test/render/host.test.ts): its workspace is kept, in FLUX_RENDER_OUT, for the judges.
    { suite: 'render', workspace: renderWorkspace, keep: true, optIn: true, timeout: 2400 },
  ];
  const only = process.env.FLUX_SUITE;
  // A canary API key: the suite runs with it, and it must not appear in any output, log, setting,
  // saved file or embedded record.
  const canary = `canary${randomBytes(12).toString('hex')}`;
  // Given to the suite in a file outside everything searched: VS Code at trace level logs its
  // environment, so a key in an environment variable would be found in VS Code's own log.
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-it-key-'));
  const keyFile = path.join(keyDir, 'key');
  fs.writeFileSync(keyFile, canary, { mode: 0o600 });
  const leaks = [];
  let failed = 0;
  try {
    for (const run of runs.filter((r) => (only ? r.suite === only : !r.optIn))) {
      const workspace = run.workspace();
      console.log(`\n== integration: ${run.suite} (${path.basename(workspace)})`);
      const code = await runVSCodeTests({
        extensionDevelopmentPath: root,
        extensionTestsPath: path.join(out, 'index'),
        workspace,
        trust: Boolean(run.trust),
        ...(run.locale ? { locale: run.locale } : {}),
        timeout: run.timeout ?? 900,
        env: {
          FLUX_FAKE_API: api.url,
          FLUX_SUITE: run.suite,
          FLUX_TEST_KEY_FILE: keyFile,
          ...(process.env.FLUX_GREP ? { FLUX_GREP: process.env.FLUX_GREP } : {}),
        },
        onLog: (line) => {
          if (line.includes(canary)) leaks.push(`suite output: ${line.replaceAll(canary, '<canary>')}`);
          process.stdout.write(line + '\n');
        },
        // Every log line at every level is written to disk, where the search below looks for the key.
        logLevel: 'flux-image-studio.flux-image-studio:trace',
        beforeCleanup: ({ userDataDir }) => {
          if (process.env.FLUX_DEBUG_LOGS) fs.cpSync(path.join(userDataDir, 'logs'), process.env.FLUX_DEBUG_LOGS, { recursive: true });
          const lower = extensionLogLines(userDataDir).filter((l) => /\[(trace|debug)\]/.test(l)).length;
          if (!lower) leaks.push('the extension log on disk has no trace or debug lines: the search would miss a key logged at those levels');
          for (const f of filesContaining(userDataDir, canary)) leaks.push(`VS Code state: ${path.relative(userDataDir, f)}`);
          const ws = workspace.endsWith('.code-workspace') ? path.dirname(workspace) : workspace;
          for (const f of filesContaining(ws, canary)) leaks.push(`workspace: ${path.relative(ws, f)}`);
        },
      }).catch((e) => {
        console.error(String(e?.message ?? e));
        return 1;
      });
      if (code !== 0) failed++;
      if (run.keep) console.log(`kept the ${run.suite} workspace: ${workspace}`);
      else fs.rmSync(path.dirname(workspace.endsWith('.code-workspace') ? workspace : path.join(workspace, 'x')), { recursive: true, force: true });
    }
  } finally {
    api.stop();
    fs.rmSync(keyDir, { recursive: true, force: true });
  }
  if (leaks.length) {
    failed++;
    console.error(`\nThe API key leaked into ${leaks.length} place(s):\n  ${leaks.join('\n  ')}`);
  } else {
    console.log('\ncanary key: not found in any output, log, setting or workspace file');
  }
  console.log(`\nintegration: ${failed ? `${failed} run(s) failed` : 'all runs passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
