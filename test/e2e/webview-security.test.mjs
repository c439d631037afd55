// End-to-end: the webviews as an attacker would see them, in the real workbench (code-server,
// VS Code 1.96.4, headless Chromium) against the fake Flux API.
//
// (a) Forged messages. A page can only talk to the extension through acquireVsCodeApi(), which the
//     UI acquires once (src/ui/bridge.ts, for both pages); a second call throws,
//     and VS Code deletes `window.parent` in the content frame. So the messages are delivered the
//     way that API itself does it (VS Code's webview pre/index.html): the content frame calls
//     `__vscode_post_message__('onmessage', { message })` on its host frame, which relays it to the
//     extension. Every malformed message must be refused and logged ("refused a malformed message"
//     in the extension's log file), and nothing may happen: no file, no request to the provider,
//     no notification, no answer to the page.
// (b) The Content Security Policy. Inline scripts, inline event handlers, eval, remote images,
//     fetch and frames are all tried from inside each webview and must be blocked (with
//     securitypolicyviolation events to show it was the CSP), and the policy itself is read.
//
//   npm run build && node --test test/e2e/webview-security.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startWorkbench } from './workbench.mjs';

/** @type {import('./workbench.mjs').Workbench} */
let wb;
before(async () => {
  wb = await startWorkbench({ settings: { 'files.autoSave': 'off' } });
});
after(async () => {
  await wb?.stop();
});

// ---- Helpers ------------------------------------------------------------------------------------------

function walk(dir, out = []) {
  let entries = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The extension's log: `<user data>/logs/<session>/exthost*\/flux-image-studio.flux-image-studio/Flux Image Studio.log`. */
function extensionLog() {
  return walk(path.join(wb.userDataDir, 'logs'))
    .filter((f) => f.endsWith(path.join('flux-image-studio.flux-image-studio', 'Flux Image Studio.log')))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

/** The log lines matching `re`, polled until `count` of them exist (code-server flushes the file after a moment). */
async function logLines(re, count, timeoutMs = 8000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const lines = extensionLog()
      .split('\n')
      .filter((l) => re.test(l));
    if (lines.length >= count || Date.now() > end) return lines;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every file in the workspace (relative paths), to show that nothing was written. */
const workspaceFiles = () =>
  walk(wb.workspace)
    .map((f) => path.relative(wb.workspace, f))
    .sort();

/**
 * Deliver `message` to the extension exactly as the page's `acquireVsCodeApi().postMessage(message)`
 * does: VS Code's API object calls the host frame's `__vscode_post_message__('onmessage', { message, transfer })`.
 */
async function forge(frame, message) {
  const host = frame.parentFrame();
  assert.ok(host, 'the content frame has a host frame (pre/index.html)');
  // As JSON text, parsed in the page: an own "__proto__" key must arrive as such (as it would from page code).
  await host.evaluate(
    (json) => {
      // @ts-ignore: defined by VS Code's webview host page
      window.__vscode_post_message__('onmessage', { message: JSON.parse(json), transfer: undefined });
    },
    typeof message === 'string' && message.startsWith('{') ? message : JSON.stringify(message),
  );
}

/** Record what the extension posts to the page from now on (message types); again: start afresh. */
async function listen(frame) {
  await frame.evaluate(() => {
    // @ts-ignore
    window.__fromHost = [];
    // @ts-ignore
    if (window.__listening) return;
    // @ts-ignore
    window.__listening = true;
    window.addEventListener('message', (e) => {
      // @ts-ignore
      window.__fromHost.push(e.data && typeof e.data === 'object' ? { type: e.data.type, seq: e.data.seq } : { type: typeof e.data });
    });
  });
}
// @ts-ignore
const heard = (frame) => frame.evaluate(() => window.__fromHost);

/** Wait until the page has heard an answer that `answered` recognises. */
const answer = (frame, what, answered) => wb.waitUntil(what, async () => (await heard(frame)).some(answered));

/**
 * Send a valid message the extension answers and wait for the answer: the extension takes a page's
 * messages in order, so every message sent before it has been dealt with by then. The positive
 * signal a "nothing happened" check needs, instead of a pause. Then listens afresh.
 */
async function roundTrip(frame, kind) {
  await listen(frame);
  if (kind === 'panel') {
    await forge(frame, { type: 'form', seq: 9000, form: validForm() });
    await answer(frame, 'the panel to answer a valid form', (m) => m.type === 'validation' && m.seq === 9000);
  } else {
    await forge(frame, { type: 'ready' });
    await answer(frame, 'the gallery to answer ready', (m) => m.type === 'init');
  }
  await listen(frame);
}

/** The things an attacker would hope for: a file, a request to the provider, a notification. */
async function sideEffects() {
  const requests = await wb.control('requests');
  return { files: workspaceFiles(), requests: requests.length, notifications: await wb.notifications() };
}

/** The page's own facts: it holds the only API handle, and cannot reach its host frame. */
async function assertSealed(frame) {
  const facts = await frame.evaluate(() => {
    let second = 'returned';
    try {
      // @ts-ignore
      acquireVsCodeApi();
    } catch (e) {
      second = String(e instanceof Error ? e.message : e);
    }
    return { parent: typeof window.parent, second };
  });
  assert.equal(facts.parent, 'undefined', 'VS Code removed window.parent from the content frame');
  assert.match(facts.second, /already been acquired/, 'the UI holds the only VS Code API handle');
}

const validForm = (extra = {}) => ({
  prompt: 'a lighthouse at dawn',
  model: 'aimlapi:flux-pro/v1.1',
  size: 'landscape_4_3',
  width: '',
  height: '',
  numImages: 1,
  seedMode: 'random',
  seed: '',
  outputFormat: '',
  params: {},
  ...extra,
});

// ---- (a) forged messages ----------------------------------------------------------------------------

test('generator panel: malformed and unexpected messages are refused and logged, and change nothing', async () => {
  await wb.runCommand('Flux: Open Image Generator');
  const panel = await wb.webview('Flux Image Generator');
  await panel.getByLabel('Prompt').waitFor();
  await assertSealed(panel);
  // The page's own start-up exchange (ready, init, its first form) is over before listening.
  await roundTrip(panel, 'panel');
  const before = await sideEffects();
  const refusedBefore = (await logLines(/Generator panel: refused a malformed message/, 0, 0)).length;

  /** [message, the type the log names] */
  const malformed = [
    [{ type: 'generate' }, 'generate'], // no form
    [{ type: 'image', action: 'rm -rf', runId: 1 }, 'image'],
    [{ type: 'nope' }, 'nope'],
    ['generate', 'string'],
    [null, 'object'],
    [42, 'number'],
    [[{ type: 'generate', form: validForm() }], 'object'], // a list holding a valid message
    [{ type: 'form', seq: 1, form: validForm({ prompt: 'x'.repeat(1024 * 1024) }) }, 'form'], // a 1 MB prompt
    [{ type: 'generate', form: validForm({ prompt: 'y'.repeat(1024 * 1024) }) }, 'generate'],
    [{ type: 'form', seq: 2, form: { prompt: { toString: 'a cat' } } }, 'form'],
    [{ type: 'generate', form: validForm({ numImages: 1e9, seedMode: 'fixed', seed: '1' }) }, 'generate'],
    [{ type: 'copyCurl', form: validForm({ model: 'm'.repeat(5000) }) }, 'copyCurl'],
    [{ type: 'setKey', provider: 'https://evil.example' }, 'setKey'],
    [{ type: 'cancel', runId: 'r'.repeat(65) }, 'cancel'],
    [{ type: 'run', action: 'delete', runId: 'x' }, 'run'],
    [{ type: 'image', action: 'open', runId: 'x', index: -1 }, 'image'],
    [{ type: ['generate'] }, 'generate'],
  ];
  for (const [message] of malformed) await forge(panel, message);
  // Well formed, but about runs that do not exist: accepted and ignored.
  for (const message of [
    { type: 'image', action: 'reveal', runId: 'no-such-run', index: 0 },
    { type: 'run', action: 'retry', runId: 'no-such-run' },
    { type: 'cancel', runId: 'no-such-run' },
  ])
    await forge(panel, message);
  // An own "__proto__" key in the parameters: zod leaves it out (never assigned, so no prototype is
  // replaced or polluted), and what remains is a valid form, answered as one.
  await forge(panel, `{"type":"form","seq":3,"form":${JSON.stringify(validForm()).replace('"params":{}', '"params":{"__proto__":{"polluted":true}}')}}`);

  const lines = (await logLines(/Generator panel: refused a malformed message/, refusedBefore + malformed.length)).slice(refusedBefore);
  assert.equal(lines.length, malformed.length, `one refusal per malformed message:\n${lines.join('\n')}`);
  const types = lines.map((l) => /refused a malformed message \((.*?)\):/.exec(l)?.[1]);
  assert.deepEqual(
    types,
    malformed.map(([, t]) => t),
    'each refusal names the message',
  );
  for (const l of lines) {
    assert.match(l, /\[warning\] Generator panel: refused a malformed message \(.*\): \S.*/);
    assert.ok(l.length < 700, 'the log line is bounded (the 1 MB prompt is not copied into it)');
  }
  assert.match(lines[7], /\(form\): form\.prompt: /, 'the 1 MB prompt is refused for the prompt (its size; the other fields are fine)');
  assert.match(lines[8], /\(generate\): form\.prompt: [^;]*$/);
  assert.doesNotMatch(extensionLog(), /Generator panel: \w+ failed/, 'no handler ran and failed');

  // The channel works: a valid message on the same path is answered (so the silence above was a refusal).
  await forge(panel, { type: 'form', seq: 4242, form: validForm() });
  await answer(panel, 'the answer to a valid form', (m) => m.type === 'validation' && m.seq === 4242);
  assert.deepEqual(
    await heard(panel),
    [
      { type: 'validation', seq: 3 },
      { type: 'validation', seq: 4242 },
    ],
    'nothing answered the malformed messages; the two valid forms were',
  );

  // Answered after every malformed message was dealt with (in order): what they did is done.
  const afterwards = await sideEffects();
  assert.deepEqual(afterwards.files, before.files, 'no file was created');
  assert.equal(afterwards.requests, before.requests, 'nothing was sent to the provider');
  assert.deepEqual(afterwards.notifications, before.notifications, 'no notification');
  assert.ok(!fs.existsSync(path.join(wb.workspace, 'assets')), 'no assets folder');
  assert.equal(await panel.getByLabel('Prompt').isVisible(), true, 'the panel still works');
});

test('generator panel: a message whose type cannot be turned into text is refused and logged too', async (t) => {
  await wb.runCommand('Flux: Open Image Generator');
  const panel = await wb.webview('Flux Image Generator');
  await panel.getByLabel('Prompt').waitFor();
  await roundTrip(panel, 'panel');
  const before = await sideEffects();
  const refusedBefore = (await logLines(/Generator panel: refused a malformed message/, 0, 0)).length;
  await forge(panel, { type: { toString: 0 } });
  await forge(panel, { type: { toString: 0, valueOf: 0 }, form: validForm() });
  // A valid message after them is answered once they have been dealt with.
  await roundTrip(panel, 'panel');
  // What must hold either way: nothing happened, nothing was answered.
  const afterwards = await sideEffects();
  assert.deepEqual(afterwards.files, before.files);
  assert.equal(afterwards.requests, before.requests);
  assert.deepEqual(afterwards.notifications, before.notifications);
  assert.deepEqual(await heard(panel), []);
  const hostLog = walk(path.join(wb.userDataDir, 'logs'))
    .filter((f) => /exthost\.log$/.test(f))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  const thrown = hostLog.split('\n').filter((l) => /Cannot convert object to primitive value/.test(l));
  if (thrown.length) t.diagnostic(`extension host: ${thrown[0].slice(0, 300)}`);
  // What the bug breaks: the refusal is logged like any other.
  const lines = (await logLines(/Generator panel: refused a malformed message/, refusedBefore + 2, 3000)).slice(refusedBefore);
  assert.equal(lines.length, 2, 'both refusals are logged');
});

test('gallery: malformed messages and attempts to run other commands are refused and logged, and change nothing', async () => {
  await wb.runCommand('Flux: Show Gallery');
  const gallery = await wb.webview('Flux Gallery');
  await assertSealed(gallery);
  await roundTrip(gallery, 'gallery');
  const before = await sideEffects();
  const refusedBefore = (await logLines(/Gallery: refused a malformed message/, 0, 0)).length;

  const malformed = [
    [{ type: 'command', command: 'workbench.action.terminal.new' }, 'command'],
    [{ type: 'command', command: 'workbench.action.files.delete' }, 'command'],
    [{ type: 'action', action: 'rm -rf', id: 'x' }, 'action'],
    [{ type: 'action', action: 'delete' }, 'action'], // no id
    [{ type: 'action', action: 'delete', id: 'i'.repeat(1024 * 1024) }, 'action'], // a 1 MB id
    [{ type: 'cancel' }, 'cancel'],
    [{ type: 'imageError', id: '' }, 'imageError'],
    [{ type: 'nope' }, 'nope'],
    ['ready', 'string'],
    [null, 'object'],
    [{ type: 42 }, 'object'],
  ];
  for (const [message] of malformed) await forge(gallery, message);

  const lines = (await logLines(/Gallery: refused a malformed message/, refusedBefore + malformed.length)).slice(refusedBefore);
  assert.equal(lines.length, malformed.length, `one refusal per malformed message:\n${lines.join('\n')}`);
  assert.deepEqual(
    lines.map((l) => /refused a malformed message from the page \(type (".*?")\)/.exec(l)?.[1]),
    malformed.map(([, t]) => JSON.stringify(t)),
  );
  for (const l of lines) {
    assert.match(l, /\[warning\] Gallery: refused a malformed message from the page \(type ".*"\): \S/);
    assert.ok(l.length < 700, `bounded: ${l.slice(0, 200)}`);
  }

  // The same path carries a valid message: `ready` is answered with the whole picture.
  await forge(gallery, { type: 'ready' });
  await answer(gallery, 'the answer to ready', (m) => m.type === 'init');
  const got = (await heard(gallery)).map((m) => m.type);
  assert.equal(got[0], 'init', `only the valid message was answered: ${got.join(', ')}`);

  // Answered after every malformed message was dealt with (in order): what they did is done.
  const afterwards = await sideEffects();
  assert.deepEqual(afterwards.files, before.files, 'no file was created or deleted');
  assert.equal(afterwards.requests, before.requests);
  assert.deepEqual(afterwards.notifications, before.notifications, 'no notification');
  assert.equal(await wb.page.locator('.terminal-outer-container, .xterm').count(), 0, 'no terminal was opened');
});

// ---- (b) the Content Security Policy -----------------------------------------------------------------

/** Try every way in from inside the frame; report what ran and what the CSP reported. */
async function attack(frame, reachable) {
  return frame.evaluate(async (url) => {
    const w = /** @type {any} */ (window);
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI, sample: e.sample }),
    );
    w.__injected = undefined;
    w.__injected2 = undefined;
    w.__injected3 = undefined;

    // 1. An inline script element.
    const s = document.createElement('script');
    s.textContent = 'window.__injected = 1';
    document.body.appendChild(s);
    // 2. An inline event handler, through innerHTML.
    const div = document.createElement('div');
    div.innerHTML = '<img src="x" onerror="window.__injected2 = 1"><img src="data:," onerror="window.__injected2 = 2">';
    document.body.appendChild(div);
    // 3. Links the page could hope the workbench opens: javascript: and command: URIs. (VS Code's
    //    host page takes every click on a link and hands it to the workbench, which opens only
    //    http(s), mailto and vscode links, and command: links when the view enables them: neither does.)
    const links = ['javascript:window.__injected3 = 1', 'command:workbench.action.terminal.new', 'command:workbench.action.files.newUntitledFile'].map(
      (href) => {
        const a = document.createElement('a');
        a.href = href;
        a.textContent = href;
        document.body.appendChild(a);
        a.click();
        return a;
      },
    );
    // 4. eval and new Function, from a later task: code run by the DevTools protocol itself may eval
    //    (Runtime.evaluate allows it), page code may not.
    const later = (f) => new Promise((resolve) => setTimeout(() => resolve(f()), 0));
    const evalResult = await later(() => {
      try {
        // eslint-disable-next-line no-eval
        (0, eval)('window.__injected3 = 2');
        return 'ran';
      } catch (e) {
        return e instanceof Error ? e.name : String(e);
      }
    });
    const fnResult = await later(() => {
      try {
        return String(new Function('return "ran"')());
      } catch (e) {
        return e instanceof Error ? e.name : String(e);
      }
    });
    // @ts-ignore: a string handler is an eval too
    setTimeout('window.__injected3 = 3', 0);
    // 5. fetch to a server that is up (the fake API), and to a closed port.
    const tryFetch = (u) =>
      fetch(u).then(
        (r) => `answered ${r.status}`,
        (e) => `rejected: ${e instanceof Error ? e.name : e}`,
      );
    const fetchUp = await tryFetch(`${url}/__control/faults`);
    const fetchClosed = await tryFetch('http://127.0.0.1:1/x');
    // 6. Remote images: a reachable one and an unresolvable one.
    const load = (src) =>
      new Promise((resolve) => {
        const img = new Image();
        img.onload = () => resolve('loaded');
        img.onerror = () => resolve('blocked');
        setTimeout(() => resolve('pending'), 3000);
        img.src = src;
      });
    const imageUp = await load(`${url}/files/none.png`);
    const imageRemote = await load('https://example.invalid/x.png');
    // 7. A frame.
    const frameEl = document.createElement('iframe');
    frameEl.src = 'https://example.invalid/';
    document.body.appendChild(frameEl);

    // Violation events are queued: wait for the last kind expected (the frame's) to be reported, or
    // a deadline (the assertions then say which is missing).
    for (const end = Date.now() + 10_000; Date.now() < end;) {
      const seen = new Set(violations.map((v) => v.directive));
      if (['script-src-elem', 'script-src-attr', 'script-src', 'connect-src', 'img-src', 'frame-src'].every((d) => seen.has(d))) break;
      await new Promise((r) => setTimeout(r, 50)); // polling the queue, not a guessed pause
    }
    s.remove();
    div.remove();
    for (const a of links) a.remove();
    frameEl.remove();
    return {
      injected: w.__injected ?? null,
      injected2: w.__injected2 ?? null,
      injected3: w.__injected3 ?? null,
      evalResult,
      fnResult,
      fetchUp,
      fetchClosed,
      imageUp,
      imageRemote,
      violations,
    };
  }, reachable);
}

async function assertCsp(t, frame, title, kind) {
  const meta = await frame.evaluate(() => [...document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]')].map((m) => m.getAttribute('content')));
  assert.equal(meta.length, 1, `${title}: one CSP`);
  const csp = meta[0];
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );
  assert.deepEqual(directives['default-src'], ["'none'"], csp);
  assert.doesNotMatch(
    csp,
    /'unsafe-inline'|'unsafe-eval'|'unsafe-hashes'|'strict-dynamic'|\*(?!\.vscode-cdn\.net)|https?:(?!\/\/\*\.vscode-cdn\.net)|data:|blob:/,
    csp,
  );
  assert.equal(directives['script-src']?.length, 1, csp);
  assert.match(directives['script-src'][0], /^'nonce-[A-Za-z0-9+/=]{16,}'$/, csp);
  assert.deepEqual(directives['connect-src'], ["'none'"]);
  assert.deepEqual(directives['frame-src'], ["'none'"]);
  assert.deepEqual(directives['form-action'], ["'none'"]);

  const fakeApiRequests = (await wb.control('requests')).length;
  const untitled = () => wb.page.locator('.tab[data-resource-name^="Untitled"]').count();
  const untitledBefore = await untitled();
  const r = await attack(frame, wb.api.url);
  const report = JSON.stringify(r, null, 1);
  assert.equal(r.injected, null, `${title}: the inline script did not run\n${report}`);
  assert.equal(r.injected2, null, `${title}: the inline onerror handler did not run\n${report}`);
  assert.equal(r.injected3, null, `${title}: no javascript: URL or eval ran\n${report}`);
  assert.equal(r.evalResult, 'EvalError', report);
  assert.equal(r.fnResult, 'EvalError', report);
  assert.match(r.fetchUp, /^rejected/, `${title}: fetch to a live server was blocked\n${report}`);
  assert.match(r.fetchClosed, /^rejected/, report);
  assert.equal(r.imageUp, 'blocked', `${title}: an image from a live server did not load\n${report}`);
  assert.notEqual(r.imageRemote, 'loaded', report);
  // Each was stopped by the policy, and reported as such.
  const by = (d) => r.violations.filter((v) => v.directive === d);
  assert.ok(
    by('script-src-elem').some((v) => v.blocked === 'inline'),
    `inline <script> reported\n${report}`,
  );
  assert.ok(
    by('script-src-attr').some((v) => v.blocked === 'inline'),
    `inline handler reported\n${report}`,
  );
  assert.ok(
    by('script-src').some((v) => v.blocked === 'eval'),
    `eval reported\n${report}`,
  );
  assert.ok(
    by('connect-src').some((v) => v.blocked.startsWith(wb.api.url)),
    `fetch reported\n${report}`,
  );
  assert.ok(
    by('img-src').some((v) => v.blocked.startsWith(wb.api.url)),
    `remote image reported\n${report}`,
  );
  assert.ok(by('frame-src').length > 0, `frame reported\n${report}`);
  assert.equal((await wb.control('requests')).length, fakeApiRequests, 'nothing reached the server');
  // The clicks on command: links went to the workbench through the host frame before this message:
  // once it is answered, any command they could start has started.
  await roundTrip(frame, kind);
  assert.equal(await wb.page.locator('.terminal-outer-container, .xterm').count(), 0, `${title}: a command: link opened no terminal`);
  assert.equal(await untitled(), untitledBefore, `${title}: a command: link opened no editor`);
  const counts = {};
  for (const v of r.violations) counts[v.directive] = (counts[v.directive] ?? 0) + 1;
  t.diagnostic(`${title}: CSP violations reported: ${JSON.stringify(counts)}`);
}

test('generator panel: the CSP is strict and blocks inline scripts and handlers, eval, remote images, fetch and frames', async (t) => {
  await wb.runCommand('Flux: Open Image Generator');
  const panel = await wb.webview('Flux Image Generator');
  await panel.getByLabel('Prompt').waitFor();
  await assertCsp(t, panel, 'generator', 'panel');
  assert.equal(await panel.getByLabel('Prompt').isVisible(), true, 'the page itself still runs');
});

test('gallery: the CSP is strict and blocks inline scripts and handlers, eval, remote images, fetch and frames', async (t) => {
  await wb.runCommand('Flux: Show Gallery');
  const gallery = await wb.webview('Flux Gallery');
  await assertCsp(t, gallery, 'gallery', 'gallery');
});
