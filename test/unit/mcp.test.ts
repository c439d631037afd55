/**
 * The MCP server (dist/mcp.js) as an MCP client sees it: the bundle is built, started as its own
 * process with a workspace and a key, and spoken to over stdio against the fake Flux API. The
 * images must be whole, carry their record, sit inside the workspace and never replace a file.
 */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startFakeApi, type FakeApi } from '../fake-api/server';
import { readRecord } from '../../src/core/recordRead';
import { lineReader, MAX_LINE_BYTES } from '../../src/mcp/rpc';

const ROOT = join(__dirname, '..', '..');
const KEY = `mcp-canary-${Date.now().toString(36)}`;
let fake: FakeApi;
let built: string;
let dist: string;

before(async () => {
  fake = await startFakeApi();
  // Laid out as in the extension's folder: dist/mcp.js beside l10n/.
  built = mkdtempSync(join(tmpdir(), 'flux-mcp-ext-'));
  dist = join(built, 'dist');
  cpSync(join(ROOT, 'l10n'), join(built, 'l10n'), { recursive: true });
  const { buildNode } = (await import(pathToFileURL(join(ROOT, 'esbuild.mjs')).href)) as { buildNode(o: { outdir: string }): Promise<unknown> };
  await buildNode({ outdir: dist });
});
after(async () => {
  await fake.close();
  rmSync(built, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

interface Client {
  readonly child: ChildProcessWithoutNullStreams;
  readonly workspace: string;
  readonly stderr: () => string;
  request(method: string, params?: unknown): Promise<{ result?: Record<string, unknown>; error?: { code: number; message: string } }>;
  notify(method: string, params?: unknown): void;
  sendRaw(text: string): void;
  next(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

function start(opts: { key?: boolean; settings?: object; workspace?: string } = {}): Client {
  const workspace = opts.workspace ?? mkdtempSync(join(tmpdir(), 'flux-mcp-ws-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    FLUX_STUDIO_MCP_SETTINGS: JSON.stringify({ baseUrls: { aimlapi: fake.baseUrl, apiframe: fake.baseUrl }, ...opts.settings }),
  };
  if (opts.key !== false) env.AIMLAPI_API_KEY = KEY;
  const child = spawn(process.execPath, [join(dist, 'mcp.js'), '--workspace', workspace], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  const unsolicited: Record<string, unknown>[] = [];
  const nextWaiters: Array<(m: Record<string, unknown>) => void> = [];
  child.stdout.on(
    'data',
    lineReader(
      (line) => {
        const m = JSON.parse(line) as Record<string, unknown>;
        const w = typeof m.id === 'number' ? waiting.get(m.id) : undefined;
        if (w) {
          waiting.delete(m.id as number);
          w(m);
        } else {
          const n = nextWaiters.shift();
          if (n) n(m);
          else unsolicited.push(m);
        }
      },
      () => assert.fail('the server wrote an overlong line'),
    ),
  );
  let seq = 0;
  const write = (m: object): void => void child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
  return {
    child,
    workspace,
    stderr: () => err,
    request: (method, params) =>
      new Promise((resolve) => {
        const id = ++seq;
        waiting.set(id, resolve);
        write({ id, method, ...(params === undefined ? {} : { params }) });
      }),
    notify: (method, params) => write({ method, params }),
    sendRaw: (text) => void child.stdin.write(text),
    next: () => new Promise((resolve) => (unsolicited.length ? resolve(unsolicited.shift()!) : nextWaiters.push(resolve))),
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin.end();
      await exited;
      if (!opts.workspace) rmSync(workspace, { recursive: true, force: true });
    },
  };
}

const text = (r: { result?: Record<string, unknown> }): string => ((r.result?.content as Array<{ text: string }>) ?? []).map((c) => c.text).join('\n');

test('initialize answers with the tools capability and the asked protocol version; tools/list names both tools with their schemas', async () => {
  const c = start();
  try {
    const init = await c.request('initialize', { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'test', version: '1' } });
    assert.equal(init.result?.protocolVersion, '2025-03-26');
    assert.deepEqual(init.result?.capabilities, { tools: { listChanged: false } });
    c.notify('notifications/initialized');
    const list = await c.request('tools/list');
    const tools = list.result?.tools as Array<{ name: string; inputSchema: { required?: string[] } }>;
    assert.deepEqual(
      tools.map((t) => t.name),
      ['fluxStudio_generateImage', 'fluxStudio_listModels'],
    );
    assert.deepEqual(tools[0]?.inputSchema.required, ['prompt']);
    const models = await c.request('tools/call', { name: 'fluxStudio_listModels', arguments: {} });
    assert.match(text(models), /aimlapi:flux-pro\/v1\.1/);
    assert.match(text(models), /AIML API \(aimlapi\): key set/);
    assert.match(text(models), /apiframe \(apiframe\): no key set/);
    assert.ok(!text(models).includes(KEY), 'the key itself is never shown');
  } finally {
    await c.close();
  }
});

test('generateImage saves a whole image with its record in the assets folder and answers with its path and Markdown link', async () => {
  const c = start();
  try {
    await c.request('initialize', { protocolVersion: '2025-06-18' });
    const r = await c.request('tools/call', {
      name: 'fluxStudio_generateImage',
      arguments: { prompt: 'a lighthouse at dawn', model: 'aimlapi:flux-pro', size: '512x512', seed: 7, outputFormat: 'png' },
    });
    assert.equal(r.result?.isError, false, text(r));
    const files = readdirSync(join(c.workspace, 'assets'));
    assert.deepEqual(files, ['a-lighthouse-at-dawn-7.png'], 'one file, no temporary left');
    const bytes = readFileSync(join(c.workspace, 'assets', files[0]!));
    const record = readRecord(bytes);
    assert.equal(record?.prompt, 'a lighthouse at dawn');
    assert.equal(record?.modelKey, 'aimlapi:flux-pro');
    assert.equal(record?.seed, 7);
    assert.match(text(r), /Saved assets\/a-lighthouse-at-dawn-7\.png \(512×512/);
    assert.ok(text(r).includes('![a lighthouse at dawn](assets/a-lighthouse-at-dawn-7.png)'), text(r));
    const sent = fake.requests.find((q) => q.phase === 'submit');
    assert.equal(sent?.headers.authorization, `Bearer ${KEY}`);
    // The same seed again: a new name, the first image untouched.
    const again = await c.request('tools/call', {
      name: 'fluxStudio_generateImage',
      arguments: { prompt: 'a lighthouse at dawn', model: 'aimlapi:flux-pro', size: '512x512', seed: 7, outputFormat: 'png' },
    });
    assert.equal(again.result?.isError, false, text(again));
    assert.deepEqual(readdirSync(join(c.workspace, 'assets')).sort(), ['a-lighthouse-at-dawn-7-2.png', 'a-lighthouse-at-dawn-7.png']);
    assert.deepEqual(readFileSync(join(c.workspace, 'assets', 'a-lighthouse-at-dawn-7.png')), bytes);
    assert.ok(!c.stderr().includes(KEY), 'the log never carries the key');
  } finally {
    await c.close();
  }
});

test('invalid input, an unknown model, a missing key and an assets folder leading outside are answered in words, and nothing is sent', async () => {
  const c = start();
  const noKey = start({ key: false });
  const outside = mkdtempSync(join(tmpdir(), 'flux-mcp-outside-'));
  const linked = mkdtempSync(join(tmpdir(), 'flux-mcp-ws-'));
  symlinkSync(outside, join(linked, 'assets'));
  const hostile = start({ workspace: linked });
  try {
    const size = await c.request('tools/call', { name: 'fluxStudio_generateImage', arguments: { prompt: 'x', model: 'aimlapi:flux-pro', size: '1000x768' } });
    assert.equal(size.result?.isError, true);
    assert.match(text(size), /1000/);
    assert.match(text(size), /Nothing was sent/);
    const model = await c.request('tools/call', { name: 'fluxStudio_generateImage', arguments: { prompt: 'x', model: 'flux-pro-v2' } });
    assert.match(text(model), /Nearest: .*aimlapi:flux-pro/);
    const extra = await c.request('tools/call', { name: 'fluxStudio_generateImage', arguments: { prompt: 'x', colour: 'red' } });
    assert.match(text(extra), /does not take "colour"/);
    const key = await noKey.request('tools/call', { name: 'fluxStudio_generateImage', arguments: { prompt: 'x', model: 'aimlapi:flux-pro' } });
    assert.match(text(key), /AIMLAPI_API_KEY/);
    const out = await hostile.request('tools/call', { name: 'fluxStudio_generateImage', arguments: { prompt: 'x', model: 'aimlapi:flux-pro' } });
    assert.match(text(out), /leads outside the workspace folder/);
    assert.deepEqual(readdirSync(outside), [], 'nothing written through the link');
    assert.equal(fake.requests.length, 0, 'the provider was never called');
  } finally {
    await Promise.all([c.close(), noKey.close(), hostile.close()]);
    rmSync(outside, { recursive: true, force: true });
    rmSync(linked, { recursive: true, force: true });
  }
});

test('a cancelled call sends no answer and leaves no file; unknown methods, bad JSON and an overlong line get errors and the server goes on', async () => {
  const c = start();
  try {
    fake.setFault({ kind: 'slow-headers', ms: 30_000 });
    const pending = c.request('tools/call', { name: 'fluxStudio_generateImage', arguments: { prompt: 'slow', model: 'aimlapi:flux-pro' } });
    // Cancel once the provider has the request (a positive signal the call is under way).
    while (!fake.requests.some((q) => q.phase === 'submit')) await new Promise((r) => setImmediate(r));
    c.notify('notifications/cancelled', { requestId: 1, reason: 'user' });
    const unknown = await c.request('resources/list');
    assert.equal(unknown.error?.code, -32601);
    c.sendRaw('{not json\n');
    assert.equal(((await c.next()).error as { code: number }).code, -32700);
    c.sendRaw(`${'x'.repeat(MAX_LINE_BYTES + 10)}\n`);
    assert.match(((await c.next()).error as { message: string }).message, /longer than/);
    const ping = await c.request('ping');
    assert.deepEqual(ping.result, {});
    fake.setFault(null);
    // The cancelled call never answers: the ping above came back, and the call's promise is still pending.
    const state = await Promise.race([pending.then(() => 'answered'), Promise.resolve('pending')]);
    assert.equal(state, 'pending');
    assert.ok(!existsSync(join(c.workspace, 'assets')) || readdirSync(join(c.workspace, 'assets')).length === 0);
  } finally {
    await c.close();
  }
});

test('lineReader splits lines across chunks and drops an overlong one whole', () => {
  const lines: string[] = [];
  let overlong = 0;
  const read = lineReader(
    (l) => lines.push(l),
    () => overlong++,
    10,
  );
  read(Buffer.from('ab'));
  read(Buffer.from('c\r\nde'));
  read(Buffer.from('f\n0123456789'));
  read(Buffer.from('AB\nok\n'));
  assert.deepEqual(lines, ['abc', 'def', 'ok']);
  assert.equal(overlong, 1);
});

test("answers in VS Code's display language when the extension passes it", async () => {
  const c = start({ settings: { language: 'de' } });
  try {
    const models = await c.request('tools/call', { name: 'fluxStudio_listModels', arguments: {} });
    assert.match(text(models), /^Anbieter:/);
    const size = await c.request('tools/call', { name: 'fluxStudio_generateImage', arguments: { prompt: 'x', model: 'aimlapi:flux-pro', size: '1000x768' } });
    assert.match(text(size), /Nichts wurde gesendet\.$/);
  } finally {
    await c.close();
  }
});
