import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jpegSegments, pngChunks, webpChunks } from '../../src/core/image';
import { DESCRIPTION_MAX, descriptionText, embedRecord, parseRecord, recordFromXmp } from '../../src/core/metadata';
import { readRecord } from '../../src/core/recordRead';
import { jpeg, minimalRecord, png, pngChunk, riff } from '../crafted/images';

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const record = minimalRecord;
const message = (what: string) => `Cannot store the generation record: the file is ${what}.`;

test('a record whose time carries a UTC offset is read back', () => {
  const r = record('x', { createdAt: '2025-01-02T03:04:05+02:00' });
  assert.deepEqual(parseRecord(JSON.stringify(r)), r);
  assert.deepEqual(readRecord(embedRecord(png(), r)), r);
});

test('recordFromXmp reads a record another tool rewrote with every XML entity and character reference', () => {
  const r = record("it's ABCD <b> & 🦊");
  const escaped = JSON.stringify(r)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace('ABCD', '&#x41;&#X42;&#67;&#x44;')
    .replace('🦊', '&#x1F98A;');
  assert.deepEqual(recordFromXmp(`<x:xmpmeta><fluxstudio:record>${escaped}</fluxstudio:record></x:xmpmeta>`), r);
});

test('recordFromXmp gives undefined for XMP without a record', () => {
  assert.equal(recordFromXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'), undefined);
});

test('descriptionText keeps a prompt of exactly DESCRIPTION_MAX characters and cuts one more', () => {
  assert.equal(descriptionText('x'.repeat(DESCRIPTION_MAX)), 'x'.repeat(DESCRIPTION_MAX));
  assert.equal(descriptionText('x'.repeat(DESCRIPTION_MAX + 1)), `${'x'.repeat(DESCRIPTION_MAX - 1)}…`);
  // A surrogate pair across the cut is dropped whole, whatever follows it.
  const cut = descriptionText(`${'🦊'.repeat(DESCRIPTION_MAX / 2)}xxxxx`);
  assert.equal(cut, `${'🦊'.repeat(DESCRIPTION_MAX / 2 - 1)}…`);
});

test('the XMP packet declares the Dublin Core and record namespaces', () => {
  const xml = Buffer.from(embedRecord(jpeg([]), record('x'))).toString('utf8');
  assert.match(xml, /xmlns:dc="http:\/\/purl\.org\/dc\/elements\/1\.1\/"/);
  assert.match(xml, /xmlns:fluxstudio="urn:flux-image-studio:xmp:1\.0\/"/);
});

test('PNG: other text chunks are kept; earlier Description chunks of every kind and our earlier record are replaced', () => {
  const text = (type: string, data: string) => pngChunk(type, latin1(data));
  const input = png([
    text('iTXt', 'Description\0\0\0\0\0old one'),
    text('tEXt', 'Author\0Ada'),
    text('zTXt', 'Comment\0\0xx'),
    text('iTXt', 'Title\0\0\0\0\0Lights'),
    text('tEXt', 'flux-image-studio\0not ours'),
    text('prIv', 'Description\0private'),
    text('zTXt', 'Description\0\0yy'),
    text('iTXt', 'flux-image-studio\0\0\0\0\0{}'),
  ]);
  const out = embedRecord(input, record('new'));
  const chunks = (pngChunks(out) ?? []).map((c) => `${c.type} ${Buffer.from(out.subarray(c.dataStart, c.dataEnd)).toString('latin1').split('\0')[0]}`);
  assert.deepEqual(chunks, [
    'IHDR ',
    'tEXt Author',
    'zTXt Comment',
    'iTXt Title',
    'tEXt flux-image-studio',
    'prIv Description',
    'tEXt Description',
    'iTXt flux-image-studio',
    'IDAT x\u009cc`',
    'IEND ',
  ]);
  assert.equal(readRecord(out)?.prompt, 'new');
});

test('embedRecord refuses damaged images, naming the type', () => {
  const p = png();
  assert.throws(() => embedRecord(p.subarray(0, 40), record('x')), { message: message('a damaged PNG image') });
  const noIdat = Buffer.concat([p.subarray(0, 33), p.subarray(p.length - 12)]);
  assert.throws(() => embedRecord(noIdat, record('x')), { message: message('a damaged PNG image') });
  assert.throws(() => embedRecord(jpeg([]).subarray(0, 15), record('x')), { message: message('a damaged JPEG image') });
  const w = webpFile([riff('ALPH', Buffer.alloc(3)), riff('VP8 ', Buffer.alloc(10))]);
  assert.throws(() => embedRecord(w.subarray(0, w.length - 2), record('x')), { message: message('a damaged WebP image') });
  const badVp8 = Buffer.concat([latin1('RIFF'), Buffer.from([22, 0, 0, 0]), latin1('WEBP'), riff('VP8 ', Buffer.alloc(10))]);
  assert.throws(() => embedRecord(badVp8, record('x')), { message: message('a damaged WebP image') });
});

/** An extended WebP with canvas 2x3, the given VP8X flags and chunks. */
function webpFile(chunks: readonly Buffer[], flags = 0x10): Buffer {
  const body = Buffer.concat([latin1('WEBP'), riff('VP8X', Buffer.from([flags, 0, 0, 0, 1, 0, 0, 2, 0, 0])), ...chunks]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([latin1('RIFF'), size, body]);
}

test('WebP: the XMP flag is added to the flags already set, and XMP goes after EXIF and animation frames but before unknown chunks', () => {
  const still = Buffer.from(
    embedRecord(
      webpFile([riff('ALPH', Buffer.alloc(3)), riff('VP8 ', Buffer.alloc(10)), riff('EXIF', Buffer.alloc(4)), riff('UNKN', Buffer.alloc(2))]),
      record('s'),
    ),
  );
  assert.equal(still[20], 0x14);
  assert.deepEqual(
    (webpChunks(still) ?? []).map((c) => c.fourcc),
    ['VP8X', 'ALPH', 'VP8 ', 'EXIF', 'XMP ', 'UNKN'],
  );
  const animated = embedRecord(webpFile([riff('ANIM', Buffer.alloc(6)), riff('ANMF', Buffer.alloc(16)), riff('ANMF', Buffer.alloc(16))], 0x02), record('a'));
  assert.deepEqual(
    (webpChunks(animated) ?? []).map((c) => c.fourcc),
    ['VP8X', 'ANIM', 'ANMF', 'ANMF', 'XMP '],
  );
  assert.equal(readRecord(animated)?.prompt, 'a');
});

const app1s = (b: Uint8Array) => jpegSegments(b).segments.filter((s) => s.marker === 0xe1);

test('JPEG: the APP1 length is right for every record size around a 256-byte boundary', () => {
  for (let k = 0; k < 260; k++) {
    const out = embedRecord(jpeg([]), record('x', { requestId: 'r'.repeat(k) }));
    assert.equal(jpegSegments(out).complete, true, `requestId of ${k}`);
    assert.equal(readRecord(out)?.requestId, 'r'.repeat(k), `requestId of ${k}`);
  }
});

test('JPEG: XMP goes after JFIF and Exif but before other APP1 segments; a comment that looks like XMP is kept', () => {
  const seg = (marker: number, data: string) => Buffer.concat([Buffer.from([0xff, marker, 0, data.length + 2]), latin1(data)]);
  const out = embedRecord(jpeg([seg(0xe0, 'JFIF\0'), seg(0xe1, 'Other\0'), seg(0xfe, 'http://ns.adobe.com/xap/1.0/\0note')]), record('x'));
  const kinds = jpegSegments(out).segments.map((s) => `${s.marker.toString(16)} ${Buffer.from(out.subarray(s.dataStart, s.dataStart + 4)).toString('latin1')}`);
  assert.deepEqual(kinds.slice(0, 4), ['e0 JFIF', 'e1 http', 'e1 Othe', 'fe http']);
});

test('JPEG: a standard packet of exactly 65,533 bytes stays in one APP1 segment; one byte more becomes Extended XMP', () => {
  const payload = (out: Uint8Array) => {
    const [s] = app1s(out);
    assert.ok(s);
    return s.end - s.dataStart;
  };
  const base = 60_000;
  const n = base + 65_533 - payload(embedRecord(jpeg([]), record('x', { requestId: 'r'.repeat(base) })));
  const at = embedRecord(jpeg([]), record('x', { requestId: 'r'.repeat(n) }));
  assert.equal(app1s(at).length, 1);
  assert.equal(payload(at), 65_533);
  assert.equal(readRecord(at)?.requestId?.length, n);
  const over = embedRecord(jpeg([]), record('x', { requestId: 'r'.repeat(n + 1) }));
  assert.equal(app1s(over).length, 2);
  assert.equal(readRecord(over)?.requestId?.length, n + 1);
});

test('JPEG: an extended packet of exactly two portions makes exactly two extension segments', () => {
  const total = (out: Uint8Array) => {
    const ext = app1s(out)[1];
    assert.ok(ext);
    return Buffer.from(out.subarray(ext.dataStart + 35 + 32, ext.dataStart + 35 + 36)).readUInt32BE(0);
  };
  const base = 100_000;
  const n = base + 2 * 65_400 - total(embedRecord(jpeg([]), record('x', { requestId: 'r'.repeat(base) })));
  const out = embedRecord(jpeg([]), record('x', { requestId: 'r'.repeat(n) }));
  assert.equal(total(out), 2 * 65_400);
  assert.equal(app1s(out).length, 3);
  assert.equal(readRecord(out)?.requestId?.length, n);
});

test('an image inside a larger buffer, at any offset, gets the same bytes as a copy of it', () => {
  const input = Buffer.from(png());
  const r = record('offset');
  const expected = Buffer.from(embedRecord(Uint8Array.from(input), r));
  const idat = (pngChunks(input) ?? []).find((c) => c.type === 'IDAT');
  assert.ok(idat);
  // The record chunk is 12 + 22 bytes of header around the JSON: place IDAT's view right where it ends.
  const recordChunk = 12 + 22 + Buffer.byteLength(JSON.stringify(r));
  for (const offset of [recordChunk - idat.start, 0, 1]) {
    const view = new Uint8Array(new ArrayBuffer(offset + input.length + 8), offset, input.length);
    view.set(input);
    assert.deepEqual(Buffer.from(embedRecord(view, r)), expected, `offset ${offset}`);
  }
});
