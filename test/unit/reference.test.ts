/**
 * Reference images at their edges: the size words of the refusals, the exact byte limit, a type the
 * model does not take, animation found by any of its three signs, containers that are whole or not,
 * and the size an edit asks for from the source's shape.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { findModel, type ModelEntry } from '../../src/core/catalog';
import { sniffImage, type ImageInfo } from '../../src/core/image';
import { countProblem, inspectReference, isAnimated, isWellFormed, megabytes, sizeForSource, tooLargeMessage } from '../../src/core/reference';
import { png as craftedPng, pngChunk, riff } from '../crafted/images';

const PRO_EDIT = findModel('aimlapi:blackforestlabs/flux-2-pro-edit')!;
const GENERATE = findModel('aimlapi:flux-pro/v1.1')!;
const MB = 1048576;

const withRule = (changes: Partial<NonNullable<ModelEntry['reference']>>): ModelEntry => ({ ...PRO_EDIT, reference: { ...PRO_EDIT.reference!, ...changes } });
const withSize = (size: ModelEntry['size']): ModelEntry => ({ ...PRO_EDIT, size });
const message = (r: ReturnType<typeof inspectReference>): string => (r.ok ? '' : r.message);

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#3366cc' } });

/** A WebP: RIFF header, then the chunks as given (sizes filled in). */
function webpOf(chunks: readonly Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from('WEBP'), ...chunks]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from('RIFF'), size, body]);
}
/** A VP8X chunk for a 1×1 canvas with the given flags byte. */
const vp8x = (flags: number) => riff('VP8X', Buffer.from([flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
/** A lossless 1×1 image chunk (signature 0x2f, then width-1 and height-1 as 14 bits each). */
const vp8l = () => riff('VP8L', Buffer.from([0x2f, 0, 0, 0, 0, 0x88, 0x88, 0x08, 0x08]));
const info = (bytes: Uint8Array): ImageInfo => {
  const i = sniffImage(bytes);
  assert.ok(i, 'the sample must sniff as an image');
  return i;
};

describe('sizes in words', () => {
  test('whole mebibytes and sizes from 10 MB on have no decimal; smaller sizes have one', () => {
    assert.equal(megabytes(5 * MB), '5 MB');
    assert.equal(megabytes(1.5 * MB), '1.5 MB');
    assert.equal(megabytes(9.5 * MB), '9.5 MB');
    assert.equal(megabytes(10 * MB), '10 MB');
    assert.equal(megabytes(12.3 * MB), '12 MB');
  });

  test('a file well over the limit is given in MB; one that rounds to the limit in exact bytes', () => {
    const rule = PRO_EDIT.reference!;
    assert.match(tooLargeMessage('big.png', 12 * MB, rule), /^big\.png is 12 MB; a reference image can be at most 10 MB\. .*Nothing was sent\.$/);
    assert.match(tooLargeMessage('big.png', 10 * MB + 5, rule), /^big\.png is 10,485,765 bytes; a reference image can be at most 10 MB\./);
  });

  test('a pixel limit that is not a square is given as a number of pixels', async () => {
    const bytes = await solid(40, 30).png().toBuffer();
    const r = inspectReference('p.png', bytes, withRule({ maxPixels: 1000 }));
    assert.match(message(r), /^p\.png is 40x30 pixels; a reference image can have at most 1,000 pixels\. /);
  });
});

describe('refusals before the pixels are looked at', () => {
  test('a model without a reference rule refuses any file, naming the model', async () => {
    const r = inspectReference('a.png', await solid(4, 4).png().toBuffer(), GENERATE);
    assert.equal(message(r), 'flux-pro/v1.1 does not take reference images.');
  });

  test('a file of exactly the byte limit is accepted; one byte over is refused', async () => {
    const bytes = await solid(8, 8).png().toBuffer();
    assert.equal(inspectReference('a.png', bytes, withRule({ maxBytes: bytes.length })).ok, true);
    const over = inspectReference('a.png', bytes, withRule({ maxBytes: bytes.length - 1 }));
    assert.match(message(over), /^a\.png is [\d,]+ bytes; a reference image can be at most /);
  });

  test('an image of a type the model does not take is refused, naming the type and what it takes', async () => {
    const r = inspectReference('photo.jpg', await solid(8, 8).jpeg().toBuffer(), withRule({ types: ['png', 'webp'] }));
    assert.equal(message(r), 'photo.jpg is a JPEG image; blackforestlabs/flux-2-pro-edit takes PNG or WebP.');
  });
});

describe('animation is found by any of its signs, and only by them', () => {
  test('the VP8X animation flag alone marks a WebP as animated', () => {
    const bytes = webpOf([vp8x(0x02), vp8l()]);
    assert.equal(isAnimated(bytes, info(bytes)), true);
    assert.match(message(inspectReference('a.webp', bytes, PRO_EDIT)), /^a\.webp is an animated WebP/);
  });

  test('an ANIM chunk alone, or an ANMF chunk alone, marks a WebP as animated', () => {
    for (const chunk of [riff('ANIM', Buffer.alloc(6)), riff('ANMF', Buffer.alloc(24))]) {
      const bytes = webpOf([vp8x(0), chunk, vp8l()]);
      assert.equal(isAnimated(bytes, info(bytes)), true, chunk.subarray(0, 4).toString());
    }
  });

  test('a still extended WebP, and a simple lossless WebP (whose first byte looks like the flag), are still', async () => {
    const extended = webpOf([vp8x(0x10), vp8l()]);
    assert.equal(isAnimated(extended, info(extended)), false);
    assert.equal(inspectReference('e.webp', extended, PRO_EDIT).ok, true);
    const lossless = await solid(40, 30).webp({ lossless: true }).toBuffer();
    assert.equal(lossless.subarray(12, 16).toString('latin1'), 'VP8L');
    assert.equal(isAnimated(lossless, info(lossless)), false);
    const r = inspectReference('l.webp', lossless, PRO_EDIT);
    assert.ok(r.ok, message(r));
    assert.equal(r.image.width, 40);
  });
});

describe('whether a container is whole', () => {
  const pngInfo = info(craftedPng());

  test('a PNG with bytes after its IEND is not whole', () => {
    assert.equal(isWellFormed(craftedPng(), pngInfo), true);
    assert.equal(isWellFormed(Buffer.concat([craftedPng(), Buffer.from('junk')]), pngInfo), false);
  });

  test('a PNG that ends in IEND but whose chunk lengths lie is not whole', () => {
    const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    const lying = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), pngChunk('IHDR', ihdr, 5000), pngChunk('IEND', Buffer.alloc(0))]);
    assert.equal(isWellFormed(lying, pngInfo), false);
  });

  test('a PNG without pixel data (no IDAT), or not starting with IHDR, is not whole', () => {
    const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    const sig = Buffer.from('\x89PNG\r\n\x1a\n', 'latin1');
    const noIdat = Buffer.concat([sig, pngChunk('IHDR', ihdr), pngChunk('IEND', Buffer.alloc(0))]);
    assert.equal(isWellFormed(noIdat, pngInfo), false);
    assert.match(message(inspectReference('n.png', noIdat, PRO_EDIT)), /^n\.png is a damaged PNG file/);
    const idat = Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
    const noIhdr = Buffer.concat([sig, pngChunk('IDAT', idat), pngChunk('IHDR', ihdr), pngChunk('IEND', Buffer.alloc(0))]);
    assert.equal(isWellFormed(noIhdr, pngInfo), false);
  });

  test('a WebP is whole with a lossy, a lossless or an animation-frame chunk; not with a lying chunk length', () => {
    const webpInfo = info(webpOf([vp8x(0), vp8l()]));
    assert.equal(isWellFormed(webpOf([vp8x(0), vp8l()]), webpInfo), true);
    assert.equal(isWellFormed(webpOf([vp8x(0), riff('VP8 ', Buffer.alloc(10))]), webpInfo), true);
    assert.equal(isWellFormed(webpOf([vp8x(0x02), riff('ANIM', Buffer.alloc(6)), riff('ANMF', Buffer.alloc(24))]), webpInfo), true);
    assert.equal(isWellFormed(webpOf([vp8x(0), riff('EXIF', Buffer.alloc(4))]), webpInfo), false);
    assert.equal(isWellFormed(webpOf([vp8x(0), riff('VP8L', Buffer.alloc(4), 400)]), webpInfo), false);
  });
});

describe('the count rule names the edit command', () => {
  test('both refusals tell which command to use', () => {
    assert.match(countProblem(GENERATE, 1)!, /To edit an image, use "Flux: Edit Image with FLUX…" with an edit model\.$/);
    assert.match(countProblem(PRO_EDIT, 0)!, /Choose the image to edit, e\.g\. with "Flux: Edit Image with FLUX…"\.$/);
  });
});

describe('the size an edit asks for from its source', () => {
  test('no size for a source without pixels', () => {
    for (const [w, h] of [
      [0, 100],
      [100, 0],
      [-5, 100],
      [100, -5],
      [Number.NaN, 100],
    ] as const) {
      assert.equal(sizeForSource(PRO_EDIT, w, h), undefined, `${w}x${h}`);
    }
  });

  test('a wide source is brought under the maximum first, keeping its shape when the short side stays in range', () => {
    assert.equal(sizeForSource(PRO_EDIT, 3000, 1000), '2048x672');
  });

  test('a source whose short side is under the minimum is scaled up by its short side', () => {
    assert.equal(sizeForSource(PRO_EDIT, 1000, 300), '1696x512');
  });

  test('a model with an empty ratio list, or with neither rule, asks for no size', () => {
    assert.equal(sizeForSource(withSize({ ...PRO_EDIT.size, custom: undefined, ratios: [] }), 100, 100), undefined);
    assert.equal(sizeForSource(withSize({ ...PRO_EDIT.size, custom: undefined, ratios: undefined }), 100, 100), undefined);
  });

  test('between two equally near ratios the first listed wins', () => {
    const ratios = [
      { ratio: '2:1', width: 2, height: 1 },
      { ratio: '1:2', width: 1, height: 2 },
    ];
    assert.equal(sizeForSource(withSize({ ...PRO_EDIT.size, custom: undefined, ratios }), 500, 500), '2:1');
    assert.equal(sizeForSource(withSize({ ...PRO_EDIT.size, custom: undefined, ratios: [...ratios].reverse() }), 500, 500), '1:2');
  });
});
