/**
 * Reading the generation record back out of PNG, JPEG and WebP files (recordRead.ts): the exact
 * size limits, the entry and read budgets, and containers that lie about their lengths. Both
 * readers (in memory and piece by piece from a file) must give the same answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { EXT_SIG, RECORD_MAX_BYTES, RECORD_MAX_ENTRIES, RECORD_READ_BUDGET, XMP_SIG, type GenerationRecord } from '../../src/core/metadata';
import { readRecord, readRecordFrom, type ByteSource } from '../../src/core/recordRead';
import { app1, latin1, minimalRecord, png, pngChunk, recordItxt, riff, u32be, u32le, webp, xmpNamingExtension } from '../crafted/images';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

const REC = minimalRecord('a fox in the snow');
const JSON_REC = JSON.stringify(REC);
/** The GUID xmpNamingExtension names. */
const GUID = '0123456789ABCDEF0123456789ABCDEF';

/** A source over `bytes` that logs every request and refuses one reaching past the end of the file. */
function strictSource(bytes: Uint8Array): ByteSource & { requests: { at: number; length: number }[]; cost: number } {
  const s = {
    size: bytes.length,
    requests: [] as { at: number; length: number }[],
    cost: 0,
    async read(at: number, length: number) {
      s.requests.push({ at, length });
      if (at < 0 || length < 0 || at + length > bytes.length) throw new Error(`read past the end: ${at}+${length} of ${bytes.length}`);
      s.cost += length + 64;
      return bytes.subarray(at, at + length);
    },
  };
  return s;
}

/** What both readers find in `bytes`; they must agree, and the file reader stays within the budget. */
async function read(bytes: Uint8Array): Promise<GenerationRecord | undefined> {
  const source = strictSource(bytes);
  const fromFile = await readRecordFrom(source);
  const inMemory = readRecord(bytes);
  assert.deepEqual(fromFile, inMemory, 'the two readers agree');
  assert.ok(source.cost <= RECORD_READ_BUDGET, `cost ${source.cost}`);
  return inMemory;
}

/** A record as JSON exactly `bytes` long in UTF-8, its prompt mostly two-byte 'é' (so its UTF-16 length is much shorter). */
function wideJson(bytes: number): { json: string; record: GenerationRecord } {
  const empty = JSON.stringify(minimalRecord('')).length;
  const room = bytes - empty;
  const record = minimalRecord(`${'é'.repeat(Math.floor(room / 2))}${'x'.repeat(room % 2)}`);
  const json = JSON.stringify(record);
  assert.equal(utf8(json).length, bytes);
  return { json, record };
}

/** An XMP packet holding `json` as the record, padded with spaces to `size` bytes when asked. */
function xmpPacket(json: string, size?: number): Buffer {
  const packet = utf8(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><fluxstudio:record>${json}</fluxstudio:record></x:xmpmeta>`);
  return size === undefined ? packet : Buffer.concat([packet, Buffer.alloc(size - packet.length, 0x20)]);
}

// ---- JPEG pieces ----------------------------------------------------------------------------------

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
const SOS = Buffer.from([0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0, 0x00, 0x00]);
/** A SOF0 of `width`×`height`; `length` replaces the segment's length field (its data stays 9 bytes unless cut). */
const sof = (width = 1, height = 1, length = 11): Buffer =>
  Buffer.from([0xff, 0xc0, length >> 8, length & 0xff, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
const xmpApp1 = (json = JSON_REC): Buffer => app1(Buffer.concat([latin1(XMP_SIG), xmpPacket(json)]));
/** A JPEG of these pieces after SOI, then SOS and EOI. */
const jpegOf = (...parts: Buffer[]): Buffer => Buffer.concat([SOI, ...parts, SOS, EOI]);

/** Extended XMP portions of `packet` (65,400 bytes each), under `guid`, each claiming `total`. */
function portions(packet: Buffer, guid = GUID, total = packet.length): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < packet.length; offset += 65400)
    out.push(app1(Buffer.concat([latin1(EXT_SIG + guid), u32be(total), u32be(offset), packet.subarray(offset, offset + 65400)])));
  return out;
}

// ---- PNG ------------------------------------------------------------------------------------------

test('PNG: an uncompressed record of exactly RECORD_MAX_BYTES is read; one byte more is refused', async () => {
  const exact = wideJson(RECORD_MAX_BYTES);
  assert.deepEqual(await read(png([recordItxt(utf8(exact.json), false)])), exact.record);
  // One byte over in UTF-8, though far under the limit counted in characters.
  const over = wideJson(RECORD_MAX_BYTES + 1);
  assert.ok(over.json.length < RECORD_MAX_BYTES);
  assert.equal(await read(png([recordItxt(utf8(over.json), false)])), undefined);
});

test('PNG: a compressed record inflating to exactly RECORD_MAX_BYTES is read; one byte more is refused', async () => {
  const exact = wideJson(RECORD_MAX_BYTES);
  assert.deepEqual(await read(png([recordItxt(deflateSync(utf8(exact.json)), true)])), exact.record);
  const over = wideJson(RECORD_MAX_BYTES + 1);
  assert.equal(await read(png([recordItxt(deflateSync(utf8(over.json)), true)])), undefined);
});

test('PNG: a record chunk of exactly RECORD_MAX_BYTES + 1024 bytes is read; one byte longer is refused unread', async () => {
  // A long language tag fills the chunk around a small record.
  const chunk = (dataLength: number): Buffer => {
    const fixed = 'flux-image-studio\0'.length + 2 + 2 + JSON_REC.length;
    return pngChunk(
      'iTXt',
      Buffer.concat([latin1('flux-image-studio\0'), Buffer.from([0, 0]), Buffer.alloc(dataLength - fixed, 0x78), Buffer.from([0, 0]), utf8(JSON_REC)]),
    );
  };
  assert.deepEqual(await read(png([chunk(RECORD_MAX_BYTES + 1024)])), REC);
  assert.equal(await read(png([chunk(RECORD_MAX_BYTES + 1025)])), undefined);
});

test('PNG: a record chunk without the language and translation terminators gives no record', async () => {
  const data = Buffer.concat([latin1('flux-image-studio\0'), Buffer.from([0, 0]), utf8(JSON_REC)]);
  assert.equal(await read(png([pngChunk('iTXt', data)])), undefined);
});

test('PNG: a record chunk whose length runs past the end of the file gives no record, and nothing past the end is asked for', async () => {
  const full = recordItxt(utf8(JSON_REC), false);
  const dataLength = full.length - 12;
  // The chunk claims 40 more bytes than the file holds; its text is whole, its CRC and everything after it gone.
  const cut = Buffer.concat([png().subarray(0, 33), u32be(dataLength + 40), full.subarray(4, full.length - 4)]);
  const source = strictSource(cut);
  assert.equal(await readRecordFrom(source), undefined);
  assert.equal(readRecord(cut), undefined);
  assert.ok(source.requests.every((r) => r.at + r.length <= cut.length));
});

test('PNG: a PNG cut short without IEND is given up at its end, in a few reads', async () => {
  const cut = png().subarray(0, 33); // signature and IHDR only
  const source = strictSource(cut);
  assert.equal(await readRecordFrom(source), undefined);
  assert.ok(source.requests.length <= 5, `${source.requests.length} reads`);
});

test('PNG: a record after IEND, or in a chunk other than iTXt, is not read', async () => {
  assert.deepEqual(await read(png([recordItxt(utf8(JSON_REC), false)])), REC);
  assert.equal(await read(Buffer.concat([png(), recordItxt(utf8(JSON_REC), false)])), undefined);
  const text = pngChunk('tEXt', Buffer.concat([latin1('flux-image-studio\0'), Buffer.from([0, 0, 0, 0]), utf8(JSON_REC)]));
  assert.equal(await read(png([text])), undefined);
});

test(`PNG: the record is found after ${RECORD_MAX_ENTRIES - 1} chunks, not after one more`, async () => {
  const filler = (n: number): Buffer[] => Array.from({ length: n }, () => pngChunk('zzZz', Buffer.alloc(0)));
  const record = recordItxt(utf8(JSON_REC), false);
  // IHDR is the first entry walked.
  assert.deepEqual(await read(png([...filler(RECORD_MAX_ENTRIES - 2), record])), REC);
  assert.equal(await read(png([...filler(RECORD_MAX_ENTRIES - 1), record])), undefined);
});

// ---- JPEG -----------------------------------------------------------------------------------------

test('JPEG: the record is read only when a frame header gives a size', async () => {
  assert.deepEqual(await read(jpegOf(xmpApp1(), sof())), REC);
  assert.equal(await read(jpegOf(xmpApp1())), undefined, 'no SOF');
  assert.equal(await read(jpegOf(xmpApp1(), sof(1, 0))), undefined, 'height 0');
  assert.equal(await read(jpegOf(xmpApp1(), sof(0, 1))), undefined, 'width 0');
  // A SOF of just precision, height and width (length 7) is enough; one of 6 is too short.
  assert.deepEqual(await read(jpegOf(xmpApp1(), sof(1, 1, 7).subarray(0, 9))), REC);
  assert.equal(await read(jpegOf(xmpApp1(), sof(1, 1, 6).subarray(0, 8))), undefined);
  // A SOF cut by the end of the file, four of its five bytes there.
  assert.equal(await read(Buffer.concat([SOI, xmpApp1(), Buffer.from([0xff, 0xc0, 0, 11, 8, 0, 1, 1])])), undefined);
});

test('JPEG: the record in a file starting with something else than SOI and a marker is not read', async () => {
  const body = Buffer.concat([xmpApp1(), sof(), SOS, EOI]);
  assert.deepEqual(await read(Buffer.concat([SOI, body])), REC);
  for (const start of [
    [0x00, 0x00],
    [0x00, 0xd8],
    [0xff, 0x00],
  ])
    assert.equal(await read(Buffer.concat([Buffer.from(start), body])), undefined, `${start}`);
});

test('JPEG: fill bytes, restart markers and empty segments before the record are stepped over', async () => {
  const fill = (n: number): Buffer => Buffer.alloc(n, 0xff);
  for (const n of [1, 27, 28, 29, 30, 40, 100]) assert.deepEqual(await read(jpegOf(fill(n), xmpApp1(), sof())), REC, `${n} fill bytes`);
  const rst = Buffer.from([0xff, 0xd0, 0xff, 0xd7, 0xff, 0x01]);
  assert.deepEqual(await read(jpegOf(rst, xmpApp1(), rst, sof())), REC);
  const empty = Buffer.from([0xff, 0xee, 0x00, 0x02]);
  assert.deepEqual(await read(jpegOf(empty, xmpApp1(), empty, sof())), REC);
});

test('JPEG: the walk ends at a stuffed byte, at EOI, at a byte that is not a marker, and at the start of scan', async () => {
  // After each stop, a segment pair that reads like an XMP segment: none of them is reached.
  const fake = (prefix: number[]): Buffer => Buffer.concat([Buffer.from(prefix), xmpApp1()]);
  assert.equal(await read(jpegOf(sof(), fake([0xff, 0x00, 0x00, 0x02]))), undefined, 'FF 00');
  assert.equal(await read(jpegOf(sof(), fake([0xff, 0xd9, 0x00, 0x02]))), undefined, 'EOI');
  assert.equal(await read(Buffer.concat([SOI, sof(), xmpApp1().subarray(1), EOI])), undefined, 'no FF before the marker');
  assert.equal(await read(Buffer.concat([SOI, sof(), SOS.subarray(0, 10), xmpApp1(), EOI])), undefined, 'XMP right after the SOS header');
});

test('JPEG: a record read before a damaged segment header is kept', async () => {
  // The file ends inside a second SOF's length field; a segment claims a length under 2.
  assert.deepEqual(await read(Buffer.concat([SOI, xmpApp1(), sof(), Buffer.from([0xff, 0xc2, 0x01])])), REC);
  assert.deepEqual(await read(Buffer.concat([SOI, xmpApp1(), sof(), Buffer.from([0xff, 0xc2, 0x00, 0x01, 8, 0, 0, 0, 0])])), REC);
});

test('JPEG: XMP only counts in APP1, and not when the segment is cut by the end of the file', async () => {
  const app2 = xmpApp1();
  app2[1] = 0xe2;
  assert.equal(await read(jpegOf(app2, sof())), undefined);
  const whole = xmpApp1();
  whole.writeUInt16BE(whole.length - 2 + 50, 2); // claims 50 bytes the file does not hold
  assert.equal(await read(Buffer.concat([SOI, sof(), whole])), undefined);
});

test(`JPEG: the record is found within ${RECORD_MAX_ENTRIES} segments, not one beyond`, async () => {
  const rst = (n: number): Buffer => Buffer.concat(Array.from({ length: n }, () => Buffer.from([0xff, 0xd0])));
  // Entries: the restart markers, XMP, then SOF (which must be within the limit).
  assert.deepEqual(await read(jpegOf(rst(RECORD_MAX_ENTRIES - 2), xmpApp1(), sof())), REC);
  assert.equal(await read(jpegOf(rst(RECORD_MAX_ENTRIES - 1), xmpApp1(), sof())), undefined);
});

test('JPEG: other APP1 segments do not count towards the Extended XMP limit', async () => {
  // 17 full Exif segments: more than RECORD_MAX_BYTES + 4096 bytes of APP1 that is not XMP.
  const exif = app1(Buffer.concat([latin1('Exif\0\0'), Buffer.alloc(65527)]));
  assert.deepEqual(await read(jpegOf(...Array.from({ length: 17 }, () => exif), xmpApp1(), sof())), REC);
});

// ---- JPEG Extended XMP ----------------------------------------------------------------------------

test('Extended XMP: a packet in several portions is reassembled; a missing portion or a disagreeing total gives no record', async () => {
  const packet = xmpPacket(JSON_REC, 70000); // the record in the first portion, spaces in the second
  const [first, second] = portions(packet);
  assert.ok(first && second);
  assert.deepEqual(await read(jpegOf(xmpNamingExtension(), second, first, sof())), REC);
  assert.equal(await read(jpegOf(xmpNamingExtension(), first, sof())), undefined, 'second portion missing');
  const other = portions(packet, GUID, packet.length + 5)[1];
  assert.ok(other);
  assert.equal(await read(jpegOf(xmpNamingExtension(), first, other, sof())), undefined, 'totals disagree');
});

test('Extended XMP: portions of another packet, and a portion too short for its header, are skipped', async () => {
  const packet = xmpPacket(JSON_REC);
  const decoy = portions(xmpPacket(JSON.stringify(minimalRecord('another'))), 'FEDCBA9876543210FEDCBA9876543210', 5);
  const short = app1(Buffer.concat([latin1(EXT_SIG + GUID), u32be(5)]));
  assert.deepEqual(await read(jpegOf(xmpNamingExtension(), ...decoy, short, ...portions(packet), sof())), REC);
  // A header-only portion of this packet that claims another total is not skipped: the totals disagree.
  const headerOnly = app1(Buffer.concat([latin1(EXT_SIG + GUID), u32be(5), u32be(0)]));
  assert.equal(await read(jpegOf(xmpNamingExtension(), headerOnly, ...portions(packet), sof())), undefined);
});

test('Extended XMP: a packet of exactly RECORD_MAX_BYTES is read; one byte more is refused', async () => {
  assert.deepEqual(await read(jpegOf(xmpNamingExtension(), ...portions(xmpPacket(JSON_REC, RECORD_MAX_BYTES)), sof())), REC);
  assert.equal(await read(jpegOf(xmpNamingExtension(), ...portions(xmpPacket(JSON_REC, RECORD_MAX_BYTES + 1)), sof())), undefined);
});

test('Extended XMP: up to RECORD_MAX_BYTES + 4096 bytes of extension segments are read; one byte more is refused', async () => {
  const real = portions(xmpPacket(JSON_REC));
  const realBytes = real.reduce((n, s) => n + s.length - 4, 0); // payloads: without marker and length
  /** Decoy portions of another packet making the extension payloads `total` bytes together. */
  const decoys = (total: number): Buffer[] => {
    const out: Buffer[] = [];
    for (let left = total - realBytes; left > 0;) {
      const size = Math.min(left, 65533);
      out.push(app1(Buffer.concat([latin1(`${EXT_SIG}FEDCBA9876543210FEDCBA9876543210`), u32be(size), u32be(0), Buffer.alloc(size - 75, 0x20)])));
      left -= size;
    }
    return out;
  };
  assert.deepEqual(await read(jpegOf(xmpNamingExtension(), ...decoys(RECORD_MAX_BYTES + 4096), ...real, sof())), REC);
  assert.equal(await read(jpegOf(xmpNamingExtension(), ...decoys(RECORD_MAX_BYTES + 4097), ...real, sof())), undefined);
});

// ---- WebP -----------------------------------------------------------------------------------------

const xmpChunk = (packet = xmpPacket(JSON_REC)): Buffer => riff('XMP ', packet);

test('WebP: the XMP chunk is read; one whose size runs past the RIFF end, or a RIFF size past the file end, gives no record', async () => {
  assert.deepEqual(await read(webp([xmpChunk()])), REC);
  const packet = xmpPacket(JSON_REC);
  assert.equal(await read(webp([riff('XMP ', packet, packet.length + 10)])), undefined, 'chunk past RIFF end');
  const file = webp([xmpChunk()]);
  assert.equal(await read(webp([xmpChunk()], file.length - 8 + 100)), undefined, 'RIFF size past file end');
  // Bytes after the RIFF's end are not part of the file.
  const short = webp([]);
  assert.equal(await read(Buffer.concat([short, xmpChunk()])), undefined, 'XMP after RIFF end');
});

test('WebP: a RIFF whose first chunk is not an image gives no record', async () => {
  const body = Buffer.concat([latin1('WEBP'), riff('ABCD', Buffer.alloc(10)), xmpChunk()]);
  assert.equal(await read(Buffer.concat([latin1('RIFF'), u32le(body.length), body])), undefined);
});

test('WebP: an XMP chunk of exactly RECORD_MAX_BYTES + 1024 bytes is read; one byte longer is refused unread', async () => {
  assert.deepEqual(await read(webp([xmpChunk(xmpPacket(JSON_REC, RECORD_MAX_BYTES + 1024))])), REC);
  assert.equal(await read(webp([xmpChunk(xmpPacket(JSON_REC, RECORD_MAX_BYTES + 1025))])), undefined);
});

test(`WebP: the XMP chunk is found within ${RECORD_MAX_ENTRIES} chunks, not one beyond`, async () => {
  const junk = (n: number): Buffer[] => Array.from({ length: n }, () => riff('JUNK', Buffer.alloc(0)));
  // VP8X is the first entry walked.
  assert.deepEqual(await read(webp([...junk(RECORD_MAX_ENTRIES - 2), xmpChunk()])), REC);
  assert.equal(await read(webp([...junk(RECORD_MAX_ENTRIES - 1), xmpChunk()])), undefined);
});

// ---- The read budget ------------------------------------------------------------------------------

test('a file whose reads cost exactly RECORD_READ_BUDGET gives its record; one byte more gives none, from both readers', async () => {
  // Exif APP1 segments are read whole on the way to the XMP one; the last one's size sets the cost.
  const exif = (size: number): Buffer => app1(Buffer.concat([latin1('Exif\0\0'), Buffer.alloc(size - 6)]));
  const file = (last: number): Buffer => jpegOf(...Array.from({ length: 63 }, () => exif(65533)), exif(last), xmpApp1(), sof());
  const probe = strictSource(file(1000));
  assert.deepEqual(await readRecordFrom(probe), REC);
  const last = 1000 + RECORD_READ_BUDGET - probe.cost;
  assert.ok(last > 1000 && last <= 65533, `${last}`);
  const exact = strictSource(file(last));
  assert.deepEqual(await readRecordFrom(exact), REC);
  assert.equal(exact.cost, RECORD_READ_BUDGET);
  assert.deepEqual(readRecord(file(last)), REC);
  assert.equal(await readRecordFrom(strictSource(file(last + 1))), undefined);
  assert.equal(readRecord(file(last + 1)), undefined);
});
