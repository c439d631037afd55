/**
 * Which addresses an image may come from, at the edges of each rule: the documentation and other
 * special-use ranges, every way an IPv6 address can carry an IPv4 one (mapped, compatible, NAT64,
 * 6to4), zone indexes and brackets; the guarded lookup that checks every address a name resolves
 * to; and finding the refusal inside a wrapped error. Everything here is pure or uses a fake
 * resolver: nothing touches the network.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { addressRefusal, AddressRefusedError, classifyAddress, guardedLookup, sameHost, type AddressKind, type AddressPolicy } from '../../src/core/address';

function expectKinds(cases: readonly (readonly [string, AddressKind | undefined])[]): void {
  for (const [address, kind] of cases) assert.equal(classifyAddress(address), kind, address);
}

describe('classifyAddress', () => {
  test('the three IPv4 documentation ranges are reserved; their neighbours are public', () => {
    expectKinds([
      ['192.0.2.0', 'reserved'],
      ['192.0.2.1', 'reserved'],
      ['192.0.2.255', 'reserved'],
      ['198.51.100.7', 'reserved'],
      ['203.0.113.9', 'reserved'],
      ['203.0.113.255', 'reserved'],
      ['192.0.3.1', undefined],
      ['198.51.101.1', undefined],
      ['203.0.112.255', undefined],
      ['203.0.114.0', undefined],
    ]);
  });

  test('IPv4-mapped and IPv4-compatible spellings are classified by their IPv4 address, loopback counting as private', () => {
    expectKinds([
      ['::ffff:192.168.10.20', 'private'],
      ['::ffff:10.20.30.40', 'private'],
      ['::ffff:127.0.0.1', 'private'],
      ['::ffff:c0a8:a14', 'private'],
      ['::ffff:198.51.100.7', 'reserved'],
      ['::ffff:93.184.216.34', 'reserved'], // even a public IPv4 address is not a server when spelled this way
      // ::2 is the IPv4-compatible spelling of 0.0.0.2, not the loopback ::1.
      ['::2', 'private'],
      ['::1', 'loopback'],
      ['::', 'private'],
    ]);
  });

  test('NAT64 (64:ff9b::/96) carries its IPv4 address: public stays public, internal is refused, loopback is private', () => {
    expectKinds([
      ['64:ff9b::7f00:1', 'private'],
      ['64:ff9b::127.0.0.1', 'private'],
      ['64:ff9b::a9fe:a9fe', 'private'],
      ['64:ff9b::192.168.10.20', 'private'],
      ['64:ff9b::c000:201', 'reserved'],
      ['64:ff9b::93.184.216.34', undefined],
      ['64:ff9b::808:808', undefined],
    ]);
  });

  test('local-use NAT64 (64:ff9b:1::/48) belongs to a private network, whatever it embeds; IPv4-translated ::ffff:0:a.b.c.d is an IPv4 spelling', () => {
    expectKinds([
      ['64:ff9b:1::808:808', 'private'],
      ['64:ff9b:1:ffff::5db8:d822', 'private'],
      ['64:ff9b:2::808:808', undefined],
      ['::ffff:0:127.0.0.1', 'private'],
      ['::ffff:0:10.0.0.1', 'private'],
      ['::ffff:0:93.184.216.34', 'reserved'],
      ['::1:ffff:0:808:808', undefined],
    ]);
  });

  test('ff9b in the second group of a private or multicast address does not make it NAT64', () => {
    expectKinds([
      ['fd00:ff9b::808:808', 'private'],
      ['fe80:ff9b::808:808', 'private'],
      ['ff02:ff9b::808:808', 'reserved'],
    ]);
  });

  test('6to4 (2002::/16) carries its IPv4 address in the second and third groups', () => {
    expectKinds([
      ['2002:7f00:1::', 'private'],
      ['2002:7f00:1::1', 'private'],
      ['2002:c0a8:101::1', 'private'],
      ['2002:c000:201::', 'reserved'],
      ['2002:808:808::1', undefined],
    ]);
  });

  test('IPv6 documentation (2001:db8::/32) and discard-only (100::/64) are reserved; other 2001: addresses are public', () => {
    expectKinds([
      ['2001:db8::1', 'reserved'],
      ['2001:db8:ffff:ffff::', 'reserved'],
      ['100::', 'reserved'],
      ['100::1', 'reserved'],
      ['100:0:0:0:ffff::1', 'reserved'],
      ['2001:4860:4860::8888', undefined],
      ['2001:470::1', undefined],
      ['2606:db8::1', undefined],
    ]);
  });

  test('"::" standing for a single group of zeros is read as eight groups', () => {
    expectKinds([
      ['2606:4700:1:2:3:4:5::', undefined],
      ['fd00:1:2:3:4:5:6::', 'private'],
      ['::1:2:3:4:5:6:7', undefined],
    ]);
  });

  test('a zone index is ignored, whatever characters the interface name has', () => {
    expectKinds([
      ['fe80::1%eth0', 'private'],
      ['fe80::1%br_lan', 'private'],
      ['fe80::1%en/0', 'private'],
      ['fe80::1%1', 'private'],
      ['[fe80::1%eth0]', 'private'],
      ['ff02::1%eth0', 'reserved'],
    ]);
  });

  test('brackets around the whole address are removed; a stray bracket elsewhere makes it no address at all', () => {
    expectKinds([
      ['[::1]', 'loopback'],
      ['[fd00::1]', 'private'],
      ['[2606:4700::1111]', undefined],
      ['::1[', undefined],
      [']::1', undefined],
      ['::[1]', undefined],
      ['example.com', undefined],
      ['', undefined],
    ]);
  });
});

describe('sameHost', () => {
  test('compares host names as DNS does: brackets, a final dot and case do not matter', () => {
    assert.equal(sameHost('[::1]', '::1'), true);
    assert.equal(sameHost('[fd00::5]', 'FD00::5'), true);
    assert.equal(sameHost('Images.Example.COM.', 'images.example.com'), true);
    assert.equal(sameHost('images.example.com', 'example.com'), false);
  });
});

describe('AddressRefusedError and addressRefusal', () => {
  const refusal = new AddressRefusedError('cdn.test', '10.0.0.1', 'private');

  test('the error names its code and kind, and keeps the host and address', () => {
    assert.equal(refusal.name, 'AddressRefusedError');
    assert.equal(refusal.message, 'FLUX_ADDRESS_REFUSED private');
    assert.equal(refusal.code, 'FLUX_ADDRESS_REFUSED');
    assert.deepEqual([refusal.hostname, refusal.address, refusal.kind], ['cdn.test', '10.0.0.1', 'private']);
  });

  /** `inner` wrapped in `depth` errors, each the cause of the next. */
  const wrapped = (inner: unknown, depth: number): unknown => {
    let e = inner;
    for (let i = 0; i < depth; i++) e = new Error(`wrapper ${i}`, { cause: e });
    return e;
  };

  test('finds the refusal itself and up to four causes deep, not five', () => {
    for (let depth = 0; depth <= 4; depth++) assert.equal(addressRefusal(wrapped(refusal, depth)), refusal, `depth ${depth}`);
    assert.equal(addressRefusal(wrapped(refusal, 5)), undefined, 'depth 5 is past the search');
  });

  test('an error without a refusal in its chain gives undefined, whatever ends the chain', () => {
    assert.equal(addressRefusal(new Error('plain')), undefined);
    assert.equal(addressRefusal(new Error('wrapper', { cause: new Error('inner') })), undefined);
    assert.equal(addressRefusal(new Error('null cause', { cause: null })), undefined);
    assert.equal(addressRefusal(new Error('text cause', { cause: 'refused' })), undefined);
    assert.equal(addressRefusal(wrapped(null, 3)), undefined);
    assert.equal(addressRefusal(null), undefined);
    assert.equal(addressRefusal('FLUX_ADDRESS_REFUSED'), undefined);
  });
});

describe('guardedLookup', () => {
  type Answer = { err: NodeJS.ErrnoException | null; result: unknown; family: unknown };
  type Base = (hostname: string, options: { all?: boolean }, callback: (err: NodeJS.ErrnoException | null, result: unknown, family?: number) => void) => void;

  /** Ask `lookup` for `host` the way net asks: for one address, or for all of them. */
  const ask = (lookup: LookupFunction, host: string, all: boolean) =>
    new Promise<Answer>((resolve) => lookup(host, { all }, (err, result, family) => resolve({ err, result, family })));
  const guarded = (policy: AddressPolicy, base: Base) => guardedLookup(policy, base as unknown as LookupFunction);

  test('every address of a name is checked, even when the caller asks for one and the first is public', async () => {
    const addresses: LookupAddress[] = [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.1', family: 4 },
    ];
    const seen: (boolean | undefined)[] = [];
    // Like dns.lookup: all addresses only when asked for all, else the first.
    const lookup = guarded({ allowLoopback: false }, (_host, options, cb) => {
      seen.push(options.all);
      if (options.all) cb(null, addresses);
      else cb(null, addresses[0]!.address, addresses[0]!.family);
    });
    for (const all of [false, true]) {
      const { err } = await ask(lookup, 'mixed.test', all);
      assert.ok(err instanceof AddressRefusedError, `all: ${all}`);
      assert.deepEqual([err.hostname, err.address, err.kind], ['mixed.test', '10.0.0.1', 'private']);
    }
    assert.deepEqual(seen, [true, true], 'the resolver was always asked for every address');
  });

  test("a resolver's error is passed on unchanged", async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND gone.test'), { code: 'ENOTFOUND' });
    const { err } = await ask(
      guarded({ allowLoopback: false }, (_h, _o, cb) => cb(failure, undefined)),
      'gone.test',
      false,
    );
    assert.equal(err, failure);
  });

  test('a name with no address at all fails as not found, naming the host', async () => {
    for (const all of [false, true]) {
      const { err } = await ask(
        guarded({ allowLoopback: false }, (_h, _o, cb) => cb(null, [])),
        'empty.test',
        all,
      );
      assert.ok(err, `all: ${all}`);
      assert.equal(err.code, 'ENOTFOUND');
      assert.equal(err.message, 'ENOTFOUND empty.test');
    }
  });

  test('a resolver that answers one address without a family: the family is read from the address', async () => {
    for (const [address, family] of [
      ['93.184.216.34', 4],
      ['2606:4700::1111', 6],
    ] as const) {
      const lookup = guarded({ allowLoopback: false }, (_h, _o, cb) => cb(null, address));
      assert.deepEqual(await ask(lookup, 'one.test', true), { err: null, result: [{ address, family }], family: undefined });
      assert.deepEqual(await ask(lookup, 'one.test', false), { err: null, result: address, family });
    }
    const refused = await ask(
      guarded({ allowLoopback: false }, (_h, _o, cb) => cb(null, '169.254.169.254')),
      'metadata.test',
      false,
    );
    assert.ok(refused.err instanceof AddressRefusedError);
    assert.equal(refused.err.kind, 'private');
  });

  test("the provider's own host may resolve anywhere; loopback only when the policy allows it", async () => {
    const base: Base = (host, _o, cb) => cb(null, [{ address: host.startsWith('api') ? '10.0.0.7' : '127.0.0.1', family: 4 }]);
    assert.equal((await ask(guarded({ allowLoopback: false, ownHost: 'API.provider.test' }, base), 'api.provider.test.', false)).result, '10.0.0.7');
    assert.equal((await ask(guarded({ allowLoopback: true }, base), 'images.localhost', false)).result, '127.0.0.1');
    const { err } = await ask(guarded({ allowLoopback: false }, base), 'images.localhost', false);
    assert.ok(err instanceof AddressRefusedError);
    assert.equal(err.kind, 'loopback');
  });
});
