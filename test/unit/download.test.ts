/**
 * Getting the images at the edges of every limit: the status codes a download can end with, the
 * redirects it follows (and the most it follows), base64 sources and their size cap, the pixel cap,
 * images cut short, what the server says the type is, the words that name "image N of M", the
 * progress counts of a batch and its cancellation. The images come from a stub HTTP server on
 * 127.0.0.1 (the downloads are allowed loopback, as for the fake API); names are mapped to
 * addresses by a `lookup` given to the HttpClient, so nothing needs DNS.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo, type LookupFunction, type Socket } from 'node:net';
import zlib from 'node:zlib';
import {
  DEFAULT_MAX_IMAGE_BYTES,
  fetchAll,
  fetchImage,
  isLoopbackUrl,
  MAX_PIXELS,
  MAX_REDIRECTS,
  verifyImage,
  type DownloadOptions,
} from '../../src/core/download';
import { FluxError } from '../../src/core/errors';
import { HttpClient } from '../../src/core/http';
import { crc32 } from '../../src/core/image';
import { testLogger } from './testLogger';
import { withoutProxyEnv } from './fakeApiHooks';

withoutProxyEnv();

const MB = 1024 * 1024;
/** Only a test whose download would otherwise never end needs this: a missing cancellation fails it instead of hanging. */
const HANG_GUARD = { timeout: 8_000 };

// ---- Images built by hand ---------------------------------------------------------------------------

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG whose header says width x height (RGB, 8 bits) over one tiny row of pixels. */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.alloc(1 + 2 * 3, 0x7f);
  row[0] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(row)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG = png(2, 1);

// ---- The stub image server ----------------------------------------------------------------------------

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface Seen {
  method: string;
  url: string;
  accept?: string;
}

let server: http.Server;
let port = 0;
let base = '';
let handler: Handler = (_req, res) => res.writeHead(500).end();
const seen: Seen[] = [];
const sockets = new Set<Socket>();
let client: HttpClient;

/** A resolver that knows only these names, as the download's connections would see them. */
const NAMES: Record<string, string> = {
  'img.localhost': '127.0.0.1',
  'own.localhost': '::ffff:127.0.0.1', // an IPv4-mapped address: refused for any host but the provider's own
  'other.localhost': '::ffff:127.0.0.1',
  'doc.test': '192.0.2.10',
};
const lookup: LookupFunction = (hostname, options, callback) => {
  const address = NAMES[hostname.toLowerCase()];
  if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
  const family = net.isIP(address);
  if (options.all) return callback(null, [{ address, family }]);
  return callback(null, address, family);
};

before(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', ...(typeof req.headers.accept === 'string' ? { accept: req.headers.accept } : {}) });
    req.resume();
    handler(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  // A deadline longer than HANG_GUARD: a download left hanging fails its test rather than ending by the deadline.
  client = new HttpClient({ lookup, deadlineMs: 20_000 });
});

after(async () => {
  // Connections still open (a download left waiting on purpose) are cut first, so the client can close.
  for (const s of sockets) s.destroy();
  await client.close();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  seen.length = 0;
  handler = (_req, res) => res.writeHead(500).end();
});

/** Serve `bytes` with these headers (a content-length unless told otherwise). */
function serve(res: http.ServerResponse, bytes: Buffer, headers: http.OutgoingHttpHeaders = { 'content-type': 'image/png' }, status = 200): void {
  res.writeHead(status, { 'content-length': bytes.length, ...headers });
  res.end(bytes);
}

function options(extra: Partial<DownloadOptions> = {}): DownloadOptions & { lines: string[] } {
  const { logger, lines } = testLogger();
  return { http: client, provider: 'aimlapi', logger, allowLoopback: true, lines, ...extra };
}

/** The FluxError a download ends with. */
async function failure(p: Promise<unknown>): Promise<FluxError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FluxError, `expected a FluxError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return e;
  }
  assert.fail('expected the download to fail');
}

const get = (path: string, extra: Partial<DownloadOptions> = {}, index = 0, total = 1) => fetchImage({ url: `${base}${path}` }, index, total, options(extra));

// ---- verifyImage ----------------------------------------------------------------------------------------

describe('verifyImage', () => {
  test('an image of exactly MAX_PIXELS pixels is accepted; one more row is refused', () => {
    assert.equal(MAX_PIXELS, 8192 * 8192);
    const info = verifyImage(png(8192, 8192), 'the image', 'aimlapi');
    assert.deepEqual([info.type, info.width, info.height], ['png', 8192, 8192]);
    assert.throws(
      () => verifyImage(png(8192, 8193), 'the image', 'aimlapi'),
      (e: unknown) =>
        e instanceof FluxError &&
        e.kind === 'bad-response' &&
        e.message === 'What the AIML API sent as the image claims 8192x8193 pixels, which is not a usable image. Nothing was saved.',
    );
  });

  test('a zero width or height is not an image at all', () => {
    for (const [w, h] of [
      [0, 10],
      [10, 0],
    ] as const) {
      assert.throws(
        () => verifyImage(png(w, h), 'the image', 'aimlapi'),
        (e: unknown) => e instanceof FluxError && e.kind === 'bad-response' && /is not an image: it looks like a damaged PNG image\./.test(e.message),
      );
    }
  });

  test('an image cut short "arrived incomplete": a network error worth retrying, the sentence starting with a capital', () => {
    const cut = PNG.subarray(0, PNG.length - 1);
    for (const [where, sentence] of [
      ['the image', 'The image from the AIML API arrived incomplete. Nothing was saved; try again.'],
      ['image 2 of 3', 'Image 2 of 3 from the AIML API arrived incomplete. Nothing was saved; try again.'],
    ] as const) {
      assert.throws(
        () => verifyImage(cut, where, 'aimlapi'),
        (e: unknown) => e instanceof FluxError && e.kind === 'network' && e.retryable && e.message === sentence,
      );
    }
    assert.equal(verifyImage(PNG, 'the image', 'aimlapi').type, 'png');
  });
});

// ---- Base64 sources ----------------------------------------------------------------------------------------

describe('fetchImage: base64 sources', () => {
  const b64 = PNG.toString('base64');

  test('a data: URL header at the start is taken off; anything before it makes the text invalid base64', async () => {
    for (const text of [b64, `data:image/png;base64,${b64}`, `data:,${b64}`]) {
      const got = await fetchImage({ b64: text }, 0, 1, options());
      assert.deepEqual(Buffer.from(got.bytes), PNG);
    }
    const e = await failure(fetchImage({ b64: ` data:image/png;base64,${b64}` }, 0, 1, options()));
    assert.equal(e.message, 'The AIML API sent the image as base64 text that is not valid base64. Nothing was saved.');
    assert.equal(seen.length, 0, 'nothing was fetched');
  });

  test('the size cap is on the decoded size: text that decodes to exactly the cap passes, one byte less of cap refuses it', async () => {
    const decoded = Math.floor((b64.length * 3) / 4); // with the padding, a little more than the PNG itself
    assert.ok(decoded >= PNG.length);
    const got = await fetchImage({ b64: `data:image/png;base64,${b64}` }, 0, 1, options({ maxBytes: decoded }));
    assert.equal(got.info.type, 'png');
    const e = await failure(fetchImage({ b64 }, 0, 1, options({ maxBytes: decoded - 1 })));
    assert.equal(e.kind, 'bad-response');
    assert.match(e.message, /^The AIML API sent the image of 0\.0 MB, more than the 0\.0 MB limit\. Nothing was saved\.$/);
  });

  test('the refusal names both sizes in MB: one decimal below 10 MB', async () => {
    const e = await failure(fetchImage({ b64: `data:image/png;base64,${'A'.repeat(2 * MB)}` }, 1, 2, options({ maxBytes: MB })));
    assert.equal(e.message, 'The AIML API sent image 2 of 2 of 1.5 MB, more than the 1.0 MB limit. Nothing was saved.');
    assert.equal(DEFAULT_MAX_IMAGE_BYTES, 50 * MB);
  });
});

// ---- Downloads over HTTP ---------------------------------------------------------------------------------------

describe('fetchImage: what is asked and what is accepted', () => {
  test('a GET asking for image types; the bytes and their real type come back, and the download is logged', async () => {
    handler = (_req, res) => serve(res, PNG);
    const opts = options();
    const started = Date.now();
    const got = await fetchImage({ url: `${base}/cdn/a.png` }, 0, 1, opts);
    const elapsed = Date.now() - started;
    assert.deepEqual(Buffer.from(got.bytes), PNG);
    assert.deepEqual([got.info.type, got.info.width, got.info.height], ['png', 2, 1]);
    assert.deepEqual(seen, [{ method: 'GET', url: '/cdn/a.png', accept: 'image/png, image/jpeg, image/webp' }]);
    const logged = opts.lines.filter((l) => l.startsWith('info '));
    assert.equal(logged.length, 1, opts.lines.join('\n'));
    const m = /^info downloaded the image: (\d+) bytes, png 2x1 in (\d+) ms$/.exec(logged[0]!);
    assert.ok(m, logged[0]);
    assert.equal(Number(m[1]), PNG.length);
    assert.ok(Number(m[2]) <= elapsed, `the time logged (${m[2]} ms) is the time the download took (at most ${elapsed} ms)`);
    assert.deepEqual(
      opts.lines.filter((l) => l.startsWith('warn ')),
      [],
    );
  });

  test('the served content type only matters when it names another type: no type, other case or parameters are fine', async () => {
    for (const [headers, warned] of [
      [{}, false],
      [{ 'content-type': 'image/png' }, false],
      [{ 'content-type': 'Image/PNG; charset=binary' }, false],
      [{ 'content-type': 'image/jpeg' }, true],
    ] as const) {
      handler = (_req, res) => serve(res, PNG, headers);
      const opts = options();
      const got = await fetchImage({ url: `${base}/cdn/typed.png` }, 0, 1, opts);
      assert.equal(got.info.type, 'png');
      const warnings = opts.lines.filter((l) => l.startsWith('warn '));
      if (warned) assert.deepEqual(warnings, ['warn the image: served as image/jpeg but the bytes are image/png; using the bytes']);
      else assert.deepEqual(warnings, [], JSON.stringify(headers));
    }
  });

  test('a declared length of exactly the cap is read; a larger one is refused before reading, in whole MB from 10 MB', async () => {
    handler = (_req, res) => serve(res, PNG);
    const got = await get('/cdn/exact.png', { maxBytes: PNG.length });
    assert.equal(got.bytes.length, PNG.length);

    let closed!: Promise<void>;
    handler = (_req, res) => {
      closed = new Promise((r) => res.once('close', () => r()));
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(12 * MB) });
      res.write(PNG);
    };
    const e = await failure(get('/cdn/declared.png', { maxBytes: 10 * MB }));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.message, 'The AIML API sent the image of 12 MB, more than the 10 MB limit. Nothing was saved.');
    await closed; // the client hung up instead of reading the rest
  });

  test('a body without a declared length is stopped at the cap', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(PNG);
      res.end(Buffer.alloc(1.5 * MB));
    };
    const e = await failure(get('/cdn/chunked.png', { maxBytes: MB }));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.message, 'The AIML API sent the image of more than 1.0 MB, more than the 1.0 MB limit. Nothing was saved.');
  });
});

describe('fetchImage: status codes', () => {
  const cases: [status: number, kind: string, expired: boolean][] = [
    [400, 'bad-response', false],
    [401, 'bad-response', false],
    [403, 'bad-response', true],
    [404, 'bad-response', true],
    [410, 'bad-response', true],
    [429, 'rate-limit', false],
    [499, 'bad-response', false],
    [500, 'server', false],
    [503, 'server', false],
  ];
  for (const [status, kind, expired] of cases) {
    test(`HTTP ${status} is a ${kind} error${expired ? ' that says the link may have expired' : ''}`, async () => {
      handler = (_req, res) => serve(res, Buffer.from('{"error":"no"}'), { 'content-type': 'application/json' }, status);
      const e = await failure(get('/cdn/status.png'));
      assert.equal(e.kind, kind);
      assert.equal(e.status, status);
      assert.equal(e.retryable, kind !== 'bad-response', 'retryable: a rate limit and a server error, not a refusal');
      assert.equal(
        e.message,
        expired
          ? `Downloading the image from the AIML API failed with HTTP ${status} (the link may have expired). Nothing was saved; generate again.`
          : `Downloading the image from the AIML API failed with HTTP ${status}. Nothing was saved; generate again.`,
      );
    });
  }

  test('any 2xx is a success, 299 included; a Location header on a 200 is not followed', async () => {
    for (const status of [200, 203, 299]) {
      seen.length = 0;
      handler = (_req, res) => serve(res, PNG, { 'content-type': 'image/png', location: `${base}/elsewhere.png` }, status);
      const got = await get('/cdn/ok.png');
      assert.equal(got.info.type, 'png', `HTTP ${status}`);
      assert.deepEqual(
        seen.map((s) => s.url),
        ['/cdn/ok.png'],
      );
    }
  });

  test('300 to 399 with a Location are redirects; without one, or outside that range, the status is the answer', async () => {
    handler = (req, res) => {
      if (req.url === '/final.png') return serve(res, PNG);
      const [status, withLocation] = req.url === '/300' ? [300, true] : req.url === '/302-bare' ? [302, false] : req.url === '/400' ? [400, true] : [404, true];
      res.writeHead(status, { 'content-length': 0, ...(withLocation ? { location: '/final.png' } : {}) }).end();
    };
    assert.equal((await get('/300')).info.type, 'png');
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/300', '/final.png'],
    );
    for (const [path, status] of [
      ['/302-bare', 302],
      ['/400', 400],
      ['/404', 404],
    ] as const) {
      seen.length = 0;
      const e = await failure(get(path));
      assert.equal(e.status, status, path);
      assert.deepEqual(
        seen.map((s) => s.url),
        [path],
        `${path}: no hop was taken`,
      );
    }
  });
});

describe('fetchImage: redirects', () => {
  /** Redirects `hops` times (relative, then absolute Locations), then serves the image. */
  const chain = (hops: number): Handler => {
    return (req, res) => {
      const n = Number(/^\/hop\/(\d+)$/.exec(req.url ?? '')?.[1] ?? NaN);
      if (n >= hops) return serve(res, PNG);
      const location = n % 2 === 0 ? `/hop/${n + 1}` : `http://img.localhost:${port}/hop/${n + 1}`;
      res.writeHead(n % 2 === 0 ? 302 : 307, { location, 'content-length': 0 }).end();
    };
  };

  test(`up to ${MAX_REDIRECTS} redirects are followed`, HANG_GUARD, async () => {
    assert.equal(MAX_REDIRECTS, 3);
    handler = chain(3);
    const got = await get('/hop/0');
    assert.equal(got.info.type, 'png');
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/hop/0', '/hop/1', '/hop/2', '/hop/3'],
    );
  });

  test('a fourth redirect stops the download: the hop is not taken, nothing is saved', HANG_GUARD, async () => {
    handler = chain(4);
    const e = await failure(get('/hop/0'));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.message, 'The download of the image was redirected more than 3 times and was stopped. Nothing was saved.');
    assert.equal(seen.length, 4, 'the first request and three redirects');
  });

  test('a Location that is not a URL is refused as such, not fetched again', async () => {
    handler = (_req, res) => res.writeHead(302, { location: 'http://[::1', 'content-length': 0 }).end();
    const e = await failure(get('/broken-location'));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.message, 'The AIML API gave an address for the image that was refused: it is not a valid URL. Nothing was saved.');
    assert.equal(seen.length, 1);
  });
});

describe('fetchImage: addresses at connect time', () => {
  test('a name that resolves to a reserved address is refused, naming the host and the address', async () => {
    const e = await failure(fetchImage({ url: 'https://doc.test/a.png' }, 0, 1, options({ allowLoopback: false })));
    assert.equal(e.kind, 'bad-response');
    assert.equal(
      e.message,
      'The AIML API gave an address for the image that was refused: its host doc.test resolves to an address reserved for special use (192.0.2.10), not a public server. Nothing was saved.',
    );
  });

  test("the provider's own host may resolve to any address; another name on the same address is refused", async () => {
    handler = (_req, res) => serve(res, PNG);
    const own = await fetchImage({ url: `http://own.localhost:${port}/own.png` }, 0, 1, options({ ownHost: 'own.localhost' }));
    assert.equal(own.info.type, 'png');
    const e = await failure(fetchImage({ url: `http://other.localhost:${port}/other.png` }, 0, 1, options({ ownHost: 'own.localhost' })));
    assert.match(e.message, /its host other\.localhost resolves to a private network address \(::ffff:127\.0\.0\.1\)/);
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/own.png'],
    );
  });

  test('a connection failure names which image was being downloaded', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const e = await failure(fetchImage({ url: `http://127.0.0.1:${closedPort}/a.png` }, 1, 3, options()));
    assert.equal(e.kind, 'network');
    assert.equal(e.message, 'The AIML API refused the connection while downloading image 2 of 3. Check the base URL and proxy settings, then try again.');
    const single = await failure(fetchImage({ url: `http://127.0.0.1:${closedPort}/a.png` }, 0, 1, options()));
    assert.match(single.message, /while downloading the image\./);
  });

  test('a download whose signal is already aborted fetches nothing', async () => {
    handler = (_req, res) => serve(res, PNG);
    const e = await failure(fetchImage({ url: `${base}/cdn/never.png` }, 0, 1, options({ signal: AbortSignal.abort() })));
    assert.equal(e.kind, 'cancelled');
    assert.equal(seen.length, 0);
  });

  test('isLoopbackUrl: loopback names and addresses; anything that is not a URL is not loopback', () => {
    assert.equal(isLoopbackUrl('http://img.localhost./a.png'), true);
    assert.equal(isLoopbackUrl('http://[::1]:4010/a.png'), true);
    assert.equal(isLoopbackUrl('https://cdn.example.com/a.png'), false);
    assert.equal(isLoopbackUrl('not a url'), false);
  });
});

// ---- Batches --------------------------------------------------------------------------------------------

describe('fetchAll', () => {
  test('each image is reported done as it arrives (1 of 2, then 2 of 2) and the results keep their order', async () => {
    handler = (_req, res) => serve(res, PNG);
    const done: [number, number][] = [];
    const images = await fetchAll([{ url: `${base}/cdn/1.png` }, { b64: PNG.toString('base64') }], options(), (n, total) => done.push([n, total]));
    assert.deepEqual(done, [
      [1, 2],
      [2, 2],
    ]);
    assert.equal(images.length, 2);
    for (const img of images) assert.deepEqual(Buffer.from(img.bytes), PNG);
  });

  test('without a progress callback or a mapping, the images themselves are returned', async () => {
    const images = await fetchAll([{ b64: PNG.toString('base64') }], options());
    assert.equal(images.length, 1);
    assert.equal(images[0]!.info.type, 'png');
    const mapped = await fetchAll(
      [{ b64: PNG.toString('base64') }, { b64: PNG.toString('base64') }],
      options(),
      undefined,
      (img, i) => `${i}:${img.info.width}`,
    );
    assert.deepEqual(mapped, ['0:2', '1:2']);
  });

  test('a batch given a signal already aborted fetches nothing and says it was cancelled', async () => {
    let asked = 0;
    handler = (_req, res) => {
      asked++;
      serve(res, PNG);
    };
    const e = await failure(fetchAll([{ url: `${base}/cdn/1.png` }, { url: `${base}/cdn/2.png` }], options({ signal: AbortSignal.abort() })));
    assert.equal(e.kind, 'cancelled');
    // The positive signal that the server would have answered: the same batch without the signal is served.
    assert.equal((await fetchAll([{ url: `${base}/cdn/3.png` }], options())).length, 1);
    assert.equal(asked, 1, 'only the batch without the aborted signal reached the server');
  });

  test('cancelling the batch stops a download in progress, and the batch forgets the signal once it ends', HANG_GUARD, async () => {
    let arrived!: () => void;
    const waiting = new Promise<void>((r) => (arrived = r));
    handler = () => arrived(); // never answers
    const ac = new AbortController();
    const run = fetchAll([{ url: `${base}/cdn/slow.png` }], options({ signal: ac.signal }));
    await waiting;
    ac.abort();
    const e = await failure(run);
    assert.equal(e.kind, 'cancelled');
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);

    const kept = new AbortController();
    await fetchAll([{ b64: PNG.toString('base64') }], options({ signal: kept.signal }));
    assert.equal(getEventListeners(kept.signal, 'abort').length, 0, 'no listener is left on a signal that outlives the batch');
  });
});
