/**
 * Image addresses checked where it matters (issue 11, item 3): IP literals in every spelling in the
 * URL, and host names at connect time on the address they really resolved to, for the first
 * request and every redirect. Names are mapped to addresses by a `lookup` given to the HttpClient
 * (nothing here needs DNS); the "internal server" is a TCP server on loopback that counts the
 * connections it gets.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net, { type LookupFunction } from 'node:net';
import { startFakeApi, type FakeApi } from '../fake-api/server';
import { classifyAddress, guardedLookup, refusedAddress } from '../../src/core/address';
import { checkImageUrl, fetchImage } from '../../src/core/download';
import { generate } from '../../src/core/engine';
import { FluxError } from '../../src/core/errors';
import { HttpClient, type RetryPolicy } from '../../src/core/http';
import { testLogger } from './testLogger';
import { withoutProxyEnv } from './fakeApiHooks';

withoutProxyEnv();

const FAST: RetryPolicy = { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterS: 1 };
const KEY = process.env.FLUX_TEST_KEY ?? 'test-key-123';

/** A resolver that knows only `names` (lower case) and counts the look-ups it answers. */
function mapLookup(names: Record<string, string>, asked: string[] = []): LookupFunction {
  return (hostname, options, callback) => {
    asked.push(hostname);
    const address = names[hostname.toLowerCase()];
    if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    const family = net.isIP(address);
    if (options.all) return callback(null, [{ address, family }]);
    return callback(null, address, family);
  };
}

let fake: FakeApi;
/** The internal server: it must never see a connection. */
let internal: net.Server;
let internalPort = 0;
let connections = 0;
const clients: HttpClient[] = [];

before(async () => {
  fake = await startFakeApi();
  internal = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  internalPort = (internal.address() as net.AddressInfo).port;
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fake.close();
  await new Promise<void>((resolve) => internal.close(() => resolve()));
});

beforeEach(() => {
  fake.reset();
  connections = 0;
});

function clientWith(lookup: LookupFunction): HttpClient {
  // A short connect time-out: without the check, a connection to 169.254.169.254 would wait for it.
  const c = new HttpClient({ lookup, connectTimeoutMs: 1_000 });
  clients.push(c);
  return c;
}

async function rejects(p: Promise<unknown>): Promise<FluxError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FluxError, `expected a FluxError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a refusal');
}

describe('IP literals in the URL', () => {
  const refusedEverywhere = [
    'https://[::7f00:1]/a.png', // IPv4-compatible 127.0.0.1
    'https://[::127.0.0.1]/a.png',
    'https://[::ffff:127.0.0.1]/a.png', // IPv4-mapped
    'https://[::ffff:192.168.0.1]/a.png',
    'https://[::a00:1]/a.png', // IPv4-compatible 10.0.0.1
    'https://[fec0::1]/a.png', // site-local
    'https://[fc00::1]/a.png', // unique local
    'https://[fe80::1]/a.png', // link-local
    'https://[ff02::1]/a.png', // multicast
    'https://[64:ff9b::a9fe:a9fe]/a.png', // NAT64 of 169.254.169.254
    'https://[2002:a00:1::]/a.png', // 6to4 of 10.0.0.1
    'https://198.18.0.1/a.png', // benchmarking 198.18/15
    'https://198.19.255.255/a.png',
    'https://224.0.0.1/a.png', // multicast
    'https://239.255.255.250/a.png',
    'https://255.255.255.255/a.png', // broadcast
    'https://240.0.0.1/a.png', // reserved 240/4
    'https://0.1.2.3/a.png', // 0/8
    'https://100.64.0.1/a.png', // carrier-grade NAT 100.64/10
    'https://100.127.255.255/a.png',
    'https://10.0.0.1/a.png',
    'https://172.16.0.1/a.png',
    'https://192.168.0.1/a.png',
    'https://169.254.169.254/a.png',
    'https://192.0.0.8/a.png',
  ];

  test('every non-public range is refused, with a loopback provider or not', () => {
    for (const url of refusedEverywhere) {
      for (const loop of [false, true]) {
        const why = checkImageUrl(url, loop);
        assert.ok(why, `${url} (loopback provider ${loop}) must be refused`);
        assert.match(why, /private network address|reserved for special use|this computer/, url);
      }
    }
    assert.match(checkImageUrl('https://255.255.255.255/a.png', false) ?? '', /reserved for special use \(255\.255\.255\.255\), not a public server/);
    assert.match(checkImageUrl('https://[fec0::1]/a.png', false) ?? '', /private network address \(\[fec0::1\]\)/);
  });

  test('public addresses, and public IPv4 through NAT64, stay allowed', () => {
    for (const url of [
      'https://8.8.8.8/a.png',
      'https://198.20.0.1/a.png',
      'https://100.128.0.1/a.png',
      'https://223.255.255.255/a.png',
      'https://172.32.0.1/a.png',
      'https://[2606:4700::1111]/a.png',
      'https://[64:ff9b::808:808]/a.png',
    ]) {
      assert.equal(checkImageUrl(url, false), undefined, url);
    }
  });

  test("the provider's own configured host is allowed for its own URLs, whatever its address", () => {
    assert.equal(checkImageUrl('https://10.1.2.3/a.png', false, '10.1.2.3'), undefined);
    assert.match(checkImageUrl('https://10.1.2.4/a.png', false, '10.1.2.3') ?? '', /private network address/);
  });

  test('classifyAddress reads every spelling of an address', () => {
    const cases: [string, string | undefined][] = [
      ['127.0.0.1', 'loopback'],
      ['::1', 'loopback'],
      ['0:0:0:0:0:0:0:1', 'loopback'],
      ['::ffff:7f00:1', 'private'],
      ['::ffff:127.0.0.1', 'private'],
      ['::7f00:1', 'private'],
      ['::ffff:8.8.8.8', 'reserved'],
      ['::', 'private'],
      ['0.0.0.0', 'private'],
      ['10.255.255.255', 'private'],
      ['11.0.0.0', undefined],
      ['172.15.255.255', undefined],
      ['172.31.0.1', 'private'],
      ['198.17.255.255', undefined],
      ['198.18.0.0', 'reserved'],
      ['198.20.0.0', undefined],
      ['FEC0::1', 'private'],
      ['febf::1', 'private'],
      ['fe7f::1', undefined],
      ['fd00::', 'private'],
      ['ff00::', 'reserved'],
      ['2001:db8::1', 'reserved'],
      ['fe80::1%eth0', 'private'],
      ['2606:4700::1111', undefined],
      ['example.com', undefined],
      ['[::1]', 'loopback'],
    ];
    for (const [address, kind] of cases) assert.equal(classifyAddress(address), kind, address);
  });

  test('the connect-time policy: loopback only for a loopback provider, anything for its own host', () => {
    assert.equal(refusedAddress('cdn.test', '127.0.0.1', { allowLoopback: false }), 'loopback');
    assert.equal(refusedAddress('cdn.test', '127.0.0.1', { allowLoopback: true }), undefined);
    assert.equal(refusedAddress('cdn.test', '10.0.0.1', { allowLoopback: true }), 'private');
    assert.equal(refusedAddress('API.Provider.test.', '10.0.0.1', { allowLoopback: false, ownHost: 'api.provider.test' }), undefined);
    assert.equal(refusedAddress('cdn.test', '93.184.216.34', { allowLoopback: false }), undefined);
  });

  test('guardedLookup refuses a name if any of its addresses is refused, and answers both call shapes', async () => {
    const lookup = guardedLookup(
      { allowLoopback: false },
      (host: string, _o: unknown, cb: (e: Error | null, a: { address: string; family: number }[]) => void) =>
        cb(
          null,
          host === 'mixed.test'
            ? [
                { address: '93.184.216.34', family: 4 },
                { address: '10.0.0.1', family: 4 },
              ]
            : [{ address: '93.184.216.34', family: 4 }],
        ),
    );
    const ask = (host: string, all: boolean) =>
      new Promise<{ err: NodeJS.ErrnoException | null; result: unknown }>((resolve) => lookup(host, { all }, (err, result) => resolve({ err, result })));
    assert.equal((await ask('mixed.test', true)).err?.code, 'FLUX_ADDRESS_REFUSED');
    assert.deepEqual((await ask('public.test', true)).result, [{ address: '93.184.216.34', family: 4 }]);
    assert.equal((await ask('public.test', false)).result, '93.184.216.34');
  });
});

describe('host names, at connect time', () => {
  test('a name that resolves to this computer is refused before connecting; the internal server sees nothing', async () => {
    const asked: string[] = [];
    const http = clientWith(mapLookup({ 'internal.test': '127.0.0.1' }, asked));
    const e = await rejects(
      fetchImage({ url: `https://internal.test:${internalPort}/latest/meta-data` }, 0, 1, {
        http,
        provider: 'aimlapi',
        logger: testLogger().logger,
        allowLoopback: false,
      }),
    );
    assert.equal(e.kind, 'bad-response', e.message);
    assert.match(e.message, /that was refused: its host internal\.test resolves to this computer \(127\.0\.0\.1\)\. Nothing was saved\./);
    assert.deepEqual(asked, ['internal.test'], 'the check is on the address the name resolved to');
    assert.equal(connections, 0, 'the internal server got no connection (no TLS handshake, no GET)');
  });

  test('a redirect from the provider to a name on a private address is refused, at any hop', async () => {
    const http = clientWith(mapLookup({ 'metadata.test': '169.254.169.254', 'router.test': '192.168.1.1' }));
    for (const [count, host, why] of [
      [1, 'metadata.test', /its host metadata\.test resolves to a private network address \(169\.254\.169\.254\)/],
      [3, 'router.test', /its host router\.test resolves to a private network address \(192\.168\.1\.1\)/],
    ] as const) {
      fake.reset();
      fake.queueFaults({ kind: 'redirect', count, url: `https://${host}/latest/meta-data` });
      const e = await rejects(
        generate(
          { model: 'aimlapi:flux-pro/v1.1', prompt: `redirected ${count}` },
          { http, logger: testLogger().logger, baseUrl: fake.baseUrl, apiKey: KEY, retry: FAST },
        ),
      );
      assert.equal(e.kind, 'bad-response', e.message);
      assert.match(e.message, why);
      const hops = fake.requests.filter((r) => r.phase === 'download' || r.phase === 'redirect');
      assert.equal(hops.length, count, 'every hop on the provider was followed, the internal one not');
    }
  });

  test('a name that resolves to loopback is fine when the provider itself is on loopback (the fake API)', async () => {
    const http = clientWith(mapLookup({ 'images.localhost': '127.0.0.1' }));
    const logger = testLogger().logger;
    const made = await generate({ model: 'aimlapi:flux-pro/v1.1', prompt: 'a local image' }, { http, logger, baseUrl: fake.baseUrl, apiKey: KEY, retry: FAST });
    assert.equal(made.images.length, 1);
    const file = fake.requests.find((r) => r.phase === 'download')!.path;
    const port = new URL(fake.baseUrl).port;
    const again = await fetchImage({ url: `http://images.localhost:${port}${file}` }, 0, 1, {
      http,
      provider: 'aimlapi',
      logger,
      allowLoopback: true,
      ownHost: '127.0.0.1',
    });
    assert.equal(again.info.type, made.images[0]!.info.type);
  });
});
