import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeNonImage, hasAt, isComplete, isSof, isStandalone, jpegSegments, pngChunks, sniffImage, webpChunks } from '../../src/core/image';
import { jpeg, png, pngChunk, riff, webp } from '../crafted/images';

const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const u32le = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
/** A RIFF container holding `body` (which starts with the form type) with its true or a declared size. */
const riffFile = (body: Buffer, declared = body.length): Buffer => Buffer.concat([latin1('RIFF'), u32le(declared), body]);
/** A minimal PNG head: signature and an IHDR of the given size. */
const pngHead = (width: number, height: number): Buffer => {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  return Buffer.concat([latin1('\x89PNG\r\n\x1a\n'), pngChunk('IHDR', ihdr)]);
};
/** A simple lossy WebP header: VP8 chunk with a frame tag, the start code and a 14-bit width and height. */
const vp8 = (width: number, height: number, startCode = [0x9d, 0x01, 0x2a]): Buffer => {
  const data = Buffer.alloc(10);
  data.set(startCode, 3);
  data.writeUInt16LE(width, 6);
  data.writeUInt16LE(height, 8);
  return riffFile(Buffer.concat([latin1('WEBP'), riff('VP8 ', data)]));
};

// ---- hasAt ----------------------------------------------------------------------------------------

test('hasAt never matches outside the bytes, not even an empty text', () => {
  const b = latin1('RIFF');
  assert.equal(hasAt(b, 0, 'RIFF'), true);
  assert.equal(hasAt(b, 4, ''), true);
  assert.equal(hasAt(b, -1, ''), false);
  assert.equal(hasAt(b, 5, ''), false);
  assert.equal(hasAt(b, 2, 'FFX'), false);
});

// ---- PNG ------------------------------------------------------------------------------------------

test('pngChunks refuses chunks that do not follow a PNG signature', () => {
  const real = png();
  assert.deepEqual(
    pngChunks(real)?.map((c) => c.type),
    ['IHDR', 'IDAT', 'IEND'],
  );
  const forged = Buffer.concat([latin1('\x89PNG\r\n\x1a\r'), real.subarray(8)]);
  assert.equal(pngChunks(forged), undefined);
});

test('pngChunks refuses a PNG whose IEND chunk is cut short or claims more data than there is', () => {
  const real = png();
  assert.equal(pngChunks(real.subarray(0, real.length - 4)), undefined, 'IEND without its CRC');
  assert.equal(pngChunks(real.subarray(0, real.length - 1)), undefined, 'IEND with three bytes of CRC');
  const lying = Buffer.concat([real.subarray(0, real.length - 12), pngChunk('IEND', Buffer.alloc(0), 100)]);
  assert.equal(pngChunks(lying), undefined, 'IEND claiming 100 bytes');
  const short = Buffer.concat([real.subarray(0, real.length - 12), pngChunk('IEND', Buffer.alloc(0), 4)]);
  assert.equal(pngChunks(short), undefined, 'IEND claiming 4 bytes: its CRC read as data, then nothing');
});

test('sniffImage reads a PNG size only from a whole IHDR that comes first, and refuses a zero width or height', () => {
  assert.deepEqual(sniffImage(pngHead(3, 256)), { type: 'png', mime: 'image/png', ext: 'png', width: 3, height: 256 });
  // Cut inside the height: the missing last byte would read as the 0 it really is, but the header is incomplete.
  assert.equal(sniffImage(pngHead(3, 256).subarray(0, 23)), undefined);
  assert.equal(sniffImage(pngHead(0, 1)), undefined);
  assert.equal(sniffImage(pngHead(1, 0)), undefined);
  // A first chunk other than IHDR, however size-like its bytes.
  const notIhdr = Buffer.from(pngHead(5, 6));
  notIhdr.write('tEXt', 12, 'latin1');
  assert.equal(sniffImage(notIhdr), undefined);
});

// ---- JPEG -----------------------------------------------------------------------------------------

test('isStandalone covers TEM and RST0..RST7 and SOI, and nothing around them', () => {
  for (const m of [0x01, 0xd0, 0xd3, 0xd7, 0xd8]) assert.equal(isStandalone(m), true, m.toString(16));
  for (const m of [0x00, 0x02, 0xcf, 0xd9, 0xda]) assert.equal(isStandalone(m), false, m.toString(16));
});

test('isSof accepts SOF0..SOF15 but not DHT, JPG or DAC', () => {
  for (const m of [0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xcb, 0xcd, 0xcf]) assert.equal(isSof(m), true, m.toString(16));
  for (const m of [0xbf, 0xc4, 0xc8, 0xcc, 0xd0]) assert.equal(isSof(m), false, m.toString(16));
});

test('sniffImage takes the size from the SOF segment, not from DHT, JPG or DAC segments that come before it', () => {
  const seg = (marker: number, ...data: number[]) => Buffer.from([0xff, marker, 0, data.length + 2, ...data]);
  // Each of these carries bytes that would read as a 0x0707 x 0x0909 size.
  const decoys = [seg(0xc4, 8, 9, 9, 7, 7), seg(0xc8, 8, 9, 9, 7, 7), seg(0xcc, 8, 9, 9, 7, 7)];
  assert.deepEqual(sniffImage(jpeg(decoys, 640, 480)), { type: 'jpeg', mime: 'image/jpeg', ext: 'jpg', width: 640, height: 480 });
  // SOF15, the last frame type, as the only SOF.
  const sof15 = Buffer.concat([Buffer.from([0xff, 0xd8]), seg(0xcf, 8, 0, 20, 0, 30, 1, 1, 0x11, 0), Buffer.from([0xff, 0xda, 0, 2])]);
  assert.equal(sniffImage(sof15)?.width, 30);
  assert.equal(sniffImage(sof15)?.height, 20);
  // A standalone RST marker in the headers is stepped over.
  const withRst = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xd0, 0xff, 0xd7]), jpeg([], 12, 34).subarray(2)]);
  assert.deepEqual([sniffImage(withRst)?.width, sniffImage(withRst)?.height], [12, 34]);
});

test('sniffImage needs the SOF to hold precision, height and width, and no more', () => {
  // SOF0 of length 7: precision, height 2, width 3, no component table.
  assert.deepEqual(sniffImage(bytes(0xff, 0xd8, 0xff, 0xc0, 0, 7, 8, 0, 2, 0, 3, 0xff, 0xda, 0, 2)), {
    type: 'jpeg',
    mime: 'image/jpeg',
    ext: 'jpg',
    width: 3,
    height: 2,
  });
  // SOF0 of length 5: the width would be read from the next segment.
  assert.equal(sniffImage(bytes(0xff, 0xd8, 0xff, 0xc0, 0, 5, 8, 0, 2, 0xff, 0xda, 0, 2)), undefined);
});

test('jpegSegments needs SOI first, and gives an empty, incomplete result otherwise', () => {
  const body = [0xff, 0xe0, 0, 2, 0xff, 0xda, 0, 2];
  for (const head of [
    [0x00, 0x00],
    [0xff, 0x00],
    [0x00, 0xd8],
  ])
    assert.deepEqual(jpegSegments(bytes(...head, ...body)), { segments: [], complete: false }, head.join(','));
  assert.equal(jpegSegments(bytes(0xff, 0xd8, ...body)).complete, true);
});

test('jpegSegments lists segments up to SOS with their positions, fill bytes and standalone markers included', () => {
  const b = bytes(0xff, 0xd8, 0xff, 0xff, 0xd0, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xda, 0, 2);
  assert.deepEqual(jpegSegments(b), {
    segments: [
      { marker: 0xd0, start: 2, dataStart: 5, end: 5 },
      { marker: 0xe0, start: 5, dataStart: 9, end: 11 },
      { marker: 0xda, start: 11, dataStart: 15, end: 15 },
    ],
    complete: true,
  });
});

test('jpegSegments stops at garbage, EOI, a zero marker, a bad length or an overrun, and says it is incomplete', () => {
  const none = { segments: [], complete: false };
  assert.deepEqual(jpegSegments(bytes(0xff, 0xd8, 0xda, 0x00, 0x02)), none, 'no 0xFF where a marker should be');
  assert.deepEqual(jpegSegments(bytes(0xff, 0xd8, 0xff, 0x00, 0x00, 0x02, 0xff, 0xda, 0, 2)), none, 'marker 0x00');
  assert.deepEqual(jpegSegments(bytes(0xff, 0xd8, 0xff, 0xd9, 0x00, 0x02, 0xff, 0xda, 0, 2)), none, 'EOI before any scan');
  assert.deepEqual(jpegSegments(bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0xff, 0xda, 0, 2)), none, 'length 0');
  assert.deepEqual(jpegSegments(bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0xff, 0xda, 0, 2)), none, 'length 1');
  assert.deepEqual(jpegSegments(bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 1, 2)), none, 'length past the end');
  assert.deepEqual(jpegSegments(bytes(0xff, 0xd8, 0xff, 0xff, 0xff)), none, 'only fill bytes');
});

test('jpegSegments accepts segments that end exactly at the last byte, empty ones included', () => {
  // An empty APP0 (length 2) as the very last bytes: parsed, but there is no scan.
  assert.deepEqual(jpegSegments(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 2)), { segments: [{ marker: 0xe0, start: 2, dataStart: 6, end: 6 }], complete: false });
  assert.deepEqual(jpegSegments(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 4, 0xaa, 0xbb)), {
    segments: [{ marker: 0xe0, start: 2, dataStart: 6, end: 8 }],
    complete: false,
  });
  // An empty APP0 followed by an SOS that ends at the last byte.
  const r = jpegSegments(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 2, 0xff, 0xda, 0, 2));
  assert.equal(r.complete, true);
  assert.deepEqual(
    r.segments.map((s) => s.marker),
    [0xe0, 0xda],
  );
});

// ---- WebP -----------------------------------------------------------------------------------------

test('webpChunks needs RIFF and WEBP in their places', () => {
  const good = webp([riff('ALPH', Buffer.alloc(3))]);
  assert.deepEqual(
    webpChunks(good)?.map((c) => c.fourcc),
    ['VP8X', 'ALPH'],
  );
  const wave = Buffer.from(good);
  wave.write('WAVE', 8, 'latin1');
  assert.equal(webpChunks(wave), undefined);
  const rifx = Buffer.from(good);
  rifx.write('RIFX', 0, 'latin1');
  assert.equal(webpChunks(rifx), undefined);
});

test('webpChunks refuses a RIFF size past the end of the bytes and a chunk past the RIFF size', () => {
  const good = webp([riff('ALPH', Buffer.alloc(3))]);
  assert.equal(webpChunks(webp([riff('ALPH', Buffer.alloc(3))], good.length - 8 + 2)), undefined, 'RIFF size 2 bytes too large');
  assert.equal(webpChunks(webp([riff('ALPH', Buffer.alloc(3), 40)])), undefined, 'ALPH claims 40 bytes');
});

test('webpChunks keeps an empty chunk that ends exactly at the RIFF size, and refuses a RIFF with no chunk at all', () => {
  const b = webp([riff('JUNK', Buffer.alloc(0))]);
  assert.deepEqual(webpChunks(b)?.at(-1), { fourcc: 'JUNK', start: 30, dataStart: 38, dataEnd: 38, end: 38 });
  assert.equal(webpChunks(riffFile(latin1('WEBP'))), undefined);
});

test('sniffImage reads a lossy WebP only with its start code, and a lossless one only with its signature', () => {
  assert.deepEqual(sniffImage(vp8(300, 200)), { type: 'webp', mime: 'image/webp', ext: 'webp', width: 300, height: 200 });
  assert.equal(sniffImage(vp8(300, 200, [0x9e, 0x01, 0x2a])), undefined);
  assert.equal(sniffImage(vp8(300, 200, [0x9d, 0x02, 0x2a])), undefined);
  assert.equal(sniffImage(vp8(300, 200, [0x9d, 0x01, 0x2b])), undefined);
  const vp8l = (sig: number) => riffFile(Buffer.concat([latin1('WEBP'), riff('VP8L', Buffer.from([sig, 9, 0x40, 0x01, 0, 0, 0, 0, 0, 0]))]));
  assert.deepEqual([sniffImage(vp8l(0x2f))?.width, sniffImage(vp8l(0x2f))?.height], [10, 6]);
  assert.equal(sniffImage(vp8l(0x2e)), undefined);
});

test('sniffImage refuses a RIFF file of another form type, even with a VP8X chunk', () => {
  const good = webp([]);
  assert.equal(sniffImage(good)?.type, 'webp');
  const wave = Buffer.from(good);
  wave.write('WAVE', 8, 'latin1');
  assert.equal(sniffImage(wave), undefined);
});

// ---- describeNonImage -----------------------------------------------------------------------------

test('describeNonImage names damaged JPEG and WebP images only when all their signature bytes are there', () => {
  assert.equal(describeNonImage(bytes(0xff, 0xd8, 0xff, 0xe0, 0x00)), 'a damaged JPEG image');
  for (const b of [bytes(0xff, 0xd8, 0x41, 0x42), bytes(0x41, 0xd8, 0xff, 0x42), bytes(0xff, 0x41, 0xff, 0x42), bytes(0x41, 0x42, 0xff, 0x43)])
    assert.equal(describeNonImage(b), 'unknown binary data', [...b].join(','));
  assert.equal(describeNonImage(latin1('RIFF\x04\x00\x00\x00WEBP')), 'a damaged WebP image');
  assert.equal(describeNonImage(latin1('RIFFabcdWAVEfmt ')), 'plain text');
  assert.equal(describeNonImage(latin1('RIFXabcdWEBPVP8 ')), 'plain text');
});

test('describeNonImage names AVIF and HEIC files by their ftyp brand', () => {
  assert.equal(describeNonImage(latin1('\0\0\0\x20ftypavif\0\0\0\0')), 'an AVIF image');
  assert.equal(describeNonImage(latin1('\0\0\0\x18ftypheic\0\0\0\0')), 'a HEIC image');
  assert.equal(describeNonImage(latin1('\0\0\0\x18ftypmif1\0\0\0\0')), 'a HEIC image');
});

test('describeNonImage: text with control characters is binary; a character cut by the 4 KB sample is still text', () => {
  assert.equal(describeNonImage(Buffer.from('status\x01ok')), 'unknown binary data');
  const cut = Buffer.from(`${'a'.repeat(4095)}é and more`);
  assert.equal(cut[4095], 0xc3);
  assert.equal(describeNonImage(cut), 'plain text');
});

test('describeNonImage looks for markup only at the start of the text, a second BOM skipped', () => {
  const d = (s: string) => describeNonImage(Buffer.from(s));
  assert.equal(d('\uFEFF\uFEFF<!doctype html><title>x</title>'), 'an HTML page');
  assert.equal(d('see <!doctype html> in the docs'), 'plain text');
  assert.equal(d('the <html> element is the root'), 'plain text');
  assert.equal(d('Gateway error <body class="e">oops'), 'an HTML page');
  assert.equal(d('an <svg> element'), 'plain text');
  assert.equal(d('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'), 'an SVG image');
  assert.equal(d('<?xml version="1.0"?>\n  <svg xmlns="http://www.w3.org/2000/svg"/>'), 'an SVG image');
  assert.equal(d('parse error near <?xml'), 'plain text');
  assert.equal(d('error: {"code": 5}'), 'plain text');
});

// ---- isComplete -----------------------------------------------------------------------------------

test('isComplete: a PNG must end with the IEND type and its CRC', () => {
  const real = png();
  assert.equal(isComplete(real, 'png'), true);
  assert.equal(isComplete(real.subarray(real.length - 12), 'png'), true, 'just the IEND chunk, 12 bytes');
  assert.equal(isComplete(real.subarray(0, real.length - 1), 'png'), false);
  assert.equal(isComplete(latin1('IEND\0\0\0\0'), 'png'), false, 'fewer than 12 bytes');
  for (let i = 8; i >= 5; i--) {
    const damaged = Buffer.from(real);
    damaged[damaged.length - i] = 0x78;
    assert.equal(isComplete(damaged, 'png'), false, `IEND byte ${8 - i}`);
  }
});

test('isComplete: a JPEG must hold EOI within its last 64 bytes', () => {
  const real = jpeg([]);
  assert.equal(isComplete(real, 'jpeg'), true);
  assert.equal(isComplete(bytes(0xff, 0xd9), 'jpeg'), true, 'EOI as the only bytes');
  assert.equal(isComplete(Buffer.concat([real, Buffer.alloc(63)]), 'jpeg'), true, 'EOI + 63 bytes of padding');
  assert.equal(isComplete(Buffer.concat([real, Buffer.alloc(64)]), 'jpeg'), false, 'EOI + 64 bytes of padding');
  const notEoi = Buffer.from(real);
  notEoi[notEoi.length - 2] = 0x00;
  assert.equal(isComplete(notEoi, 'jpeg'), false, 'a D9 byte not after FF');
});

test('isComplete: a WebP must hold at least its 12-byte header and fill its RIFF size', () => {
  assert.equal(isComplete(latin1('RIFF\x04\0\0\0WEBP'), 'webp'), true);
  assert.equal(isComplete(latin1('RIFF\0\0\0\0WE'), 'webp'), false);
  const real = webp([]);
  assert.equal(isComplete(real, 'webp'), true);
  assert.equal(isComplete(real.subarray(0, real.length - 1), 'webp'), false);
});
