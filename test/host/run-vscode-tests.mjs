#!/usr/bin/env node
// Runs an extension's test suite inside a real VS Code extension host, offline: code-server 1.96.4
// (server side, where the extension and its tests run in a Node extension host) driven by headless
// Chromium (the workbench). The suite is the same Mocha-style `run()` module that
// @vscode/test-electron's runTests({ extensionTestsPath }) loads on desktop VS Code.
// Recipe: shared/design/real-vscode-tests.md.
//
//   node test/host/run-vscode-tests.mjs --extension <dir> --tests <abs path of suite index, no .js>
//        --workspace <folder | file.code-workspace> [--timeout <s>=600] [--trust] [--env KEY=VALUE]...
//        [--verbose]
//
// Exits with the suite's exit code (0 when its run() resolved); 1 on a time-out or when VS Code
// could not be started; 130/143 when interrupted. code-server and Chromium are always stopped.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, parseArgs } from 'node:util';
import { abortOnSignals, ensureCodeServer } from './install-code-server.mjs';
import { launchChromium, startCodeServer } from './code-server-host.mjs';
import { prepareLocale } from './language-pack.mjs';

const MARKETPLACE_NOISE = /open-vsx\.org/;

/**
 * Runs one suite; resolves to its exit code. Rejects on a time-out, on abort, or when
 * code-server / Chromium fail. Everything started is stopped before it settles.
 *
 * @param {object} opts
 * @param {string} opts.extensionDevelopmentPath the extension's folder (with package.json)
 * @param {string} opts.extensionTestsPath       the compiled suite index, absolute, without .js
 * @param {string} opts.workspace                a folder, or a .code-workspace file
 * @param {number} [opts.timeout=600]            seconds
 * @param {boolean} [opts.trust=false]           keep workspace trust on (for untrusted-workspace tests)
 * @param {string} [opts.locale]                 VS Code's display language (a language pack for it is
 *        installed first, see ./language-pack.mjs); default English
 * @param {string} [opts.logLevel]             the workbench's log level: `trace`, or `publisher.name:trace` for one
 *        extension's log (every line it logs is then written to disk)
 * @param {Record<string,string>} [opts.env]     extra environment for code-server and so the extension host
 * @param {boolean} [opts.verbose=false]         also print code-server's output and the browser console
 * @param {AbortSignal} [opts.signal]            aborting stops everything and rejects
 * @param {(line: string) => void} [opts.onLog]  receives the suite's log lines (default: stdout)
 * @param {(dirs: { userDataDir: string }) => void} [opts.beforeCleanup]  sees the throwaway VS Code
 *        state (logs, settings) before it is deleted, e.g. to scan it for a canary
 */
export async function runVSCodeTests({
  extensionDevelopmentPath,
  extensionTestsPath,
  workspace,
  timeout = 600,
  trust = false,
  locale,
  logLevel,
  env = {},
  verbose = false,
  signal,
  onLog = (line) => process.stdout.write(line + '\n'),
  beforeCleanup,
}) {
  const extensionDir = path.resolve(required(extensionDevelopmentPath, 'extensionDevelopmentPath'));
  const testsPath = path.resolve(required(extensionTestsPath, 'extensionTestsPath')).replace(/\.js$/, '');
  const workspacePath = path.resolve(required(workspace, 'workspace'));
  if (!fs.existsSync(path.join(extensionDir, 'package.json'))) throw new Error(`no package.json in extension folder ${extensionDir}`);
  if (![`${testsPath}.js`, testsPath, path.join(testsPath, 'index.js')].some((p) => fs.existsSync(p))) {
    throw new Error(`test suite not found: ${testsPath}(.js)`);
  }
  if (!fs.existsSync(workspacePath)) throw new Error(`workspace not found: ${workspacePath}`);
  const isWorkspaceFile = workspacePath.endsWith('.code-workspace') && fs.statSync(workspacePath).isFile();

  signal?.throwIfAborted();
  await ensureCodeServer({ signal }); // installs on first use; not counted in the time-out
  signal?.throwIfAborted();

  const debug = verbose ? (line) => process.stderr.write(line + '\n') : () => {};
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-vscode-tests-'));
  // Kept as promises so that cleanup also catches a server or browser still starting up.
  let serverStart;
  let browserStart;
  let settled = false;
  let timer;
  let onAbort;
  try {
    const outcome = new Promise((settle, fail) => {
      const resolve = (code) => {
        settled = true;
        settle(code);
      };
      const reject = (err) => {
        settled = true;
        fail(err);
      };
      timer = setTimeout(() => reject(new Error(`the suite did not finish within ${timeout}s`)), timeout * 1000);
      onAbort = () => reject(signal.reason ?? new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });

      (async () => {
        if (locale) await prepareLocale({ locale, userDataDir: path.join(tmp, 'user-data'), extensionsDir: path.join(tmp, 'extensions'), signal });
        if (settled) return;
        serverStart = startCodeServer({
          userDataDir: path.join(tmp, 'user-data'),
          extensionsDir: path.join(tmp, 'extensions'),
          trust,
          env,
          args: locale ? ['--locale', locale] : [],
          onOutput: (line) => debug(`[code-server] ${line}`),
        });
        const server = await serverStart;
        server.exited.then(({ code, signal: sig }) => reject(new Error(`code-server exited during the run (code ${code}, signal ${sig})\n${server.output()}`)));
        if (settled) return;

        browserStart = launchChromium({ handleSignals: false }); // signals: see `signal`
        const browser = await browserStart;
        if (settled) return;
        browser.on('disconnected', () => reject(new Error('Chromium closed during the run')));
        const page = await browser.newPage();
        page.on('console', (msg) => debug(`[browser ${msg.type()}] ${msg.text()}`));
        page.on('pageerror', (err) => debug(`[browser pageerror] ${err.message}`));
        page.on('crash', () => reject(new Error('the workbench page crashed')));

        // The workbench reports through these two globals when it sees them (IAutomatedWindow):
        // log lines (including the extension host's console output) and the suite's exit code.
        // The extension host's console lines arrive unlabelled among the workbench's own log lines,
        // so all are passed on, except the harmless failures to reach the extension marketplace
        // offline (shown with --verbose).
        await page.exposeFunction('codeAutomationLog', (type, args) => {
          const line = format(...(Array.isArray(args) ? args : [args]));
          if (!verbose && MARKETPLACE_NOISE.test(line)) return;
          onLog(line);
        });
        await page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));

        await page.goto(workbenchUrl(server, { extensionDir, testsPath, workspacePath, isWorkspaceFile, logLevel }));
      })().catch(reject);
    });
    return await outcome;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    // Let the workbench's last messages go and everything shut down, whatever happened.
    await browserStart
      ?.then(
        (b) => b.close(),
        () => {},
      )
      .catch(() => {});
    await serverStart
      ?.then(
        (s) => s.stop(),
        () => {},
      )
      .catch(() => {});
    try {
      beforeCleanup?.({ userDataDir: path.join(tmp, 'user-data') });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

/** The workbench URL that opens the workspace and runs the suite in the server's extension host. */
function workbenchUrl(server, { extensionDir, testsPath, workspacePath, isWorkspaceFile, logLevel }) {
  // vscode-remote:// URIs put the extension and its tests on the server, in its Node extension host.
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p.split('/').map(encodeURIComponent).join('/')}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionDir)],
    ['extensionTestsPath', remote(testsPath)],
    ['skipWelcome', 'true'],
    // The web workbench's `--log`: a level, or `publisher.name:level` for one extension's log.
    ...(logLevel ? [['logLevel', logLevel]] : []),
  ];
  const query = new URLSearchParams({
    [isWorkspaceFile ? 'workspace' : 'folder']: workspacePath,
    payload: JSON.stringify(payload),
  });
  return `${server.url}/?${query}`;
}

function required(value, name) {
  if (!value) throw new Error(`runVSCodeTests: ${name} is required`);
  return value;
}

// CLI
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const usage =
    'usage: node test/host/run-vscode-tests.mjs --extension <dir> --tests <suite index without .js> ' +
    '--workspace <folder|file.code-workspace> [--timeout <s>] [--trust] [--env KEY=VALUE]... [--verbose]';
  let args;
  try {
    ({ values: args } = parseArgs({
      options: {
        extension: { type: 'string' },
        tests: { type: 'string' },
        workspace: { type: 'string' },
        timeout: { type: 'string', default: '600' },
        trust: { type: 'boolean', default: false },
        env: { type: 'string', multiple: true, default: [] },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    console.error(`${err.message}\n${usage}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(usage);
    process.exit(0);
  }
  const env = {};
  for (const kv of args.env) {
    const eq = kv.indexOf('=');
    if (eq <= 0) {
      console.error(`--env expects KEY=VALUE, got "${kv}"\n${usage}`);
      process.exit(2);
    }
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const timeout = Number(args.timeout);
  if (!args.extension || !args.tests || !args.workspace || !(timeout > 0)) {
    console.error(usage);
    process.exit(2);
  }

  // First SIGINT/SIGTERM: stop code-server and Chromium, then exit. A second one: exit at once
  // (code-server-host's exit hook still kills the server's process group).
  const { controller, exitCode } = abortOnSignals((sig) => console.error(`[run-vscode-tests] ${sig}: stopping VS Code`));

  const started = Date.now();
  runVSCodeTests({
    extensionDevelopmentPath: args.extension,
    extensionTestsPath: args.tests,
    workspace: args.workspace,
    timeout,
    trust: args.trust,
    env,
    verbose: args.verbose,
    signal: controller.signal,
  }).then(
    (code) => {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      console.error(`[run-vscode-tests] suite exited with code ${code} (${secs}s)`);
      process.exit(code);
    },
    (err) => {
      console.error(`[run-vscode-tests] FAILED: ${err?.message ?? err}`);
      process.exit(exitCode() || 1);
    },
  );
}
