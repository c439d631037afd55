#!/usr/bin/env node
// `npm run demo [-- --port N]`: VS Code in the browser with Flux Image Studio, offline and without a
// key. Packages the extension (`npm run package`), installs the .vsix into the real VS Code of the
// tests (code-server 4.96.4 = VS Code 1.96.4, cached by test/host/install-code-server.mjs), starts
// the fake Flux API as both providers, copies demo/workspace (a Markdown blog draft) to a throwaway
// folder, and prints the address that opens it. Everything listens on 127.0.0.1 only. Ctrl+C stops
// everything and removes the throwaway folders (the images made in the demo go with them).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startCodeServer } from '../test/host/code-server-host.mjs';
import { abortOnSignals, CODE_SERVER_VERSION, ensureCodeServer, VSCODE_VERSION } from '../test/host/install-code-server.mjs';
import { startFakeApi } from '../test/host/integration.mjs';
import { installVsix, packageVsix } from '../test/host/package-vsix.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `Usage: npm run demo [-- --port N]

  --port N   the port VS Code listens on, on 127.0.0.1 (default 8080; 0 picks a free one)
  --help     this text`;

/** A demo key: the fake Flux API accepts any, and the real providers are never asked. */
const DEMO_KEY = 'demo-key-for-the-fake-flux-api';

function options() {
  let values;
  try {
    ({ values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, help: { type: 'boolean', short: 'h', default: false } } }));
  } catch (err) {
    fail(`${err.message}\n\n${USAGE}`, 2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port needs a port number (0-65535), not "${values.port}"\n\n${USAGE}`, 2);
  return { port };
}

function fail(message, code = 1) {
  console.error(`demo: ${message}`);
  process.exit(code);
}

/** Whether nothing listens on 127.0.0.1:port. */
function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function main() {
  const opts = options();
  const cleanups = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        /* best effort */
      }
    }
  };
  // Resolves with the exit code: 0 after Ctrl+C (or SIGTERM), 1 when VS Code stops by itself.
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  const { controller } = abortOnSignals((sig) => {
    console.log(`\n${sig}: stopping VS Code and the fake Flux API…`);
    finish(0);
  });
  const signal = controller.signal;
  const step = (text) => console.log(`• ${text}`);

  try {
    // Port 0: code-server listens on a port the system picks and says which (nothing closed and reused).
    const port = opts.port || undefined;
    if (port && !(await portIsFree(port))) throw new Error(`port ${port} on 127.0.0.1 is taken: choose another with  npm run demo -- --port 8081`);

    step(`VS Code ${VSCODE_VERSION} (code-server ${CODE_SERVER_VERSION}): the first time this installs it from the npm registry, about a minute`);
    await ensureCodeServer({ signal });

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-demo-'));
    cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));

    step('packaging the extension (npm run package) and installing the .vsix');
    const vsix = await packageVsix({ outDir: tmp, signal });
    const extensionsDir = path.join(tmp, 'extensions');
    await installVsix(vsix.file, { extensionsDir, signal });

    const workspace = path.join(tmp, 'lofoten-blog');
    fs.cpSync(path.join(ROOT, 'demo', 'workspace'), workspace, { recursive: true });
    const draft = path.join(workspace, 'docs', 'draft.md');
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

    step('starting the fake Flux API');
    signal.throwIfAborted();
    const api = await startFakeApi();
    cleanups.push(() => api.stop());

    // Both providers' base URLs point at the fake API. They are machine-scoped settings, which a
    // remote window (code-server, SSH, WSL, Codespaces) reads from the remote's Machine settings, not
    // from User settings: written there, they hold whatever is changed in the Settings UI later.
    const userDataDir = path.join(tmp, 'user-data');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
    fs.writeFileSync(
      path.join(userDataDir, 'Machine', 'settings.json'),
      JSON.stringify({ 'fluxStudio.aimlapi.baseUrl': api.url, 'fluxStudio.apiframe.baseUrl': api.url }, null, 2),
    );
    const settings = {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': false,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
    };
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

    step(`starting VS Code on 127.0.0.1:${port ?? '(a free port)'}`);
    const server = await startCodeServer({
      userDataDir,
      extensionsDir,
      port,
      // The keys the extension falls back to: no key to set, and none of yours is used.
      env: { AIMLAPI_API_KEY: DEMO_KEY, APIFRAME_API_KEY: DEMO_KEY },
    });
    cleanups.push(() => server.stop());
    server.exited.then((exit) => {
      if (stopping || signal.aborted) return;
      console.error(`demo: VS Code stopped unexpectedly (code ${exit.code}, signal ${exit.signal})\n${server.output()}`);
      finish(1);
    });
    signal.throwIfAborted();

    const encodePath = (p) => p.split('/').map(encodeURIComponent).join('/');
    // No file to open in the address: a window given files to open does not restore its editors
    // (the generator panel among them) after Reload Window. It opens like any folder.
    const payload = [['skipWelcome', 'true']];
    const url = `${server.url}/?folder=${encodePath(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    console.log(`
Flux Image Studio ${version} is running in VS Code ${VSCODE_VERSION}, with the fake Flux API as both providers: no key needed.

  Open in your browser:
  ${url}

  Then open docs/draft.md, select a picture idea (a line on its own), right-click, and choose Generate Image from Selection
  (or press Ctrl+Alt+I to pick the model and size; the Flux icon on the left opens the gallery).

  To see how failures look, put a marker anywhere in a prompt:
    [[fault:401]] a rejected key         [[fault:429]] rate limited, then it works
    [[fault:nsfw]] a safety refusal      [[fault:slow-headers:130000]] a time-out (after 120 s)
    [[fault:failed:out of credits]] an apiframe job that fails (pick an apiframe model)

  Workspace:     ${workspace}   (removed when the demo stops)
  Fake Flux API: ${api.url}
  Press Ctrl+C to stop.
`);
    const code = await finished;
    await stopAll();
    console.log('demo: stopped.');
    process.exit(code);
  } catch (err) {
    await stopAll();
    if (signal.aborted) {
      console.log('demo: stopped.');
      process.exit(0);
    }
    fail(err?.message ?? String(err));
  }
}

await main();
