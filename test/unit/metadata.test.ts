import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import sharp from 'sharp';
import { jpegSegments, pngChunks, sniffImage, webpChunks } from '../../src/core/image';
import { DESCRIPTION_MAX, descriptionText, embedRecord, embedRecordParts, type GenerationRecord } from '../../src/core/metadata';
import { readRecord } from '../../src/core/recordRead';

const record = (prompt: string, extra: Partial<GenerationRecord> = {}): GenerationRecord => ({
  v: 1,
  app: 'flux-image-studio',
  prompt,
  provider: 'aimlapi',
  model: 'flux-pro/v1.1',
  modelKey: 'aimlapi:flux-pro/v1.1',
  width: 1024,
  height: 768,
  seed: 42,
  params: { guidanceScale: 3.5, safetyTolerance: '2', enableSafetyChecker: true },
  outputFormat: 'jpeg',
  createdAt: '2025-01-02T03:04:05.678Z',
  requestId: 'req_123',
  creditsUsed: 0.05,
  ...extra,
});

type Img = ReturnType<typeof sharp>;

const pixels = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 10, g: 120, b: 250, alpha: 0.4 } } });

/** Real images of every layout the module handles, in a few sizes. */
async function samples(): Promise<{ name: string; bytes: Buffer; width: number; height: number }[]> {
  const out = [];
  for (const [width, height] of [
    [1, 1],
    [64, 48],
    [333, 777],
  ] as const) {
    const make = (name: string, img: Img) => img.toBuffer().then((bytes) => ({ name: `${name} ${width}x${height}`, bytes, width, height }));
    out.push(
      await make('png', pixels(width, height).png()),
      await make('png+alpha', pixels(width, height, 4).png()),
      await make('jpeg', pixels(width, height).jpeg()),
      await make('jpeg progressive', pixels(width, height).jpeg({ progressive: true })),
      await make(
        'jpeg + exif',
        pixels(width, height)
          .jpeg()
          .withExif({ IFD0: { Copyright: 'me' } }),
      ),
      await make('webp lossy (VP8)', pixels(width, height).webp()),
      await make('webp lossless (VP8L)', pixels(width, height).webp({ lossless: true })),
      await make('webp lossless + alpha (VP8L)', pixels(width, height, 4).webp({ lossless: true })),
      await make('webp lossy + alpha (VP8X)', pixels(width, height, 4).webp()),
    );
  }
  return out;
}

/** The image decodes fully with libvips and keeps its size. */
async function assertValid(bytes: Uint8Array, width: number, height: number, label: string): Promise<void> {
  const meta = await sharp(bytes).metadata();
  assert.deepEqual([meta.width, meta.height], [width, height], label);
  const raw = await sharp(bytes).raw().toBuffer();
  assert.ok(raw.length >= width * height * 3, label);
  assert.deepEqual(sniffImage(bytes) && [sniffImage(bytes)?.width, sniffImage(bytes)?.height], [width, height], label);
}

/** How many records the file holds, counted from its structure. */
function countRecords(b: Uint8Array): number {
  const text = (s: number, e: number) => Buffer.from(b.subarray(s, e)).toString('latin1');
  const type = sniffImage(b)?.type;
  if (type === 'png') return (pngChunks(b) ?? []).filter((c) => c.type === 'iTXt' && text(c.dataStart, c.dataStart + 18) === 'flux-image-studio\0').length;
  if (type === 'webp') return (webpChunks(b) ?? []).filter((c) => c.fourcc === 'XMP ').length;
  return jpegSegments(b).segments.filter((s) => s.marker === 0xe1 && text(s.dataStart, s.dataStart + 29) === 'http://ns.adobe.com/xap/1.0/\0').length;
}

const AWKWARD = [
  'A "quoted" <b>bold</b> & \'single\' ]]> <![CDATA[ x ]]> --> <!-- &amp; &#x41;',
  'emoji 🐱‍👤🏳️‍🌈 and a lone surrogate \ud800 and \u0000\u0001\u007f\u0085\ufffe\uffff controls',
  'RTL: قطة على سطح صفيح ساخن \u202e reversed \u202c עברית',
  'back\\slash\nnew line\r\n\ttab ${prompt} `code` [link](x)',
  '🐱'.repeat(4000),
  '"<&>'.repeat(1000),
];

test('round-trip in PNG, JPEG and WebP; the image stays valid with the same size', async () => {
  for (const s of await samples()) {
    const r = record(`a lighthouse at dusk (${s.name})`, { width: s.width, height: s.height });
    const out = embedRecord(s.bytes, r);
    assert.notEqual(out, s.bytes);
    await assertValid(out, s.width, s.height, s.name);
    assert.deepEqual(readRecord(out), r, s.name);
    assert.equal(countRecords(out), 1, s.name);
    assert.equal(readRecord(s.bytes), undefined, `${s.name} before embedding`);
  }
});

test('embedding twice keeps exactly one record, the newer one', async () => {
  for (const s of await samples()) {
    const twice = embedRecord(embedRecord(s.bytes, record('first')), record('second'));
    await assertValid(twice, s.width, s.height, s.name);
    assert.equal(countRecords(twice), 1, s.name);
    assert.equal(readRecord(twice)?.prompt, 'second', s.name);
    // Re-embedding the same record changes nothing.
    const again = embedRecord(twice, record('second'));
    assert.deepEqual(Buffer.from(again), Buffer.from(twice), s.name);
  }
});

test('awkward prompts round-trip in every format, and libvips sees the XMP', async () => {
  const images = [
    await pixels(32, 16).png().toBuffer(),
    await pixels(32, 16).jpeg().toBuffer(),
    await pixels(32, 16).webp().toBuffer(),
    await pixels(32, 16).webp({ lossless: true }).toBuffer(),
  ];
  for (const img of images) {
    for (const prompt of AWKWARD) {
      const r = record(prompt, { seed: undefined, requestId: undefined, creditsUsed: undefined });
      delete r.seed;
      delete r.requestId;
      delete r.creditsUsed;
      const out = embedRecord(img, r);
      assert.deepEqual(readRecord(out), r, `${sniffImage(img)?.type}: ${prompt.slice(0, 30)}`);
      await assertValid(out, 32, 16, prompt.slice(0, 30));
      const meta = await sharp(out).metadata();
      if (meta.format !== 'png') assert.match(meta.xmp?.toString('utf8') ?? '', /<fluxstudio:record>\{/);
    }
  }
});

test('JPEG: a 4,000-emoji prompt fits one APP1 segment; a longer record becomes Extended XMP', async () => {
  const jpeg = await pixels(40, 30).jpeg().toBuffer();
  const emoji = embedRecord(jpeg, record('🐱'.repeat(4000)));
  const app1 = (b: Uint8Array) => jpegSegments(b).segments.filter((s) => s.marker === 0xe1);
  assert.equal(app1(emoji).length, 1);

  const huge = record('<"&>🐱é'.repeat(12_000)); // ~230 KB of escaped JSON
  const out = embedRecord(jpeg, huge);
  const segments = app1(out);
  assert.ok(segments.length >= 4, `${segments.length} APP1 segments`);
  for (const s of segments) assert.ok(s.end - s.start <= 65537);
  assert.deepEqual(readRecord(out), huge);
  await assertValid(out, 40, 30, 'extended XMP');
  // Replacing it with a short record removes every extension segment.
  const short = embedRecord(out, record('short'));
  assert.equal(app1(short).length, 1);
  assert.equal(readRecord(short)?.prompt, 'short');
  // A missing portion makes the record unreadable rather than wrong.
  const [, second] = app1(out);
  assert.ok(second);
  const damaged = Buffer.concat([out.subarray(0, second.start), out.subarray(second.end)]);
  assert.equal(readRecord(damaged), undefined);
});

test('JPEG: the record goes after JFIF and Exif, and Exif survives', async () => {
  const kinds = (b: Uint8Array) =>
    jpegSegments(b)
      .segments.slice(0, 2)
      .map((s) => `${s.marker.toString(16)} ${Buffer.from(b.subarray(s.dataStart, s.dataStart + 4)).toString('latin1')}`);
  const bare = await pixels(20, 20).jpeg().toBuffer();
  const app0 = Buffer.from('ffe00010' + Buffer.from('JFIF\0').toString('hex') + '010100000100010000', 'hex');
  const plain = embedRecord(Buffer.concat([bare.subarray(0, 2), app0, bare.subarray(2)]), record('x'));
  assert.deepEqual(kinds(plain), ['e0 JFIF', 'e1 http']);
  const exif = embedRecord(
    await pixels(20, 20)
      .jpeg()
      .withExif({ IFD0: { Copyright: 'Ada' } })
      .toBuffer(),
    record('x'),
  );
  assert.deepEqual(kinds(exif), ['e1 Exif', 'e1 http']);
  assert.equal((await sharp(exif).metadata()).exif?.includes('Ada'), true);
});

test('an XMP packet from another tool is replaced, not duplicated', async () => {
  const xmp =
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""/></rdf:RDF></x:xmpmeta>';
  for (const img of [pixels(9, 9).jpeg().withXmp(xmp), pixels(9, 9).webp().withXmp(xmp), pixels(9, 9, 4).webp().withXmp(xmp)]) {
    const bytes = await img.toBuffer();
    const out = embedRecord(bytes, record('y'));
    assert.equal(countRecords(out), 1);
    assert.equal(readRecord(out)?.prompt, 'y');
    await assertValid(out, 9, 9, 'with xmp');
  }
});

test('WebP: a simple file is converted to VP8X with the XMP flag, canvas size and RIFF size', async () => {
  for (const [channels, lossless, alpha] of [
    [3, false, 0],
    [3, true, 0],
    [4, true, 0x10],
  ] as const) {
    const bytes = await pixels(300, 5, channels).webp({ lossless }).toBuffer();
    const out = Buffer.from(embedRecord(bytes, record('z')));
    assert.equal(out.subarray(12, 16).toString('latin1'), 'VP8X');
    assert.equal(out[20], 0x04 | alpha);
    assert.equal(out.readUIntLE(24, 3) + 1, 300);
    assert.equal(out.readUIntLE(27, 3) + 1, 5);
    assert.equal(out.readUInt32LE(4), out.length - 8);
    assert.deepEqual(
      (webpChunks(out) ?? []).map((c) => c.fourcc),
      ['VP8X', lossless ? 'VP8L' : 'VP8 ', 'XMP '],
    );
    assert.equal((await sharp(out).metadata()).hasAlpha, alpha !== 0);
  }
});

test('readRecord returns undefined for garbage, truncation and damaged records; never throws', async () => {
  const png = embedRecord(await pixels(8, 8).png().toBuffer(), record('p'));
  const jpeg = embedRecord(await pixels(8, 8).jpeg().toBuffer(), record('j'));
  const webp = embedRecord(await pixels(8, 8).webp().toBuffer(), record('w'));
  for (const b of [new Uint8Array(0), Buffer.from('not an image'), Buffer.from('{"v":1}')]) assert.equal(readRecord(b), undefined);
  for (const img of [png, jpeg, webp]) {
    for (let n = 0; n < img.length; n += 7) {
      const r = readRecord(img.subarray(0, n));
      if (r) assert.equal(typeof r.prompt, 'string');
    }
    // Break the JSON (the record's opening brace) and then the schema (v: 2).
    const text = Buffer.from(img);
    const brace = text.indexOf('{"v":1');
    assert.ok(brace > 0);
    const broken = Buffer.from(text);
    broken[brace] = 0x28;
    assert.equal(readRecord(broken), undefined);
    const wrongVersion = Buffer.from(text);
    wrongVersion[brace + 5] = 0x32;
    assert.equal(readRecord(wrongVersion), undefined);
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (noise, at) => {
      for (const img of [png, jpeg, webp]) {
        const b = Buffer.from(img);
        b.set(noise.subarray(0, Math.max(0, b.length - (at % b.length))), at % b.length);
        readRecord(b);
      }
    }),
    { numRuns: 300 },
  );
});

test('embedRecord refuses bytes that are not a well-formed image, saying what they are', () => {
  assert.throws(() => embedRecord(Buffer.from('<!doctype html><html>'), record('x')), /the file is an HTML page/);
  assert.throws(() => embedRecord(new Uint8Array(0), record('x')), /the file is empty/);
});

test('property: any prompt round-trips in all three formats', async () => {
  const images = [await pixels(4, 4).png().toBuffer(), await pixels(4, 4).jpeg().toBuffer(), await pixels(4, 4).webp().toBuffer()];
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (prompt) => {
      for (const img of images) assert.equal(readRecord(embedRecord(img, record(prompt)))?.prompt, prompt);
    }),
    { numRuns: 200 },
  );
});

test('embedRecordParts: the same file as embedRecord, in a few pieces that are views of the input, not copies', async () => {
  for (const s of await samples()) {
    const r = record(`pieces (${s.name})`, { width: s.width, height: s.height });
    const before = Buffer.from(s.bytes);
    const parts = embedRecordParts(s.bytes, r);
    assert.deepEqual(Buffer.concat(parts), Buffer.from(embedRecord(s.bytes, r)), s.name);
    assert.deepEqual(Buffer.from(s.bytes), before, `${s.name}: the input is untouched`);
    // The input's bytes are shared: what is copied is only the record (and, for WebP, small headers).
    const shared = parts.filter((p) => p.buffer === s.bytes.buffer).reduce((n, p) => n + p.length, 0);
    assert.ok(shared >= s.bytes.length - 64, `${s.name}: ${shared} of ${s.bytes.length} bytes shared`);
    assert.ok(parts.length <= 8, `${s.name}: ${parts.length} pieces (adjacent views are joined)`);
  }
});

// ---- The description ------------------------------------------------------------------------------

test('the prompt is written as the description: PNG tEXt for Latin-1, iTXt otherwise; XMP dc:description in JPEG and WebP', async () => {
  const textOf = (b: Uint8Array, keyword: string): { type: string; text: string }[] =>
    (pngChunks(b) ?? [])
      .filter(
        (c) =>
          ['tEXt', 'iTXt'].includes(c.type) && Buffer.from(b.subarray(c.dataStart, c.dataStart + keyword.length + 1)).toString('latin1') === `${keyword}\0`,
      )
      .map((c) => ({
        type: c.type,
        text:
          c.type === 'tEXt'
            ? Buffer.from(b.subarray(c.dataStart + keyword.length + 1, c.end - 4)).toString('latin1')
            : Buffer.from(b.subarray(c.dataStart + keyword.length + 5, c.end - 4)).toString('utf8'),
      }));
  const png = await pixels(8, 8).png().toBuffer();
  assert.deepEqual(textOf(embedRecord(png, record('a café, 50°')), 'Description'), [{ type: 'tEXt', text: 'a café, 50°' }]);
  assert.deepEqual(textOf(embedRecord(png, record('雪 🦊')), 'Description'), [{ type: 'iTXt', text: '雪 🦊' }]);
  // Embedding again, or over a tool's own Description, leaves one.
  const twice = embedRecord(embedRecord(png, record('first')), record('second'));
  assert.deepEqual(textOf(twice, 'Description'), [{ type: 'tEXt', text: 'second' }]);
  for (const bytes of [await pixels(8, 8).jpeg().toBuffer(), await pixels(8, 8).webp().toBuffer()]) {
    const out = Buffer.from(embedRecord(bytes, record('a <b> & "fox"'))).toString('utf8');
    assert.match(out, /<dc:description><rdf:Alt><rdf:li xml:lang="x-default">a &lt;b&gt; &amp; "fox"<\/rdf:li><\/rdf:Alt><\/dc:description>/);
    assert.equal(readRecord(embedRecord(bytes, record('a <b> & "fox"')))?.prompt, 'a <b> & "fox"');
  }
});

test('descriptionText: characters XML cannot hold become U+FFFD; a very long prompt is cut with …', () => {
  assert.equal(descriptionText('tab\tLF\nCR\r ok'), 'tab\tLF\nCR\r ok');
  assert.equal(descriptionText('nul\u0000 bell\u0007 c1\u0085 fffe\ufffe lone\ud800!'), 'nul\ufffd bell\ufffd c1\ufffd fffe\ufffd lone\ufffd!');
  const long = descriptionText('🦊'.repeat(DESCRIPTION_MAX));
  assert.ok(long.length <= DESCRIPTION_MAX && long.endsWith('…'));
  assert.doesNotMatch(long, /[\ud800-\udbff](?![\udc00-\udfff])/, 'no half of a surrogate pair left');
});

test('a record too long for one JPEG segment: the description stays in the standard packet, the record in the extended one', async () => {
  const prompt = 'x'.repeat(70_000);
  const out = embedRecord(await pixels(8, 8).jpeg().toBuffer(), record(prompt));
  assert.equal(readRecord(out)?.prompt, prompt);
  const standard = jpegSegments(out).segments.find(
    (s) => s.marker === 0xe1 && Buffer.from(out.subarray(s.dataStart, s.dataStart + 29)).toString('latin1') === 'http://ns.adobe.com/xap/1.0/\0',
  );
  assert.ok(standard);
  const xml = Buffer.from(out.subarray(standard.dataStart, standard.end)).toString('utf8');
  assert.match(xml, /xmpNote:HasExtendedXMP="[0-9A-F]{32}"/);
  assert.match(xml, new RegExp(`<rdf:li xml:lang="x-default">x{${DESCRIPTION_MAX - 1}}…</rdf:li>`));
});
