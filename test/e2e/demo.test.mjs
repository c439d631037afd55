// `npm run demo` starts, prints an address that answers, listens on 127.0.0.1 only, and stops
// cleanly on Ctrl+C (SIGINT), removing what it made. (Generating in the demo is what
// package.test.mjs does with the same packaged extension.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { killTree } from '../host/install-code-server.mjs';
import { ROOT } from './workbench.mjs';

/** @type {import('node:child_process').ChildProcess | undefined} */
let demo;
after(() => {
  if (demo && demo.exitCode === null && demo.signalCode === null) killTree(demo.pid, 'SIGKILL');
});

/** The local addresses (hex, as in /proc/net/tcp*) listening on a port. */
function listeners(port) {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) found.push(local.slice(0, -5));
    }
  }
  return found;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const LOOPBACK = ['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000'];

test('npm run demo: prints an address that answers, on 127.0.0.1 only; Ctrl+C stops everything', async (t) => {
  const started = Date.now();
  // --port 0: the system picks a free port and the demo prints the one it got.
  demo = spawn(process.execPath, [path.join(ROOT, 'scripts', 'demo.mjs'), '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  demo.stdout.on('data', (d) => (output += d));
  demo.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => demo.on('exit', (code, signal) => resolve({ code, signal })));

  let gone = false;
  exited.then(() => (gone = true));
  // Ready when it says how to stop it (the first run may install code-server).
  for (const end = Date.now() + 180_000; !output.includes('Press Ctrl+C to stop.') && !gone && Date.now() < end;) await sleep(100);
  assert.ok(output.includes('Press Ctrl+C to stop.'), `the demo did not get ready:\n${output}`);
  t.diagnostic(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const url = /^\s*(http:\/\/127\.0\.0\.1:(\d+)\/\?folder=\S+&payload=\S+)$/m.exec(output);
  assert.ok(url, `an address to open:\n${output}`);
  const port = Number(url[2]);
  assert.ok(port > 0, 'a real port, not 0');
  const workspace = /Workspace:\s+(\S+)/.exec(output)?.[1];
  const apiUrl = /Fake Flux API:\s+(http:\/\/127\.0\.0\.1:(\d+))/.exec(output);
  assert.ok(workspace && apiUrl, output);
  const folder = decodeURIComponent(new URL(url[1]).searchParams.get('folder') ?? '');
  assert.equal(folder, workspace, 'the address opens the demo workspace');
  const payload = JSON.parse(new URL(url[1]).searchParams.get('payload') ?? '[]');
  // No file to open: a window given one does not restore its editors (the generator panel) on reload.
  assert.equal(new Map(payload).get('openFile'), undefined, 'like any folder: no file forced open');
  assert.match(output, /open docs\/draft\.md/, 'the instructions say which file to open');
  assert.match(fs.readFileSync(path.join(workspace, 'docs', 'draft.md'), 'utf8'), /^# /);
  // The base URLs are machine-scoped: a remote window reads them from its Machine settings, where
  // a change in the Settings UI leaves them alone (in User settings they were lost).
  const state = path.join(path.dirname(workspace), 'user-data');
  const machine = JSON.parse(fs.readFileSync(path.join(state, 'Machine', 'settings.json'), 'utf8'));
  assert.equal(machine['fluxStudio.aimlapi.baseUrl'], apiUrl[1]);
  assert.equal(machine['fluxStudio.apiframe.baseUrl'], apiUrl[1]);
  const user = JSON.parse(fs.readFileSync(path.join(state, 'User', 'settings.json'), 'utf8'));
  assert.equal(user['fluxStudio.aimlapi.baseUrl'], undefined, 'not in User settings');

  const page = await fetch(url[1]);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /workbench/i);
  const api = await fetch(`${apiUrl[1]}/__control/requests`);
  assert.equal(api.status, 200);

  for (const p of [port, Number(apiUrl[2])]) {
    const addresses = listeners(p);
    assert.ok(addresses.length > 0, `something listens on ${p}`);
    assert.deepEqual(
      addresses.filter((a) => !LOOPBACK.includes(a)),
      [],
      `port ${p} listens on loopback only`,
    );
  }
  // The extension comes from the packaged .vsix, installed next to the workspace.
  const extensions = fs.readdirSync(path.join(path.dirname(workspace), 'extensions')).filter((n) => n !== 'extensions.json');
  assert.deepEqual(extensions, [`flux-image-studio.flux-image-studio-${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}`]);

  demo.kill('SIGINT');
  for (const end = Date.now() + 30_000; !gone && Date.now() < end;) await sleep(100);
  const exit = gone ? await exited : 'still running after 30 s';
  assert.deepEqual(exit, { code: 0, signal: null }, `a clean stop:\n${output}`);
  assert.match(output, /demo: stopped\./);
  assert.deepEqual(listeners(port), [], 'VS Code no longer listens');
  assert.deepEqual(listeners(Number(apiUrl[2])), [], 'the fake API no longer listens');
  assert.ok(!fs.existsSync(path.dirname(workspace)), 'its throwaway folder is gone');
});
