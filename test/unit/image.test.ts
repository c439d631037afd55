import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import sharp from 'sharp';
import { describeNonImage, sniffImage } from '../../src/core/image';

type Img = ReturnType<typeof sharp>;

const pixels = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 40, b: 90, alpha: 0.5 } } });

const SIZES = [
  [1, 1],
  [17, 9],
  [640, 480],
  [4000, 3],
] as const;

test('sniffImage reads the real type and size of PNG, JPEG and WebP', async () => {
  for (const [w, h] of SIZES) {
    const cases = [
      { bytes: await pixels(w, h).png().toBuffer(), type: 'png', mime: 'image/png', ext: 'png' },
      { bytes: await pixels(w, h).jpeg().toBuffer(), type: 'jpeg', mime: 'image/jpeg', ext: 'jpg' },
      { bytes: await pixels(w, h).jpeg({ progressive: true }).toBuffer(), type: 'jpeg', mime: 'image/jpeg', ext: 'jpg' },
      { bytes: await pixels(w, h).webp().toBuffer(), type: 'webp', mime: 'image/webp', ext: 'webp' }, // VP8
      { bytes: await pixels(w, h).webp({ lossless: true }).toBuffer(), type: 'webp', mime: 'image/webp', ext: 'webp' }, // VP8L
      { bytes: await pixels(w, h, 4).webp().toBuffer(), type: 'webp', mime: 'image/webp', ext: 'webp' }, // VP8X + ALPH
    ];
    for (const c of cases) {
      assert.deepEqual(sniffImage(c.bytes), { type: c.type, mime: c.mime, ext: c.ext, width: w, height: h }, `${c.type} ${w}x${h}`);
    }
  }
});

test('the three WebP layouts are all covered', async () => {
  const fourcc = async (img: Img) => (await img.toBuffer()).subarray(12, 16).toString('latin1');
  assert.equal(await fourcc(pixels(8, 8).webp()), 'VP8 ');
  assert.equal(await fourcc(pixels(8, 8).webp({ lossless: true })), 'VP8L');
  assert.equal(await fourcc(pixels(8, 8, 4).webp()), 'VP8X');
});

test('JPEG: fill bytes, standalone markers and big segments before SOF', async () => {
  const jpeg = await pixels(321, 123).jpeg().toBuffer();
  // After SOI: a 60 KB APP15 segment, then a standalone TEM marker with fill bytes, then the rest.
  const app = Buffer.alloc(60_000 + 4, 0x41);
  app.writeUInt16BE(0xffef, 0);
  app.writeUInt16BE(60_002, 2);
  const odd = Buffer.concat([jpeg.subarray(0, 2), app, Buffer.from([0xff, 0xff, 0xff, 0x01, 0xff, 0xff]), jpeg.subarray(2)]);
  assert.deepEqual(sniffImage(odd), { type: 'jpeg', mime: 'image/jpeg', ext: 'jpg', width: 321, height: 123 });
  // A length that runs past the end, or garbage where a marker should be: not an image.
  assert.equal(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff])), undefined);
  assert.equal(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 0x12, 0x34])), undefined);
  // SOS before any SOF.
  assert.equal(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9])), undefined);
});

test('truncated images never throw; too-short headers give undefined', async () => {
  const images = [
    await pixels(50, 40).png().toBuffer(),
    await pixels(50, 40).jpeg().toBuffer(),
    await pixels(50, 40).webp().toBuffer(),
    await pixels(50, 40).webp({ lossless: true }).toBuffer(),
    await pixels(50, 40, 4).webp().toBuffer(),
  ];
  for (const img of images) {
    for (let n = 0; n <= img.length; n += n < 400 ? 1 : 97) {
      const info = sniffImage(img.subarray(0, n));
      if (info) assert.deepEqual([info.width, info.height], [50, 40]);
      assert.equal(typeof describeNonImage(img.subarray(0, n)), 'string');
    }
    assert.equal(sniffImage(img.subarray(0, 10)), undefined);
  }
});

test('random bytes, with or without an image signature, never throw', () => {
  const signatures = [[], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8, 0xff], [...Buffer.from('RIFF\x10\0\0\0WEBPVP8X')]];
  fc.assert(
    fc.property(fc.constantFrom(...signatures), fc.uint8Array({ maxLength: 300 }), (sig, rest) => {
      const bytes = Uint8Array.from([...sig, ...rest]);
      const info = sniffImage(bytes);
      if (info) assert.ok(info.width > 0 && info.height > 0);
      assert.ok(describeNonImage(bytes).length > 0);
    }),
    { numRuns: 2000 },
  );
});

test('describeNonImage names common non-images', async () => {
  const d = (s: string | Uint8Array) => describeNonImage(typeof s === 'string' ? Buffer.from(s) : s);
  assert.equal(d(''), 'empty');
  assert.equal(d('  \n'), 'empty');
  assert.equal(d('<!DOCTYPE html><html><body>502 Bad Gateway</body></html>'), 'an HTML page');
  assert.equal(d('\uFEFF\n<html lang="en">'), 'an HTML page');
  assert.equal(d('<head><title>x</title></head>'), 'an HTML page');
  assert.equal(d('{"error":{"message":"insufficient credits"}}'), 'JSON');
  assert.equal(d('[1,2]'), 'JSON');
  assert.equal(d('<?xml version="1.0"?><Error/>'), 'an XML document');
  assert.equal(d('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'an SVG image');
  assert.equal(d('Internal Server Error — réessayez'), 'plain text');
  assert.equal(d('GIF89a\x01\0\x01\0'), 'a GIF image');
  assert.equal(d('%PDF-1.7'), 'a PDF document');
  assert.equal(d(Uint8Array.of(0, 1, 2, 3, 250, 251)), 'unknown binary data');
  assert.equal(d(Uint8Array.of(0xc3, 0x28)), 'unknown binary data'); // invalid UTF-8
  const png = await pixels(4, 4).png().toBuffer();
  assert.equal(d(png), 'a PNG image');
  assert.equal(d(png.subarray(0, 12)), 'a damaged PNG image');
});
