/**
 * Crafted images, as a hostile repository would hold them: well-formed containers around records
 * that are too large, compressed bombs, lying lengths and bogus headers. Built in a few
 * milliseconds from small pieces (no gigabytes are ever deflated here), for the unit layer's fuzz
 * tests and the real host's rebuild test.
 */
import { deflateRawSync, constants } from 'node:zlib';
import type { GenerationRecord } from '../../src/core/metadata';

export const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
export const u32be = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
export const u32le = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

const CRC = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(parts: readonly Buffer[]): number {
  let c = 0xffffffff;
  for (const b of parts) for (const x of b) c = (CRC[(c ^ x) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG chunk; `declared` replaces the real data length in the length field (a lying length). */
export function pngChunk(type: string, data: Buffer, declared = data.length): Buffer {
  const body = [latin1(type), data];
  return Buffer.concat([u32be(declared), ...body, u32be(crc32(body))]);
}

/** A valid 1×1 grey PNG with `extra` chunks before its pixels. */
export function png(extra: readonly Buffer[] = []): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  const idat = Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
  return Buffer.concat([latin1('\x89PNG\r\n\x1a\n'), pngChunk('IHDR', ihdr), ...extra, pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/** An 8×8 RGB PNG with IHDR and IEND but no IDAT: a believable header, a whole file, no pixels (it cannot carry a record). */
export function pngWithoutPixels(): Buffer {
  const ihdr = Buffer.concat([u32be(8), u32be(8), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([latin1('\x89PNG\r\n\x1a\n'), pngChunk('IHDR', ihdr), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Our record chunk's data: keyword, compression flag, method, empty language and translation, text. */
export function recordItxt(text: Buffer, compressed: boolean): Buffer {
  return pngChunk('iTXt', Buffer.concat([latin1('flux-image-studio\0'), Buffer.from([compressed ? 1 : 0, 0, 0, 0]), text]));
}

/**
 * A zlib stream that inflates to `megabytes` MiB of zeros, `megabytes` KB or so long: one deflated
 * MiB ending on a byte boundary (a sync flush), repeated, then an empty final block and the Adler-32
 * of that many zeros. 2,100 MiB make a 2.1 MB file, which is what crashed the extension host.
 */
export function zlibBomb(megabytes: number): Buffer {
  const piece = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const total = megabytes * (1 << 20);
  const adler = ((total % 65521) << 16) | 1;
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array.from({ length: megabytes }, () => piece), Buffer.from([0x03, 0x00]), u32be(adler)]);
}

/** A PNG whose record chunk is a compressed bomb of `megabytes` MiB. */
export const pngBomb = (megabytes: number): Buffer => png([recordItxt(zlibBomb(megabytes), true)]);

/** A JPEG: SOI, `segments`, a SOF0 of `width`×`height`, then SOS and a few bytes and EOI. */
export function jpeg(segments: readonly Buffer[], width = 1, height = 1): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0, 11, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const sos = Buffer.from([0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...segments, sof, sos, Buffer.from([0x00, 0x00, 0xff, 0xd9])]);
}

export function app1(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
}

const GUID = '0123456789ABCDEF0123456789ABCDEF';
/** The standard XMP packet naming an extended packet. */
export const xmpNamingExtension = (): Buffer =>
  app1(
    latin1(
      `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmpNote:HasExtendedXMP="${GUID}"/></rdf:RDF></x:xmpmeta>`,
    ),
  );
/** One Extended XMP portion that claims a total of `total` bytes. */
export const xmpExtension = (total: number, offset: number, data: Buffer): Buffer =>
  app1(Buffer.concat([latin1(`http://ns.adobe.com/xmp/extension/\0${GUID}`), u32be(total), u32be(offset), data]));

/** A JPEG whose Extended XMP claims `total` bytes (4 GB by default) and holds a few. */
export const jpegExtendedClaim = (total = 0xffffffff): Buffer => jpeg([xmpNamingExtension(), xmpExtension(total, 0, Buffer.alloc(100, 0x20))]);

/** A WebP (VP8X) with the given chunks after its header; `declared` replaces the RIFF size. */
export function webp(chunks: readonly Buffer[], declared?: number): Buffer {
  const vp8x = riff('VP8X', Buffer.from([0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  const body = Buffer.concat([latin1('WEBP'), vp8x, ...chunks]);
  return Buffer.concat([latin1('RIFF'), u32le(declared ?? body.length), body]);
}

export function riff(fourcc: string, data: Buffer, declared = data.length): Buffer {
  return Buffer.concat([latin1(fourcc), u32le(declared), data, Buffer.alloc(data.length & 1)]);
}

/** The smallest whole generation record (a 1x1 PNG from flux-pro), with `extra` over it. */
export function minimalRecord(prompt: string, extra: Partial<GenerationRecord> = {}): GenerationRecord {
  return {
    v: 1,
    app: 'flux-image-studio',
    prompt,
    provider: 'aimlapi',
    model: 'flux-pro',
    modelKey: 'aimlapi:flux-pro',
    width: 1,
    height: 1,
    params: {},
    outputFormat: 'png',
    createdAt: '2026-01-02T03:04:05.000Z',
    ...extra,
  };
}

/** A record as JSON whose prompt makes it exactly `bytes` long. */
export function recordJsonOfSize(bytes: number): string {
  const base = minimalRecord('');
  const empty = JSON.stringify(base).length;
  return JSON.stringify({ ...base, prompt: 'x'.repeat(bytes - empty) });
}
