/**
 * Which IP addresses an image may be fetched from. A provider names image URLs, so a hostile or
 * broken one could point us at this computer or the local network, directly (a literal such as
 * `https://[::7f00:1]/`) or through a name that resolves there (or is made to, between two
 * lookups). Literals are checked in the URL (`checkImageUrl`); names are checked at connect time
 * on the address they resolved to, by the `lookup` the download's connections use.
 */
import { isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

/** Why an address is not a public server: this computer, a private network, or special use. */
export type AddressKind = 'loopback' | 'private' | 'reserved';

/** What a download may reach besides public addresses. */
export interface AddressPolicy {
  /** The provider itself is on this computer (the fake API): loopback addresses are allowed. */
  readonly allowLoopback: boolean;
  /** The provider's own configured host (its base URL's): allowed whatever it resolves to. */
  readonly ownHost?: string;
}

type Range = readonly [first: number, bits: number, kind: AddressKind];

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** IPv4 ranges that are not public servers (RFC 6890 and friends). */
const V4_RANGES: readonly Range[] = [
  [v4(0, 0, 0, 0), 8, 'private'], // "this network" (0.0.0.0 reaches this computer on Linux)
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'private'], // carrier-grade NAT (shared address space)
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'private'], // link-local (cloud metadata services live here)
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'], // IETF protocol assignments
  [v4(192, 0, 2, 0), 24, 'reserved'], // documentation
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(198, 18, 0, 0), 15, 'reserved'], // benchmarking
  [v4(198, 51, 100, 0), 24, 'reserved'], // documentation
  [v4(203, 0, 113, 0), 24, 'reserved'], // documentation
  [v4(224, 0, 0, 0), 4, 'reserved'], // multicast
  [v4(240, 0, 0, 0), 4, 'reserved'], // reserved, and 255.255.255.255 broadcast
];

function inRange(n: number, first: number, bits: number): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (n & mask) >>> 0 === first;
}

function classifyV4(n: number): AddressKind | undefined {
  for (const [first, bits, kind] of V4_RANGES) if (inRange(n, first, bits)) return kind;
  return undefined;
}

/** An IPv4 address in dotted decimal as a number, or undefined. */
function parseV4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  return v4(a, b, c, d);
}

/** An IPv6 address as its eight 16-bit groups, or undefined. */
function parseV6(s: string): number[] | undefined {
  let text = s.replace(/%.*$/, ''); // a zone index (fe80::1%eth0)
  const groups: number[] = [];
  // A dotted IPv4 tail (::ffff:127.0.0.1) is two groups.
  const tail = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  let tailGroups: number[] = [];
  if (tail) {
    const n = parseV4(tail[2]!);
    if (n === undefined) return undefined;
    tailGroups = [n >>> 16, n & 0xffff];
    text = tail[1]!.endsWith('::') ? tail[1]! : tail[1]!.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const read = (h: string) => (h === '' ? [] : h.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const head = read(halves[0]!);
  const rest = halves.length === 2 ? read(halves[1]!) : [];
  if ([...head, ...rest].some((g) => Number.isNaN(g))) return undefined;
  const known = head.length + rest.length + tailGroups.length;
  if (halves.length === 2) {
    if (known > 7) return undefined;
    groups.push(...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tailGroups);
  } else {
    if (known !== 8) return undefined;
    groups.push(...head, ...tailGroups);
  }
  return groups;
}

function classifyV6(g: readonly number[]): AddressKind | undefined {
  const embedded = () => ((g[6]! << 16) | g[7]!) >>> 0;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'private'; // :: unspecified (reaches this computer, as 0.0.0.0 does)
  if (zeros(0, 7) && g[7] === 1) return 'loopback'; // ::1
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d): spellings of an IPv4 address that
  // no public server is named by. Never allowed, not even loopback for a loopback provider.
  // IPv4-translated (::ffff:0:a.b.c.d, RFC 2765) likewise.
  if ((zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) || (zeros(0, 4) && g[4] === 0xffff && g[5] === 0)) {
    const kind = classifyV4(embedded());
    return kind === 'loopback' ? 'private' : (kind ?? 'reserved');
  }
  // Local-use NAT64 (64:ff9b:1::/48, RFC 8215): a translator inside someone's own network, where the
  // IPv4 address may sit at any of several places; nothing in it is a public server.
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private';
  // NAT64 (64:ff9b::a.b.c.d): a public IPv4 address is a public server; an internal one is not.
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) {
    const kind = classifyV4(embedded());
    return kind === 'loopback' ? 'private' : kind;
  }
  // 6to4 (2002:AABB:CCDD::): the IPv4 address in the second and third groups.
  if (g[0] === 0x2002) {
    const kind = classifyV4(((g[1]! << 16) | g[2]!) >>> 0);
    return kind === 'loopback' ? 'private' : kind;
  }
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return 'private'; // fe80::/10 link-local
  if ((first & 0xffc0) === 0xfec0) return 'private'; // fec0::/10 site-local (deprecated)
  if ((first & 0xff00) === 0xff00) return 'reserved'; // ff00::/8 multicast
  if (first === 0x2001 && g[1] === 0x0db8) return 'reserved'; // documentation
  if (first === 0x0100 && zeros(1, 4)) return 'reserved'; // 100::/64 discard-only
  return undefined;
}

/**
 * What kind of non-public address an IP literal is (brackets allowed), or undefined for a public
 * address or something that is not an IP address at all.
 */
export function classifyAddress(address: string): AddressKind | undefined {
  const a = address.replace(/^\[|\]$/g, '');
  const version = isIP(a.replace(/%.*$/, ''));
  if (version === 4) {
    const n = parseV4(a);
    return n === undefined ? undefined : classifyV4(n);
  }
  if (version === 6) {
    const g = parseV6(a);
    return g ? classifyV6(g) : 'reserved';
  }
  return undefined;
}

/** A host name compared the way DNS does: case-insensitive, without a final dot or brackets. */
export function sameHost(a: string, b: string): boolean {
  const n = (h: string) =>
    h
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
  return n(a) === n(b);
}

/** Why `address` (that `hostname` resolved to) may not be reached under `policy`, or undefined. */
export function refusedAddress(hostname: string, address: string, policy: AddressPolicy): AddressKind | undefined {
  if (policy.ownHost && sameHost(hostname, policy.ownHost)) return undefined;
  const kind = classifyAddress(address);
  if (kind === 'loopback' && policy.allowLoopback) return undefined;
  return kind;
}

/** A name resolved to an address an image may not come from (code FLUX_ADDRESS_REFUSED). */
export class AddressRefusedError extends Error {
  readonly code = 'FLUX_ADDRESS_REFUSED';
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly kind: AddressKind,
  ) {
    super(`FLUX_ADDRESS_REFUSED ${kind}`);
    this.name = 'AddressRefusedError';
  }
}

/** The AddressRefusedError anywhere in an error's cause chain. */
export function addressRefusal(e: unknown): AddressRefusedError | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    if (cur instanceof AddressRefusedError) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A `lookup` for net/tls connections that resolves with `base` and refuses the connection (an
 * AddressRefusedError) when any address the name resolved to is refused by `policy`. It is called
 * for every new connection, so every request and every redirect is checked on the address it
 * really connects to, not on one looked up earlier.
 */
export function guardedLookup(policy: AddressPolicy, base: LookupFunction = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, { ...options, all: true }, (err, result, family) => {
      if (err) return callback(err, '', 0);
      const list: LookupAddress[] = Array.isArray(result) ? result : [{ address: result, family: family ?? (isIP(result) || 4) }];
      for (const a of list) {
        const kind = refusedAddress(hostname, a.address, policy);
        if (kind) return callback(new AddressRefusedError(hostname, a.address, kind), '', 0);
      }
      if (list.length === 0) return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
