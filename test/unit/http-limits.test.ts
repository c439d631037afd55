/**
 * The transport at its limits: readBody at the edges of its cap and of a declared length, Retry-After
 * with decimals, the cause chains errorCode, deadlineOf and surelyNotSent look through (and how deep),
 * the time-outs and TLS options each dispatcher is made with, one dispatcher per address policy,
 * close, discard, and the retry loop's words. The servers are local (node:http and node:https on
 * 127.0.0.1, and a CONNECT proxy there); names are mapped to addresses by a `lookup` given to the
 * client, so nothing needs DNS or the network.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { getEventListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type LookupFunction, type Socket } from 'node:net';
import { addressRefusal } from '../../src/core/address';
import { FluxError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/log';
import {
  DeadlineError,
  deadlineOf,
  discard,
  errorCode,
  HttpClient,
  parseRetryAfter,
  readBody,
  sleep,
  surelyNotSent,
  withRetry,
  type HttpOptions,
  type HttpResponse,
} from '../../src/core/http';
import { testLogger } from './testLogger';
import { withoutProxyEnv } from './fakeApiHooks';

withoutProxyEnv();

/** Only for a test whose request would otherwise wait out a long default: it then fails instead of hanging. */
const HANG_GUARD = { timeout: 8_000 };

// ---- readBody ------------------------------------------------------------------------------------------

/** A body as undici gives it: an async iterable of chunks that can be destroyed. */
function body(chunks: readonly number[]) {
  let destroyed = false;
  let n = 0;
  return {
    get destroyed() {
      return destroyed;
    },
    destroy() {
      destroyed = true;
    },
    async *[Symbol.asyncIterator]() {
      for (const size of chunks) yield Buffer.alloc(size, ++n);
    },
  };
}
const bytesOf = (chunks: readonly number[]) => Buffer.concat(chunks.map((size, i) => Buffer.alloc(size, i + 1)));
const tooBig = () => new FluxError({ kind: 'bad-response', provider: 'aimlapi', message: 'too big' });

describe('readBody', () => {
  const CHUNKS = [3, 5, 7];
  const MAX = 15;

  test('a body of exactly the cap is read whole, whatever length was declared', async () => {
    for (const declared of [undefined, 0, -1, 2.5, NaN, Infinity, MAX, MAX + 1, Number.MAX_SAFE_INTEGER]) {
      const got = await readBody(body(CHUNKS) as never, MAX, tooBig, declared);
      assert.deepEqual(Buffer.from(got), bytesOf(CHUNKS), `declared ${declared}`);
    }
  });

  test('a body shorter than declared gives exactly the bytes that came', async () => {
    for (const chunks of [[3, 5], [], [MAX - 1]]) {
      const got = await readBody(body(chunks) as never, MAX, tooBig, MAX);
      assert.equal(
        got.length,
        chunks.reduce((a, b) => a + b, 0),
      );
      assert.deepEqual(Buffer.from(got), bytesOf(chunks));
    }
  });

  test('one byte over the cap is refused and the body destroyed, with a declared length or not', async () => {
    for (const declared of [undefined, MAX, MAX + 1]) {
      const b = body([3, 5, 8]);
      await assert.rejects(readBody(b as never, MAX, tooBig, declared), (e: unknown) => e instanceof FluxError && e.message === 'too big');
      assert.equal(b.destroyed, true, `declared ${declared}`);
    }
  });
});

// ---- Pure helpers ------------------------------------------------------------------------------------------

describe('parseRetryAfter', () => {
  test('decimal seconds are read as they are', () => {
    assert.equal(parseRetryAfter('1.25'), 1.25);
    assert.equal(parseRetryAfter(' 0.5 '), 0.5);
    assert.equal(parseRetryAfter('10.125'), 10.125);
  });
});

/** `inner` wrapped in `depth` errors, each the cause of the next. */
function wrapped(inner: unknown, depth: number): unknown {
  let e = inner;
  for (let i = 0; i < depth; i++) e = new Error(`wrapper ${i}`, { cause: e });
  return e;
}

describe('cause chains', () => {
  test('a DeadlineError says its code and deadline', () => {
    const e = new DeadlineError(300);
    assert.equal(e.name, 'DeadlineError');
    assert.equal(e.message, 'FLUX_DEADLINE 300');
    assert.equal(e.code, 'FLUX_DEADLINE');
    assert.equal(e.deadlineMs, 300);
  });

  test('deadlineOf finds a DeadlineError up to three causes deep, not four', () => {
    for (let depth = 0; depth <= 3; depth++) assert.equal(deadlineOf(wrapped(new DeadlineError(1500), depth)), 1500, `depth ${depth}`);
    assert.equal(deadlineOf(wrapped(new DeadlineError(1500), 4)), undefined);
  });

  test('deadlineOf without a DeadlineError is undefined, whatever ends the chain', () => {
    assert.equal(deadlineOf(Object.assign(new Error('has a deadlineMs but is no DeadlineError'), { deadlineMs: 5 })), undefined);
    assert.equal(deadlineOf(new Error('null cause', { cause: null })), undefined);
    assert.equal(deadlineOf(wrapped(null, 2)), undefined);
    assert.equal(deadlineOf(new Error('text cause', { cause: 'FLUX_DEADLINE' })), undefined);
    assert.equal(deadlineOf(undefined), undefined);
  });

  test('errorCode takes the first string code, up to three causes deep, not four', () => {
    const coded = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    for (let depth = 0; depth <= 3; depth++) assert.equal(errorCode(wrapped(coded, depth)), 'ECONNREFUSED', `depth ${depth}`);
    assert.equal(errorCode(wrapped(coded, 4)), undefined);
    assert.equal(errorCode(Object.assign(new Error('outer'), { code: 'UND_ERR_SOCKET', cause: coded })), 'UND_ERR_SOCKET');
    assert.equal(errorCode(Object.assign(new Error('numeric'), { code: 13, cause: coded })), 'ECONNREFUSED', 'a code that is not a string is skipped');
    assert.equal(errorCode(new Error('null cause', { cause: null })), undefined);
    assert.equal(errorCode(wrapped(null, 2)), undefined);
  });

  test('surelyNotSent: each code that proves the request never left, also as a cause', () => {
    for (const code of ['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']) {
      assert.equal(surelyNotSent(Object.assign(new Error(code), { code })), true, code);
      assert.equal(surelyNotSent(wrapped(Object.assign(new Error(code), { code }), 3)), true, `${code} three causes deep`);
    }
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'FLUX_DEADLINE', '']) {
      assert.equal(surelyNotSent(Object.assign(new Error(code), { code })), false, code);
    }
    assert.equal(surelyNotSent(wrapped(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 4)), false, 'too deep to be seen');
  });
});

// ---- Local servers ---------------------------------------------------------------------------------------

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** What the server answers unless a test says otherwise: /silent never answers, /stalls stops after a few bytes, the rest "ok". */
const usual: Handler = (req, res) => {
  if (req.url === '/silent') return;
  if (req.url === '/stalls') {
    res.writeHead(200, { 'content-length': 100 });
    res.write('the start, then nothing');
    return;
  }
  res.end('ok');
};

let server: http.Server;
let base = '';
let handler: Handler = usual;
let connections = 0;
/** The client port of the connection each request came on. */
const servedOn: number[] = [];
const sockets = new Set<Socket>();
const clients: HttpClient[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    servedOn.push(req.socket.remotePort ?? 0);
    req.resume();
    handler(req, res);
  });
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 60_000; // idle connections stay open for the whole run unless the client closes them
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  // Connections left waiting on purpose are cut first, so the clients can close.
  for (const s of sockets) s.destroy();
  await Promise.all(clients.map((c) => c.close()));
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  connections = 0;
  servedOn.length = 0;
  handler = usual;
});

function clientWith(options: HttpOptions = {}): HttpClient {
  const c = new HttpClient(options);
  clients.push(c);
  return c;
}

/** A resolver that maps every name to 127.0.0.1 and counts the look-ups. */
function loopbackLookup(asked: string[] = []): LookupFunction {
  return (hostname, options, callback) => {
    asked.push(hostname);
    if (options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
    return callback(null, '127.0.0.1', 4);
  };
}

/** Let pending callbacks and I/O run (undici hands a finished connection back to its pool on a later tick). */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

const getText = async (c: HttpClient, url: string, guard?: { allowLoopback: boolean; ownHost?: string }) => {
  const res = await c.send({ method: 'GET', url, ...(guard ? { guard } : {}) });
  const text = await res.body.text();
  await settle();
  return { status: res.status, text };
};

// The three time-outs run side by side: undici's timers fire on a coarse clock, about a second each.
describe('HttpClient options', { concurrency: true }, () => {
  test('the logger given, or a silent one', () => {
    const { logger } = testLogger();
    assert.equal(clientWith({ logger }).logger, logger);
    assert.equal(clientWith().logger, silentLogger);
  });

  test('connectTimeoutMs bounds the connection, the look-up included', HANG_GUARD, async () => {
    const never: LookupFunction = () => {}; // a resolver that never answers
    const c = clientWith({ lookup: never, connectTimeoutMs: 150, deadlineMs: 5_000 });
    const e = await rejection(c.send({ method: 'GET', url: 'http://silent.test/' }));
    assert.equal(errorCode(e), 'UND_ERR_CONNECT_TIMEOUT');
    assert.equal(surelyNotSent(e), true);
  });

  test('headersTimeoutMs bounds the wait for the answer', HANG_GUARD, async () => {
    const c = clientWith({ headersTimeoutMs: 150, deadlineMs: 5_000 });
    const e = await rejection(c.send({ method: 'GET', url: `${base}/silent` }));
    assert.equal(errorCode(e), 'UND_ERR_HEADERS_TIMEOUT');
  });

  test('bodyTimeoutMs bounds a silence in the body, and the error says how long it was', HANG_GUARD, async () => {
    const c = clientWith({ bodyTimeoutMs: 150, deadlineMs: 5_000 });
    const res = await c.send({ method: 'GET', url: `${base}/stalls` });
    const e = await rejection(res.body.text());
    assert.equal(errorCode(e), 'UND_ERR_BODY_TIMEOUT');
    assert.equal((e as { silenceMs?: unknown }).silenceMs, 150);
  });
});

describe('HttpClient dispatchers', () => {
  test('a dispatcher per address policy: allowing loopback for one request does not allow it for the next', async () => {
    const c = clientWith({ lookup: loopbackLookup() });
    const url = `http://images.test:${new URL(base).port}/a`;
    assert.deepEqual(await getText(c, url, { allowLoopback: true }), { status: 200, text: 'ok' });
    const e = await rejection(getText(c, url, { allowLoopback: false }));
    assert.equal(addressRefusal(e)?.kind, 'loopback', String(e));
  });

  test("the provider's own host is part of the policy: another own host does not inherit its allowance", async () => {
    const c = clientWith({ lookup: loopbackLookup() });
    const url = `http://images.test:${new URL(base).port}/a`;
    assert.equal((await getText(c, url, { allowLoopback: false, ownHost: 'images.test' })).status, 200);
    const e = await rejection(getText(c, url, { allowLoopback: false, ownHost: 'api.test' }));
    assert.equal(addressRefusal(e)?.kind, 'loopback', String(e));
  });

  test('requests under the same policy share one connection; an unguarded request gets its own', async () => {
    const asked: string[] = [];
    const c = clientWith({ lookup: loopbackLookup(asked) });
    const url = `http://images.test:${new URL(base).port}/a`;
    for (let i = 0; i < 3; i++) assert.equal((await getText(c, url, { allowLoopback: true })).status, 200);
    assert.equal(connections, 1, 'one connection for the three guarded requests');
    assert.deepEqual(asked, ['images.test'], 'looked up once, when connecting');
    assert.equal((await getText(c, url)).status, 200);
    assert.equal(connections, 2, 'the unguarded dispatcher has its own connection');
  });

  test('after close, the client sends nothing more', async () => {
    const c = clientWith();
    assert.equal((await getText(c, `${base}/a`)).status, 200);
    await c.close();
    const e = await rejection(getText(c, `${base}/b`));
    assert.match(errorCode(e) ?? '', /^UND_ERR_(CLOSED|DESTROYED)$/, String(e));
  });
});

describe('discard', () => {
  /**
   * GET a body of `size` bytes that the server sends in two halves, the second only once the body
   * has been discarded (so the discarding has to read, or give up on, what is still to come); wait
   * until the body is closed, then GET again: whether the second request came on the same connection.
   */
  async function discardThenAgain(size: number): Promise<boolean> {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    handler = (req, res) => {
      if (req.url !== '/halves') return usual(req, res);
      res.writeHead(200, { 'content-length': size });
      res.write(Buffer.alloc(size / 2));
      void released.then(() => {
        if (!res.destroyed) res.end(Buffer.alloc(size / 2));
      });
    };
    // A deadline past HANG_GUARD: a body that is never read fails the test instead of being ended by the deadline.
    const c = clientWith({ deadlineMs: 20_000 });
    const res: HttpResponse = await c.send({ method: 'GET', url: `${base}/halves` });
    const closed = new Promise((r) => res.body.once('close', r));
    discard(res.body);
    release();
    await closed;
    await settle();
    assert.equal((await getText(c, `${base}/again`)).status, 200);
    assert.equal(servedOn.length, 2);
    return servedOn[0] === servedOn[1];
  }

  test('a body up to 64 KB is read to its end, so its connection is used again', HANG_GUARD, async () => {
    assert.equal(await discardThenAgain(10 * 1024), true);
  });

  test('a body over 64 KB is not read: its connection is closed instead', HANG_GUARD, async () => {
    assert.equal(await discardThenAgain(100 * 1024), false);
  });
});

// ---- TLS and proxies --------------------------------------------------------------------------------------

/** A self-signed certificate for 127.0.0.1, made here (DER by hand): the tests need no key in the repository. */
function selfSigned(): { key: string; cert: string } {
  const der = (tag: number, ...parts: Buffer[]) => {
    const content = Buffer.concat(parts);
    const n = content.length;
    const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
    return Buffer.concat([Buffer.from([tag, ...length]), content]);
  };
  const seq = (...parts: Buffer[]) => der(0x30, ...parts);
  const oid = (dotted: string) => {
    const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
    const out = [40 * a + b];
    for (const v of rest) {
      const groups = [v & 0x7f];
      for (let x = v >>> 7; x > 0; x >>>= 7) groups.unshift((x & 0x7f) | 0x80);
      out.push(...groups);
    }
    return der(0x06, Buffer.from(out));
  };
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const algorithm = seq(oid('1.2.840.10045.4.3.2')); // ecdsa-with-SHA256
  const name = seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, Buffer.from('127.0.0.1')))));
  const validity = seq(der(0x17, Buffer.from('000101000000Z')), der(0x18, Buffer.from('20991231235959Z')));
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([1])),
    algorithm,
    name,
    validity,
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const certificate = seq(tbs, algorithm, der(0x03, Buffer.from([0]), sign('sha256', tbs, privateKey)));
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
  };
}

describe('TLS verification and proxies', () => {
  let tlsServer: https.Server;
  let tlsBase = '';
  let proxy: http.Server;
  let proxyUrl = '';
  const tunnels: string[] = [];
  const proxySockets = new Set<net.Socket>();

  before(async () => {
    tlsServer = https.createServer(selfSigned(), (_req, res) => res.end('secret'));
    tlsServer.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    tlsBase = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
    // A CONNECT proxy, as corporate proxies are: it records each tunnel and pipes it through.
    proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      proxySockets.add(socket);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      proxySockets.add(upstream);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const s of proxySockets) s.destroy();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => tlsServer.close(() => r()));
    await new Promise<void>((r) => proxy.close(() => r()));
  });

  beforeEach(() => {
    tunnels.length = 0;
  });

  test('certificates are verified unless strictSSL is false', async () => {
    const e = await rejection(getText(clientWith(), `${tlsBase}/`));
    assert.match(errorCode(e) ?? '', /SELF_SIGNED|CERT/, String(e));
    assert.match(errorCode(await rejection(getText(clientWith({ strictSSL: true }), `${tlsBase}/`))) ?? '', /SELF_SIGNED|CERT/);
    assert.deepEqual(await getText(clientWith({ strictSSL: false }), `${tlsBase}/`), { status: 200, text: 'secret' });
  });

  test('an explicit proxy carries the requests, through a tunnel', async () => {
    assert.deepEqual(await getText(clientWith({ proxy: proxyUrl }), `${base}/via-proxy`), { status: 200, text: 'ok' });
    assert.deepEqual(tunnels, [new URL(base).host]);
  });

  test('through a proxy, strictSSL false applies to the server behind it too; by default its certificate is verified', async () => {
    assert.deepEqual(await getText(clientWith({ proxy: proxyUrl, strictSSL: false }), `${tlsBase}/`), { status: 200, text: 'secret' });
    const e = await rejection(getText(clientWith({ proxy: proxyUrl }), `${tlsBase}/`));
    assert.match(errorCode(e) ?? '', /SELF_SIGNED|CERT/, String(e));
    assert.deepEqual(tunnels, [new URL(tlsBase).host, new URL(tlsBase).host]);
  });
});

// ---- sleep and withRetry --------------------------------------------------------------------------------

describe('sleep and withRetry', () => {
  test('a sleep that ends leaves no listener on its signal', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const ac = new AbortController();
    const s = sleep(50, ac.signal);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
    t.mock.timers.tick(50);
    await s;
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  });

  test('the retry warning names the HTTP status only when there is one', async () => {
    const { logger, lines } = testLogger();
    const policy = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterS: 5 };
    for (const status of [undefined, 503]) {
      await assert.rejects(
        withRetry(
          async () => {
            throw new FluxError({ kind: 'server', message: 'down', ...(status ? { status } : {}) });
          },
          () => true,
          { policy, logger, label: 'unit' },
        ),
      );
    }
    assert.deepEqual(
      lines.filter((l) => l.startsWith('warn ')),
      ['warn unit: server; retry 1 of 1 in 1 ms', 'warn unit: server (HTTP 503); retry 1 of 1 in 1 ms'],
    );
  });
});
