/**
 * A provider that tries something: answers built to make the engine fetch what it must not, read
 * without end, crash on nesting, or save something that is not a picture. Each goes through the real
 * engine (`generate` with a real `HttpClient`) against a small stub HTTP server on 127.0.0.1 that
 * answers exactly what the test says. Every case must end in one FluxError with a sentence that says
 * what happened, and `generate` must reject: nothing is returned, so nothing can be saved.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import { generate, type EngineOptions, type GenerationResult } from '../../src/core/engine';
import { FluxError, type FluxErrorKind } from '../../src/core/errors';
import { checkImageUrl } from '../../src/core/download';
import { HttpClient, type RetryPolicy } from '../../src/core/http';
import { testLogger } from './testLogger';
import { withoutProxyEnv } from './fakeApiHooks';

withoutProxyEnv();

// The canary from test/host/canary.mjs when run by `npm run test:unit`: it must never be printed.
const KEY = process.env.FLUX_TEST_KEY ?? 'hostile-test-key-0123456789';
const FAST: RetryPolicy = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterS: 1 };
const MB = 1024 * 1024;
const AIML = { model: 'aimlapi:flux-pro', prompt: 'a lighthouse at dawn' };
const AIML_PATH = '/v1/images/generations';

// ---- The stub provider ----------------------------------------------------------------------------

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  apiKeyHeader?: string;
}

let server: http.Server;
let base = '';
let handler: Handler = (_req, res) => res.writeHead(500).end();
const seen: Seen[] = [];
const sockets = new Set<Socket>();
let client: HttpClient;

before(async () => {
  server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(typeof req.headers['x-api-key'] === 'string' ? { apiKeyHeader: req.headers['x-api-key'] } : {}),
    });
    req.resume();
    req.on('end', () => {
      Promise.resolve(handler(req, res)).catch(() => res.destroy());
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new HttpClient();
});

after(async () => {
  await client.close();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  seen.length = 0;
  handler = (_req, res) => res.writeHead(500).end();
});

const sendJson = (res: http.ServerResponse, status: number, body: unknown) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/** The provider answers the generation with `answer` (a value or raw JSON text); `images` serves GETs. */
function provider(answer: unknown, images: Handler = (_req, res) => res.writeHead(404).end()): void {
  handler = (req, res) => {
    if (req.method === 'POST' && req.url === AIML_PATH) sendJson(res, 200, answer);
    else return images(req, res);
  };
}

// ---- Engine helpers ---------------------------------------------------------------------------------

const capture = testLogger;

const options = (extra: Partial<EngineOptions> = {}): EngineOptions => ({
  http: client,
  logger: capture().logger,
  baseUrl: base,
  apiKey: KEY,
  retry: FAST,
  ...extra,
});

/** `generate` must reject with a FluxError (and resolve to nothing): that error. */
async function refused(input: unknown = AIML, extra: Partial<EngineOptions> = {}): Promise<FluxError> {
  let result: GenerationResult | undefined;
  try {
    result = await generate(input, options(extra));
  } catch (e) {
    assert.ok(e instanceof FluxError, `expected a FluxError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return e;
  }
  assert.fail(`generate returned ${result.images.length} image(s) instead of refusing`);
}

/** A clear sentence: the kind, the words that say what happened, bounded, one line, without the key. */
function says(e: FluxError, kind: FluxErrorKind, words: RegExp[]): void {
  assert.equal(e.kind, kind, `kind of: ${e.message}`);
  for (const w of words) assert.match(e.message, w);
  assert.match(e.message, /^(?:[A-Z]|apiframe ).*[.]$/s, `a sentence: ${e.message}`);
  assert.ok(e.message.length < 800, `a short message (${e.message.length} characters)`);
  assert.doesNotMatch(e.message, /[\n\r]/);
  assert.ok(!e.message.includes(KEY), 'the key never appears');
  assert.doesNotMatch(e.message, /undefined|\[object /);
}

const downloads = () => seen.filter((s) => s.method === 'GET');

// ---- Images built by hand ------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
/** A PNG whose header says width x height (RGB, 8 bits) over a tiny IDAT: one real row of `rowWidth` pixels. */
function png(width: number, height: number, rowWidth = Math.min(width, 4)): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.alloc(1 + rowWidth * 3, 0x7f);
  row[0] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(row)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const REAL_PNG = png(2, 1, 2); // a whole, honest 2x1 image

test('the hand-built PNGs are what they claim (signature, IHDR, CRCs)', () => {
  const bomb = png(100000, 100000);
  assert.equal(bomb.readUInt32BE(16), 100000);
  assert.equal(bomb.readUInt32BE(20), 100000);
  assert.ok(bomb.length < 100, `tiny on the wire (${bomb.length} bytes)`);
  // Every chunk's CRC checks, as a decoder would verify it.
  for (let pos = 8; pos < bomb.length;) {
    const len = bomb.readUInt32BE(pos);
    assert.equal(bomb.readUInt32BE(pos + 8 + len), crc32(bomb.subarray(pos + 4, pos + 8 + len)));
    pos += 12 + len;
  }
  // The real one inflates to exactly one row of two RGB pixels.
  assert.deepEqual([...zlib.inflateSync(REAL_PNG.subarray(41, 41 + REAL_PNG.readUInt32BE(33)))], [0, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f]);
});

// ---- 1. Addresses the engine must not fetch --------------------------------------------------------

describe('image addresses that are refused before anything is fetched', () => {
  test('file:, data:, ftp:, javascript: and gopher: image URLs', async () => {
    const cases: [string, RegExp][] = [
      ['file:///etc/passwd', /scheme file: is not allowed \(only https\)/],
      ['file://C:/Windows/win.ini', /scheme file: is not allowed/],
      [`data:image/png;base64,${REAL_PNG.toString('base64')}`, /scheme data: is not allowed/],
      ['ftp://cdn.example.com/image.png', /scheme ftp: is not allowed/],
      ['javascript:alert(1)', /scheme javascript: is not allowed/],
      ['gopher://127.0.0.1:70/_GET', /scheme gopher: is not allowed/],
    ];
    for (const [url, why] of cases) {
      seen.length = 0;
      provider({ data: [{ url }] });
      const e = await refused();
      says(e, 'bad-response', [/gave an address for the image that was refused/, why, /Nothing was saved\./]);
      assert.deepEqual(
        seen.map((s) => s.method),
        ['POST'],
        `${url}: nothing was fetched`,
      );
    }
  });

  test('private, link-local and internal addresses, over https or plain http', async () => {
    const cases: [string, RegExp][] = [
      ['https://169.254.169.254/latest/meta-data/iam/security-credentials/', /private network address \(169\.254\.169\.254\)/],
      ['https://10.0.0.1/image.png', /private network address \(10\.0\.0\.1\)/],
      ['https://192.168.1.1/image.png', /private network address \(192\.168\.1\.1\)/],
      ['https://172.20.0.5/image.png', /private network address/],
      ['https://[fe80::1]/image.png', /private network address \(\[fe80::1\]\)/],
      ['https://[fd12:3456::1]/image.png', /private network address/],
      ['https://[::ffff:169.254.169.254]/image.png', /private network address/],
      ['https://0.0.0.0/image.png', /private network address/],
      ['https://0xA9FEA9FE/latest/meta-data', /private network address \(169\.254\.169\.254\)/], // 169.254.169.254 spelled in hex
      ['http://169.254.169.254/latest/meta-data', /plain http, not https/],
      ['http://10.1.2.3/image.png', /plain http, not https/],
      ['http://cdn.example.com/image.png', /plain http, not https/],
    ];
    for (const [url, why] of cases) {
      seen.length = 0;
      provider({ data: [{ url }] });
      const e = await refused();
      says(e, 'bad-response', [/that was refused/, why, /Nothing was saved\./]);
      assert.deepEqual(
        seen.map((s) => s.method),
        ['POST'],
        url,
      );
    }
    // No connection was tried: each refusal names the address check (`why`), which runs before any connect.
  });

  test('checkImageUrl with a non-loopback provider: 127.x and [::1] in every spelling are this computer', () => {
    const loopback = [
      'https://127.0.0.1/a.png',
      'https://127.255.255.254/a.png',
      'https://127.1/a.png',
      'https://2130706433/a.png',
      'https://0x7f000001/a.png',
      'https://0177.0.0.01/a.png',
      'https://user:secret@127.0.0.1:8443/a.png',
      'https://[::1]/a.png',
      'https://[0::1]/a.png',
      'https://[0000:0000:0000:0000:0000:0000:0000:0001]:443/a.png',
      'https://localhost/a.png',
      'https://LOCALHOST/a.png',
      'https://localhost./a.png',
      'https://img.localhost/a.png',
      'https://img.localhost./a.png',
    ];
    for (const url of loopback) {
      assert.match(checkImageUrl(url, false) ?? 'allowed', /^it points at this computer \(/, url);
      assert.equal(checkImageUrl(url, true), undefined, `${url} is fine when the provider itself is on loopback (the fake API)`);
    }
    for (let a = 0; a < 256; a += 17) {
      for (const b of [0, 1, 128, 255]) assert.match(checkImageUrl(`https://127.${a}.${b}.${(a + b) % 256}/x.png`, false) ?? '', /this computer/);
    }
    // Plain http to loopback is allowed only for a loopback provider.
    for (const url of ['http://127.0.0.1:8080/a.png', 'http://[::1]/a.png', 'http://localhost./a.png']) {
      assert.match(checkImageUrl(url, false) ?? '', /plain http, not https/, url);
      assert.equal(checkImageUrl(url, true), undefined, url);
    }
    // IPv4-mapped loopback is an internal address either way.
    assert.match(checkImageUrl('https://[::ffff:127.0.0.1]/a.png', true) ?? '', /private network address/);
    // Names that merely look alike are public.
    for (const url of ['https://localhost.example.com/a.png', 'https://127.0.0.1.example.com/a.png', 'https://my-localhost/a.png'])
      assert.equal(checkImageUrl(url, false), undefined, url);
  });

  test('a redirect to plain http, to a private address, to file: or data: is not followed', async () => {
    const cases: [string, RegExp][] = [
      ['http://cdn.example.com/image.png', /plain http, not https/],
      ['//cdn.example.com/image.png', /plain http, not https/], // protocol-relative: inherits http from the hop
      ['https://169.254.169.254/latest/meta-data', /private network address \(169\.254\.169\.254\)/],
      ['https://[fe80::a]/x.png', /private network address/],
      ['file:///etc/shadow', /scheme file: is not allowed/],
      [`data:image/png;base64,${REAL_PNG.toString('base64')}`, /scheme data: is not allowed/],
    ];
    for (const [location, why] of cases) {
      seen.length = 0;
      provider({ data: [{ url: `${base}/cdn/a.png` }] }, (_req, res) => res.writeHead(302, { location }).end());
      const e = await refused();
      says(e, 'bad-response', [/that was refused/, why]);
      assert.deepEqual(
        seen.map((s) => `${s.method} ${s.url}`),
        [`POST ${AIML_PATH}`, 'GET /cdn/a.png'],
        `${location}: the hop was not taken`,
      );
    }
  });
});

// ---- 2. Sizes refused early, memory bounded ---------------------------------------------------------

/** A response that trickles forever once its head is sent; reports what it managed to write. */
function trickle(res: http.ServerResponse, head: http.OutgoingHttpHeaders, stats: { written: number; closed: boolean }): void {
  res.writeHead(200, head);
  const piece = Buffer.alloc(16 * 1024, 0x20);
  const timer = setInterval(() => {
    if (res.destroyed || res.writableEnded) return;
    res.write(piece);
    stats.written += piece.length;
  }, 20);
  res.on('close', () => {
    stats.closed = true;
    clearInterval(timer);
  });
}

/** Wait for a condition; a hang is caught by node:test's time-out, not by a clock here. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

describe('sizes that are refused before reading, memory that stays bounded', () => {
  test('an image declaring 2 GB is refused at once, without reading it', async () => {
    const stats = { written: 0, closed: false };
    provider({ data: [{ url: `${base}/cdn/huge.png` }] }, (_req, res) =>
      trickle(res, { 'content-type': 'image/png', 'content-length': String(2 * 1024 * MB) }, stats),
    );
    const e = await refused();
    says(e, 'bad-response', [/sent the image of 2048 MB, more than the 50 MB limit/, /Nothing was saved\./]);
    await until(() => stats.closed); // the connection was closed on the server
    assert.ok(stats.written < MB, `next to nothing was sent (${stats.written} bytes)`);
  });

  test('a JSON answer declaring 2 GB is refused at once, not waited for', async () => {
    const stats = { written: 0, closed: false };
    handler = (_req, res) => trickle(res, { 'content-type': 'application/json', 'content-length': String(2 * 1024 * MB) }, stats);
    const e = await refused();
    says(e, 'bad-response', [/AIML API's answer while generating was larger than 40 MB and was refused\./]);
    await until(() => stats.closed); // the connection was closed on the server
    assert.ok(stats.written < MB, `next to nothing was sent (${stats.written} bytes)`);
    assert.equal(seen.length, 1, 'not retried');
  });

  for (const declared of [false, true]) {
    test(`a JSON answer of 50 MB ${declared ? 'with' : 'without'} a length: refused, reading stops early, memory bounded`, async (t) => {
      const pad = Buffer.alloc(MB, 0x61); // one buffer, written 50 times: the server holds 1 MB
      const open = Buffer.from(`{"data":[{"url":"${base}/cdn/a.png"}],"pad":"`);
      const close = Buffer.from('"}');
      const total = open.length + 50 * MB + close.length;
      const stats = { written: 0, finished: false, closed: false };
      handler = async (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...(declared ? { 'content-length': String(total) } : {}) });
        res.on('close', () => (stats.closed = true));
        res.on('finish', () => (stats.finished = true));
        const closed = new Promise<void>((r) => res.once('close', () => r()));
        const write = (b: Buffer) => Promise.race([closed, new Promise<void>((resolve) => (res.write(b) ? resolve() : res.once('drain', resolve)))]);
        await write(open);
        for (let i = 0; i < 50 && !res.destroyed; i++) {
          await write(pad);
          if (!res.destroyed) stats.written += pad.length;
        }
        if (!res.destroyed) res.end(close);
      };
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const e = await refused().finally(() => clearInterval(sampler));
      peak = Math.max(peak, process.memoryUsage().rss);
      says(e, 'bad-response', [/answer while generating was larger than 40 MB and was refused\./]);
      await until(() => stats.closed); // the connection was closed
      assert.equal(stats.finished, false, 'the 50 MB answer was never read to its end');
      assert.ok(stats.written < (declared ? 8 : 46) * MB, `reading stopped early: ${Math.round(stats.written / MB)} MB of 50 left the server`);
      assert.ok(peak - rss0 < 200 * MB, `memory bounded: RSS grew ${Math.round((peak - rss0) / MB)} MB`);
      t.diagnostic(`sent ${(stats.written / MB).toFixed(1)} MB of 50 before the client hung up; RSS +${Math.round((peak - rss0) / MB)} MB`);
      assert.equal(downloads().length, 0, 'no image was fetched');
    });
  }
});

// ---- 3. Nesting, shapes and lies ---------------------------------------------------------------------

const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

describe('answers nested 10,000 deep', () => {
  test('a success nested 10,000 (and 200,000) deep: a clear error, no stack overflow', async () => {
    for (const body of [
      `{"data":${nested(10_000)}}`,
      nested(10_000),
      `{"data":[{"url":${nested(10_000, '"https://x/y.png"')}}]}`,
      `{"images":[{"url":"https://x/y.png","content_type":${nested(10_000, '{}')}}]}`,
      `{"data":${nested(200_000)}}`,
    ]) {
      provider(body);
      const e = await refused();
      says(e, 'bad-response', [/AIML API's answer did not have the expected form \(no image list\)\. Try again later\./]);
      assert.equal(downloads().length, 0);
    }
  });

  test('an error answer nested 10,000 deep in its details: the status is reported, not a RangeError', async () => {
    for (const [status, body, kind, words] of [
      [
        400,
        `{"message":"Body validation error!","errors":[${nested(10_000)}]}`,
        'validation',
        /refused the request \(HTTP 400: Body validation error! \(\(unreadable\)\)\)\./,
      ],
      [422, `{"message":"Invalid","details":{"prompt":${nested(10_000)}}}`, 'validation', /HTTP 422: Invalid \(prompt: \(unreadable\)\)/],
      [400, `{"message":"flagged by moderation","details":{"x":${nested(10_000, '{"a":1}')}}}`, 'moderation', /refused the prompt by its content policy/],
      [500, `{"error":"boom","errors":[${nested(50_000, '"deep"')}]}`, 'server', /server problem \(HTTP 500: boom/],
      [401, nested(10_000), 'auth', /rejected the API key \(HTTP 401\)/],
    ] as const) {
      handler = (_req, res) => sendJson(res, status, body);
      const e = await refused();
      says(e, kind, [words]);
      assert.equal(e.status, status);
    }
  });

  test('apiframe: a job whose result is nested 10,000 deep finishes "without any image"', async () => {
    handler = (req, res) => {
      if (req.method === 'POST') sendJson(res, 200, { jobId: 'job-deep-1' });
      else sendJson(res, 200, `{"status":"COMPLETED","progress":100,"result":${nested(10_000, '"https://x/y.png"')}}`);
    };
    const e = await refused({ model: 'apiframe:flux-1.1-pro', prompt: 'deep' });
    says(e, 'bad-response', [/apiframe job job-deep-1 finished without any image\. Try again\./]);
    assert.equal(e.jobId, 'job-deep-1');
    assert.equal(downloads().filter((s) => s.url.startsWith('/cdn')).length, 0);
  });

  test('an error message of 1 MB is cut to a readable sentence', async () => {
    const words = `The prompt ${'is far too long and says so at length, '.repeat(30_000)}`;
    handler = (_req, res) => sendJson(res, 400, { message: words, details: { prompt: ['x\n'.repeat(100_000)] } });
    const e = await refused();
    says(e, 'validation', [/^The AIML API refused the request \(HTTP 400: The prompt is far too long and says so at length, /, /…/]);
    // The provider's own message is kept as one bounded line too: it may reach the log (issue 11, item 6).
    assert.match(e.providerMessage ?? '', /^The prompt is far too long and says so at length, .*…$/);
    assert.ok((e.providerMessage ?? '').length <= 300, `${(e.providerMessage ?? '').length} characters`);
  });
});

describe('content types that lie, headers that lie, bytes that are not an image', () => {
  test('a real PNG labelled text/html (in the answer and by the server) is accepted by its bytes; the key never goes to the image host', async () => {
    provider({ images: [{ url: `${base}/cdn/real.png`, content_type: 'text/html' }], seed: 7 }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': REAL_PNG.length });
      res.end(REAL_PNG);
    });
    const { logger, lines } = capture();
    const r = await generate(AIML, options({ logger }));
    assert.equal(r.images.length, 1);
    assert.deepEqual([r.images[0]!.info.type, r.images[0]!.info.width, r.images[0]!.info.height, r.seed], ['png', 2, 1, 7]);
    assert.ok(
      lines.some((l) => /^warn .*served as text\/html.* but the bytes are image\/png; using the bytes/.test(l)),
      lines.join('\n'),
    );
    const get = downloads();
    assert.equal(get.length, 1);
    assert.equal(get[0]!.authorization, undefined, 'no Authorization header on the download');
    assert.equal(get[0]!.apiKeyHeader, undefined);
    assert.equal(seen[0]!.authorization, `Bearer ${KEY}`, 'the key went to the API only');
  });

  test('an answer listing far more images than asked for: only the ones asked for are fetched', async () => {
    const urls = Array.from({ length: 500 }, (_, i) => ({ url: `${base}/cdn/many-${i}.png`, content_type: 'image/png' }));
    provider({ images: urls, seed: 7 }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': REAL_PNG.length });
      res.end(REAL_PNG);
    });
    const { logger, lines } = capture();
    const r = await generate(AIML, options({ logger }));
    assert.equal(r.images.length, 1, 'one image was asked for');
    assert.equal(downloads().length, 1, 'one download, not 500');
    assert.ok(
      lines.some((l) => /answered with 500 images for 1 asked/.test(l)),
      lines.join('\n'),
    );
  });

  test('HTML labelled image/png is refused, naming what it is', async () => {
    const page = Buffer.from('<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"></form></body></html>');
    provider({ data: [{ url: `${base}/cdn/a.png` }] }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': page.length });
      res.end(page);
    });
    const e = await refused();
    says(e, 'bad-response', [
      /What the AIML API sent as the image is not an image: it looks like an HTML page \(content type image\/png\)\. Nothing was saved; try again\./,
    ]);
  });

  test('a PNG whose header claims 100000x100000 pixels is refused, by URL or as b64_json', async () => {
    const bomb = png(100000, 100000);
    for (const answer of [
      { data: [{ url: `${base}/cdn/bomb.png` }] },
      { data: [{ b64_json: bomb.toString('base64') }] },
      { data: [{ b64_json: `data:image/png;base64,${bomb.toString('base64')}` }] },
    ]) {
      provider(answer, (_req, res) => {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': bomb.length });
        res.end(bomb);
      });
      const e = await refused();
      says(e, 'bad-response', [/What the AIML API sent as the image claims 100000x100000 pixels, which is not a usable image\. Nothing was saved\./]);
    }
    // Zero pixels and absurd widths are no better.
    for (const [w, h] of [
      [0, 10],
      [10, 0],
      [0x7fffffff, 1],
      [1, 0xffffffff],
    ] as const) {
      provider({ data: [{ b64_json: png(w, h, 1).toString('base64') }] });
      const e = await refused();
      says(e, 'bad-response', [/not (?:a usable image|an image)/, /Nothing was saved/]);
    }
  });

  test('b64_json that is not an image: refused, saying what it looks like', async () => {
    const cases: [string, RegExp][] = [
      [Buffer.from('{"error":"quota exceeded"}').toString('base64'), /it looks like JSON/],
      [Buffer.from('<html><body>502 Bad Gateway</body></html>').toString('base64'), /it looks like an HTML page/],
      [Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1').toString('base64'), /it looks like a GIF image/],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64'), /it looks like an SVG image/],
      [Buffer.from([0x00, 0xff, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef]).toString('base64'), /it looks like unknown binary data/],
      [Buffer.concat([REAL_PNG.subarray(0, 8), Buffer.from('no chunks here')]).toString('base64'), /it looks like a damaged PNG image/],
      ['', /answered without any image/], // empty: no image at all
    ];
    for (const [b64, words] of cases) {
      provider({ data: [{ b64_json: b64 }] });
      const e = await refused();
      says(e, 'bad-response', [words]);
      if (b64) assert.match(e.message, /is not an image.*Nothing was saved; try again\./);
      assert.equal(downloads().length, 0);
    }
    provider({ data: [{ b64_json: 'iVBORw0KGgo%%%%<script>' }] });
    says(await refused(), 'bad-response', [/sent the image as base64 text that is not valid base64\. Nothing was saved\./]);
  });

  test('one bad image among good ones: the whole generation is refused, nothing returned', async () => {
    const bomb = png(100000, 100000);
    provider({ data: [{ url: `${base}/cdn/ok.png` }, { b64_json: bomb.toString('base64') }] }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': REAL_PNG.length });
      res.end(REAL_PNG);
    });
    const e = await refused({ ...AIML, numImages: 2 });
    says(e, 'bad-response', [/sent as image 2 of 2 claims 100000x100000 pixels/]);
  });
});
