// Starts the cached code-server (a real VS Code server + web workbench, the version FLUX_VSCODE picks) and Debian's Chromium,
// the two halves of running tests inside VS Code's extension host offline.
// Recipe: shared/design/real-vscode-tests.md. Installation: ./install-code-server.mjs.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { CHROMIUM_PATH, ensureCodeServer, killTree, VSCODE_HOST } from './install-code-server.mjs';

/** Chromium flags for a headless, offline, throwaway browser. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const READY_TIMEOUT_MS = 60_000;

/**
 * Starts code-server on 127.0.0.1 with no authentication.
 *
 * @param {object} opts
 * @param {string} opts.userDataDir   VS Code user data (settings, state); use a throwaway dir
 * @param {string} opts.extensionsDir installed extensions; use a throwaway dir
 * @param {number} [opts.port]        default: one the system picks (code-server listens on port 0 and
 *                                     says which port it got; nothing is closed and reused)
 * @param {boolean} [opts.trust]      keep workspace trust on (default: off, `--disable-workspace-trust`)
 * @param {Record<string,string>} [opts.env] extra environment for the server, which the extension host inherits
 * @param {string[]} [opts.args] extra command-line arguments (e.g. `--locale de`)
 * @param {(line: string) => void} [opts.onOutput] receives the server's output lines
 * @returns {Promise<{ url: string, port: number, pid: number, exited: Promise<{ code: number|null, signal: string|null }>,
 *   output: () => string, stop: () => Promise<void> }>}  output(): the last 200 lines the server printed
 */
export async function startCodeServer({ userDataDir, extensionsDir, port, trust = false, env = {}, args: extraArgs = [], onOutput } = {}) {
  if (!userDataDir || !extensionsDir) throw new Error('startCodeServer: userDataDir and extensionsDir are required');
  const { entry, node } = await ensureCodeServer();
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });

  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port ?? 0}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    // Otherwise code-server creates ~/.config/code-server/config.yaml on first start.
    '--config',
    path.join(userDataDir, 'code-server.yaml'),
    '--disable-telemetry',
    '--disable-update-check',
    ...(trust ? [] : ['--disable-workspace-trust']),
    ...VSCODE_HOST.serverArgs,
    ...extraArgs,
  ];

  // Variables of a VS Code the caller may itself be running in must not leak into this one.
  const childEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) if (/^(VSCODE_|ELECTRON_RUN_AS_NODE$|PORT$)/.test(key)) delete childEnv[key];
  Object.assign(childEnv, env);

  // Not detached, so a Ctrl-C in the terminal reaches the server too. stop() takes down the server
  // and everything it spawned (extension hosts, pty host, file watcher) by walking its process tree.
  const child = spawn(node, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  // Last resort if this process exits without calling stop().
  const onParentExit = () => killTree(child.pid, 'SIGKILL');
  process.on('exit', onParentExit);

  let recent = [];
  /** The address code-server says it listens on (the real port, when it was given 0). */
  let announced;
  const listening = new Promise((resolve) => (announced = resolve));
  const collect = (stream) => {
    let partial = '';
    stream.on('data', (chunk) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        recent.push(line);
        onOutput?.(line);
        const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(line);
        if (m) announced(Number(m[2]));
      }
      if (recent.length > 200) recent = recent.slice(-200);
    });
  };
  collect(child.stdout);
  collect(child.stderr);

  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      exited = true;
      recent.push(String(err));
      resolve({ code: -1, signal: null });
    });
  });

  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      // Remember the whole tree now: once the server is gone its children are re-parented.
      const tree = exited ? [] : killTree(child.pid, 'SIGTERM');
      if (!exited) {
        const timer = setTimeout(() => killTree(child.pid, 'SIGKILL'), 5_000);
        await exitPromise;
        clearTimeout(timer);
      }
      // Stragglers that outlived the main process.
      for (const pid of tree) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      process.off('exit', onParentExit);
    })());

  let url;
  try {
    const got = await Promise.race([listening, exitPromise.then((e) => Promise.reject(new Error(`the process exited (code ${e.code}, signal ${e.signal})`)))]);
    if (port && got !== port) throw new Error(`asked for port ${port}, listening on ${got}`);
    port = got;
    url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/healthz`, exitPromise);
  } catch (err) {
    await stop();
    throw new Error(`code-server did not start: ${err.message}\n--- code-server output ---\n${recent.join('\n')}`);
  }
  return { url, port, pid: child.pid, exited: exitPromise, output: () => recent.join('\n'), stop };
}

/**
 * Launches Debian's Chromium through playwright-core (a devDependency), headless by default.
 * With handleSignals: false, playwright leaves SIGINT/SIGTERM/SIGHUP to the caller, who must then
 * close the browser itself.
 */
export async function launchChromium({ headless = true, args = [], handleSignals = true } = {}) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (err) {
    throw new Error(`playwright-core is not installed (run npm install in the repo): ${err.message}`);
  }
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run node test/host/install-code-server.mjs`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless,
    args: [...CHROMIUM_ARGS, ...args],
    handleSIGINT: handleSignals,
    handleSIGTERM: handleSignals,
    handleSIGHUP: handleSignals,
  });
}

/** Polls url until it answers HTTP; fails early if the server process exits. */
async function waitForHttp(url, exitPromise) {
  let exit = null;
  exitPromise.then((e) => (exit = e));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exit) throw new Error(`the process exited (code ${exit.code}, signal ${exit.signal})`);
    const ok = await new Promise((resolve) => {
      const req = http.get(url, (res) => {
        res.resume();
        resolve(res.statusCode < 500);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(2_000, () => req.destroy());
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no HTTP answer from ${url} within ${READY_TIMEOUT_MS / 1000}s`);
}
