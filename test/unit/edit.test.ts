/**
 * Editing with reference images: the edit models' catalog rules, the checks a reference goes through
 * (type from the bytes, still, whole, within the limits), the request bodies, and the engine against
 * the fake API, which decodes every data URI and checks it is a real image.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { CATALOG, EDIT_MODELS, findModel, isEditModel, type ModelEntry } from '../../src/core/catalog';
import { generate } from '../../src/core/engine';
import { FluxError } from '../../src/core/errors';
import { HttpClient } from '../../src/core/http';
import { readRecord } from '../../src/core/recordRead';
import { editBaseName, DEFAULT_FILE_NAME_PATTERN } from '../../src/core/naming';
import { aimlapi, aimlBody } from '../../src/core/providers/aimlapi';
import { countProblem, inspectReference, sizeForSource, type ReferenceImage } from '../../src/core/reference';
import { findImageTargets, linkForms } from '../../src/core/relink';
import { validateRequest, type ValidRequest } from '../../src/core/request';
import { entryFromRecord, parseIndex, GALLERY_FORMAT, GALLERY_VERSION } from '../../src/core/gallery';
import { png as craftedPng, pngChunk, riff, webp as craftedWebp } from '../crafted/images';
import { startFakeApi, type FakeApi } from '../fake-api/server';
import { validateAiml } from '../fake-api/validate';
import { curlReference, curlText } from '../../src/webview/generator/curl';
import { testLogger } from './testLogger';

const run = promisify(execFile);
const KEY = process.env.FLUX_TEST_KEY ?? 'test-key-123';
const PRO_EDIT = findModel('aimlapi:blackforestlabs/flux-2-pro-edit')!;
const KONTEXT_PRO = findModel('aimlapi:flux/kontext-pro/image-to-image')!;
const KONTEXT_MAX = findModel('aimlapi:flux/kontext-max/image-to-image')!;

async function image(format: 'png' | 'jpeg' | 'webp', width = 64, height = 48, seed = 1): Promise<Buffer> {
  const base = sharp({ create: { width, height, channels: 3, background: { r: (seed * 53) % 256, g: 120, b: 200 } } });
  return format === 'png' ? base.png().toBuffer() : format === 'jpeg' ? base.jpeg().toBuffer() : base.webp().toBuffer();
}

function ref(model: ModelEntry, bytes: Uint8Array, path = 'images/source.png'): ReferenceImage {
  const r = inspectReference(path, bytes, model);
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.image;
}

function valid(input: unknown): ValidRequest {
  const v = validateRequest(input);
  assert.ok(v.ok, v.ok ? '' : v.problems.map((p) => p.message).join(' | '));
  return v.value;
}

describe('edit models in the catalog', () => {
  test('the three edit models are found by key, carry a reference rule and are not generation choices', () => {
    assert.deepEqual(
      EDIT_MODELS.map((m) => m.key),
      ['aimlapi:blackforestlabs/flux-2-pro-edit', 'aimlapi:flux/kontext-pro/image-to-image', 'aimlapi:flux/kontext-max/image-to-image'],
    );
    for (const m of EDIT_MODELS) {
      assert.ok(isEditModel(m), m.key);
      assert.equal(CATALOG.includes(m), false, `${m.key} must not be a generation choice`);
    }
    for (const m of CATALOG) assert.equal(isEditModel(m), false, m.key);
    assert.deepEqual(
      { ...PRO_EDIT.reference },
      { wire: 'image_urls', shape: 'array', min: 1, max: 3, inline: true, types: ['png', 'jpeg', 'webp'], maxBytes: 10 * 1024 * 1024, maxPixels: 4096 * 4096 },
    );
    assert.equal(KONTEXT_PRO.reference?.wire, 'image_url');
    assert.equal(KONTEXT_PRO.reference?.shape, 'one-or-array');
    assert.equal(KONTEXT_PRO.reference?.max, 4);
    assert.deepEqual(PRO_EDIT.size.custom, { min: 512, max: 2048, step: 32 });
    assert.deepEqual(
      KONTEXT_MAX.size.ratios?.map((r) => r.ratio),
      ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21'],
    );
    assert.deepEqual(KONTEXT_PRO.formats, ['jpeg', 'png']);
    assert.equal(KONTEXT_PRO.maxImages, 4);
    assert.equal(PRO_EDIT.maxImages, 1);
  });

  test('the count rule in words', () => {
    assert.equal(countProblem(PRO_EDIT, 1), undefined);
    assert.equal(countProblem(PRO_EDIT, 3), undefined);
    assert.match(countProblem(PRO_EDIT, 4)!, /^blackforestlabs\/flux-2-pro-edit takes 1 to 3 reference images; 4 were given\. Remove 1\.$/);
    assert.match(countProblem(PRO_EDIT, 0)!, /flux-2-pro-edit edits images: it takes 1 to 3 reference images and none was given/);
    assert.match(countProblem(findModel('aimlapi:flux-pro/v1.1')!, 1)!, /flux-pro\/v1\.1 does not take reference images/);
    assert.equal(countProblem(findModel('aimlapi:flux-pro/v1.1')!, 0), undefined);
  });
});

describe('a reference image is checked from its bytes', () => {
  test('PNG, JPEG and WebP pass with their real type, pixel size and sha256', async () => {
    for (const f of ['png', 'jpeg', 'webp'] as const) {
      const bytes = await image(f, 80, 40);
      const r = ref(PRO_EDIT, bytes, `a/b.${f}`);
      assert.equal(r.type, f);
      assert.equal(r.width, 80);
      assert.equal(r.height, 40);
      assert.equal(r.bytes, bytes.length);
      assert.equal(r.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.deepEqual(Buffer.from(r.data, 'base64'), bytes);
    }
  });

  test('a PNG named .jpg is sent as what it is', async () => {
    const r = ref(PRO_EDIT, await image('png'), 'photo.jpg');
    assert.equal(r.type, 'png');
  });

  test('an animated PNG and an animated WebP are refused clearly', async () => {
    const apng = craftedPng([pngChunk('acTL', Buffer.from([0, 0, 0, 2, 0, 0, 0, 0]))]);
    const a = inspectReference('anim.png', apng, PRO_EDIT);
    assert.equal(a.ok, false);
    assert.match(a.ok ? '' : a.message, /^anim\.png is an animated PNG; blackforestlabs\/flux-2-pro-edit edits still images only/);
    const vp8x = riff('VP8X', Buffer.from([0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const animWebp = Buffer.concat([
      Buffer.from('RIFF'),
      Buffer.alloc(4),
      Buffer.from('WEBP'),
      vp8x,
      riff('ANIM', Buffer.alloc(6)),
      riff('ANMF', Buffer.alloc(24)),
    ]);
    animWebp.writeUInt32LE(animWebp.length - 8, 4);
    const w = inspectReference('anim.webp', animWebp, KONTEXT_PRO);
    assert.equal(w.ok, false);
    assert.match(w.ok ? '' : w.message, /^anim\.webp is an animated WebP; flux\/kontext-pro\/image-to-image edits still images only/);
    // A still extended WebP with only metadata chunks is not called animated, but it has no image: damaged.
    const still = inspectReference('meta.webp', craftedWebp([riff('EXIF', Buffer.alloc(4))]), PRO_EDIT);
    assert.match(still.ok ? '' : still.message, /damaged WebP/);
  });

  test('GIF, text and a cut-short PNG are refused, naming the file and what is allowed', async () => {
    const gif = inspectReference('x.gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), PRO_EDIT);
    assert.match(
      gif.ok ? '' : gif.message,
      /^x\.gif is not an image blackforestlabs\/flux-2-pro-edit can edit: it looks like a GIF image\. Use a PNG or JPEG or WebP file\.$/,
    );
    const text = inspectReference('notes.png', Buffer.from('hello'), PRO_EDIT);
    assert.match(text.ok ? '' : text.message, /looks like plain text/);
    const full = await image('png');
    const cut = inspectReference('cut.png', full.subarray(0, full.length - 20), PRO_EDIT);
    assert.match(cut.ok ? '' : cut.message, /^cut\.png is a damaged PNG file/);
  });

  test('over the byte limit or the pixel limit: refused with the limit named', async () => {
    const big = Buffer.concat([await image('png'), Buffer.alloc(10 * 1024 * 1024)]);
    const b = inspectReference('big.png', big, PRO_EDIT);
    assert.match(b.ok ? '' : b.message, /^big\.png is 10,4\d\d,\d\d\d bytes; a reference image can be at most 10 MB\. .*Nothing was sent\.$/);
    // 4097 x 4096: one column over 4096 x 4096.
    const wide = await sharp({ create: { width: 4097, height: 4096, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const p = inspectReference('wide.png', wide, PRO_EDIT);
    assert.match(p.ok ? '' : p.message, /^wide\.png is 4097x4096 pixels; a reference image can have at most 4096x4096 pixels\./);
    const edge = await sharp({ create: { width: 4096, height: 4096, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    assert.equal(inspectReference('edge.png', edge, PRO_EDIT).ok, true);
  });
});

describe('edit requests', () => {
  test('validation: references are required, counted and refused for generation models', async () => {
    const one = ref(PRO_EDIT, await image('png'));
    const none = validateRequest({ model: PRO_EDIT.key, prompt: 'make it winter' });
    assert.equal(none.ok, false);
    assert.deepEqual(none.ok ? [] : none.problems.map((p) => p.field), ['references']);
    const four = validateRequest({ model: PRO_EDIT.key, prompt: 'make it winter', references: [one, one, one, one] });
    assert.match(four.ok ? '' : four.problems[0]!.message, /flux-2-pro-edit takes 1 to 3 reference images; 4 were given/);
    const gen = validateRequest({ model: 'aimlapi:flux-pro/v1.1', prompt: 'x', references: [one] });
    assert.match(gen.ok ? '' : gen.problems[0]!.message, /flux-pro\/v1\.1 does not take reference images/);
    const huge = validateRequest({ model: PRO_EDIT.key, prompt: 'x', references: [{ ...one, width: 5000, height: 5000 }] });
    assert.match(huge.ok ? '' : huge.problems[0]!.message, /5000x5000 pixels; a reference image can have at most 4096x4096/);
    const kontext5 = validateRequest({ model: KONTEXT_PRO.key, prompt: 'x', references: [one, one, one, one, one] });
    assert.match(kontext5.ok ? '' : kontext5.problems[0]!.message, /kontext-pro\/image-to-image takes 1 to 4 reference images; 5 were given/);
  });

  test('flux-2-pro-edit: image_urls is a list of data URIs holding exactly the bytes, with image_size', async () => {
    const a = await image('png', 64, 64, 1);
    const b = await image('jpeg', 64, 64, 2);
    const req = valid({
      model: PRO_EDIT.key,
      prompt: 'put the logo on the mug',
      size: '1024x768',
      seed: 7,
      outputFormat: 'webp',
      params: { safetyTolerance: '3' },
      references: [ref(PRO_EDIT, a), ref(PRO_EDIT, b, 'b.jpg')],
    });
    const body = aimlBody(req);
    assert.deepEqual(body, {
      model: 'blackforestlabs/flux-2-pro-edit',
      prompt: 'put the logo on the mug',
      image_size: { width: 1024, height: 768 },
      seed: 7,
      output_format: 'webp',
      safety_tolerance: '3',
      image_urls: [`data:image/png;base64,${a.toString('base64')}`, `data:image/jpeg;base64,${b.toString('base64')}`],
    });
    // Copy as cURL shows a stand-in, never megabytes of base64.
    const shown = JSON.stringify(aimlapi.describe(req, 'https://api.aimlapi.com').body);
    assert.ok(!shown.includes(a.toString('base64')));
    assert.match(shown, /data:image\/png;base64,<\d+ bytes>/);
  });

  test('Kontext: one reference goes as a string, several as a list; aspect_ratio, num_images, guidance_scale', async () => {
    const a = await image('webp');
    const one = aimlBody(
      valid({ model: KONTEXT_PRO.key, prompt: 'add a bird', size: '1:1', numImages: 2, params: { guidance: 4 }, references: [ref(KONTEXT_PRO, a, 'a.webp')] }),
    );
    assert.equal(one.image_url, `data:image/webp;base64,${a.toString('base64')}`);
    assert.equal(one.aspect_ratio, '1:1');
    assert.equal(one.num_images, 2);
    assert.equal(one.guidance_scale, 4);
    assert.equal(one.image_size, undefined);
    const two = aimlBody(valid({ model: KONTEXT_MAX.key, prompt: 'merge', references: [ref(KONTEXT_MAX, a), ref(KONTEXT_MAX, a)] }));
    assert.ok(Array.isArray(two.image_url) && two.image_url.length === 2);
    assert.equal(two.aspect_ratio, '16:9');
  });

  test('naming: <source>-edit-<seed> with the default pattern, the own pattern otherwise', () => {
    const vars = { prompt: 'make it winter', model: 'x', seed: 42, date: new Date(2026, 0, 2), index: 1 };
    assert.equal(editBaseName(DEFAULT_FILE_NAME_PATTERN, 'hero.png', vars), 'hero-edit-42');
    assert.equal(editBaseName(DEFAULT_FILE_NAME_PATTERN, 'my photo.final.jpeg', vars), 'my photo.final-edit-42');
    assert.equal(editBaseName('${date}-${seed}', 'hero.png', vars), '2026-01-02-42');
  });
});

describe('the fake API checks edit requests strictly', () => {
  test('missing, too many, not a data URI, a lying MIME type, a broken CRC: each refused with its path', async () => {
    const good = `data:image/png;base64,${(await image('png')).toString('base64')}`;
    const issues = (body: Record<string, unknown>) => {
      const c = validateAiml({ model: 'blackforestlabs/flux-2-pro-edit', prompt: 'x', ...body });
      return c.ok ? [] : c.issues.map((i) => `${i.path}: ${i.message}`);
    };
    assert.deepEqual(issues({}), ['image_urls: Required']);
    assert.deepEqual(issues({ image_urls: [] }), ['image_urls: Array must contain at least 1 element(s), received 0']);
    assert.deepEqual(issues({ image_urls: [good, good, good, good] }), ['image_urls: Array must contain at most 3 element(s), received 4']);
    assert.deepEqual(issues({ image_urls: good }), ['image_urls: Expected array, received string']);
    assert.match(issues({ image_urls: ['data:image/png;base64,aGVsbG8='] })[0]!, /^image_urls\.0: The data URI does not decode to an image/);
    assert.match(issues({ image_urls: [good.replace('image/png', 'image/jpeg')] })[0]!, /says image\/jpeg but holds a PNG image/);
    const bad = await image('png');
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff; // IEND's CRC
    assert.match(issues({ image_urls: [`data:image/png;base64,${bad.toString('base64')}`] })[0]!, /wrong CRC/);
    const apng = craftedPng([pngChunk('acTL', Buffer.from([0, 0, 0, 2, 0, 0, 0, 0]))]);
    assert.match(issues({ image_urls: [`data:image/png;base64,${apng.toString('base64')}`] })[0]!, /animated PNG/);
    const ok = validateAiml({ model: 'flux/kontext-pro/image-to-image', prompt: 'x', image_url: good });
    assert.ok(ok.ok && ok.value.references?.length === 1);
    const gen = validateAiml({ model: 'flux-pro/v1.1', prompt: 'x', image_urls: [good] });
    assert.equal(gen.ok, false);
  });
});

describe('the engine edits against the fake API', () => {
  let fake: FakeApi;
  const http = new HttpClient();
  before(async () => {
    fake = await startFakeApi();
  });
  after(async () => {
    await fake.close();
    await http.close();
  });

  test('Copy as cURL for an edit: the command, run by a real shell from the workspace folder, sends the files themselves; no file name or prompt breaks out', async () => {
    fake.reset();
    const dir = mkdtempSync(join(tmpdir(), 'flux-curl-'));
    const pwned = join(dir, 'pwned');
    try {
      // Names a shell (or String.replace's $-patterns) would trip over: a space, quotes, $HOME, $`, $', $&, $$.
      const names = ["my pics/it's $HOME.png", "x$`$'$&$$.jpg"];
      mkdirSync(join(dir, 'my pics'));
      const a = await image('png', 80, 48, 5);
      const b = await image('jpeg', 64, 64, 9);
      writeFileSync(join(dir, names[0]!), a);
      writeFileSync(join(dir, names[1]!), b);
      // A prompt with a command substitution, a backtick command and what looks like the marker.
      const prompt = `make it winter $(touch ${pwned}) \`touch ${pwned}\` @@flux-reference-0@@ '"`;
      const req = valid({ model: PRO_EDIT.key, prompt, size: '1024x768', seed: 4, references: [ref(PRO_EDIT, a, names[0]), ref(PRO_EDIT, b, names[1])] });
      const text = curlText(aimlapi.describe(req, fake.baseUrl, curlReference), names);
      assert.ok(!text.includes(a.toString('base64')), 'the clipboard does not hold the bytes');
      // Asynchronous: the fake API answers from this same process.
      const { stdout: out } = await run('bash', ['-c', `${text} --silent --show-error --fail-with-body`], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      assert.ok(JSON.parse(out).data?.length === 1, out.slice(0, 300));
      const submit = fake.requests.find((q) => q.phase === 'submit');
      assert.deepEqual(
        submit?.references?.map((r) => (r.kind === 'inline' ? r.sha256 : r.url)),
        [a, b].map((x) => createHash('sha256').update(x).digest('hex')),
        "the fake API received exactly the files' bytes",
      );
      assert.equal((submit?.body as { prompt: string }).prompt, prompt, 'the prompt arrived as typed');
      assert.equal(existsSync(pwned), false, 'nothing in the prompt ran');
      assert.deepEqual((submit?.body as { image_size: unknown }).image_size, { width: 1024, height: 768 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const model of [PRO_EDIT, KONTEXT_PRO, KONTEXT_MAX]) {
    test(`${model.id}: the request carries exactly the source's bytes and the record names the source`, async () => {
      fake.reset();
      const source = await image('png', 96, 64, 3);
      const r = ref(model, source, 'assets/hero.png');
      const result = await generate(
        { model: model.key, prompt: 'make it winter', references: [r] },
        { http, logger: testLogger().logger, baseUrl: fake.baseUrl, apiKey: KEY },
      );
      const submits = fake.requests.filter((q) => q.phase === 'submit');
      assert.equal(submits.length, 1);
      const received = submits[0]!.references;
      assert.deepEqual(received, [
        { kind: 'inline', type: 'png', width: 96, height: 64, bytes: source.length, sha256: createHash('sha256').update(source).digest('hex') },
      ]);
      assert.equal(submits[0]!.status, model.reference?.wire === 'image_url' ? 201 : 200);
      const record = readRecord(result.images[0]!.bytes);
      assert.deepEqual(record?.references, [{ path: 'assets/hero.png', sha256: r.sha256 }]);
      assert.deepEqual(entryFromRecord(record, 'file:///w/assets/hero-edit-1.png').references, [{ path: 'assets/hero.png', sha256: r.sha256 }]);
    });
  }

  test('fault markers work for edits: a 503 marker is retried, a 400 marker is one validation error', async () => {
    fake.reset();
    const r = ref(PRO_EDIT, await image('jpeg'), 'a.jpg');
    const res = await generate(
      { model: PRO_EDIT.key, prompt: 'winter [[fault:503]]', references: [r] },
      { http, logger: testLogger().logger, baseUrl: fake.baseUrl, apiKey: KEY, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterS: 1 } },
    );
    assert.equal(res.images.length, 1);
    assert.equal(fake.requests.filter((q) => q.phase === 'submit').length, 2);
    fake.reset();
    await assert.rejects(
      generate(
        { model: PRO_EDIT.key, prompt: 'winter [[fault:401]]', references: [r] },
        { http, logger: testLogger().logger, baseUrl: fake.baseUrl, apiKey: KEY },
      ),
      (e: unknown) => e instanceof FluxError && e.kind === 'auth',
    );
  });

  test('an invalid edit request is refused before anything is sent', async () => {
    fake.reset();
    const r = ref(PRO_EDIT, await image('png'));
    await assert.rejects(
      async () =>
        generate({ model: PRO_EDIT.key, prompt: 'x', references: [r, r, r, r] }, { http, logger: testLogger().logger, baseUrl: fake.baseUrl, apiKey: KEY }),
      (e: unknown) => e instanceof FluxError && e.kind === 'validation' && /takes 1 to 3 reference images; 4 were given/.test(e.message),
    );
    assert.equal(fake.requests.length, 0);
  });
});

test('a gallery index without references still loads, and one with them keeps them', () => {
  const entry = {
    id: 'a',
    uri: 'file:///w/a.png',
    prompt: 'p',
    provider: 'aimlapi',
    model: 'm',
    modelKey: 'aimlapi:m',
    width: 1,
    height: 1,
    params: {},
    outputFormat: 'png',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  const old = parseIndex(JSON.stringify({ format: GALLERY_FORMAT, version: GALLERY_VERSION, entries: [entry], tombstones: {} }));
  assert.ok(old.ok && old.index.entries.length === 1 && old.index.entries[0]!.references === undefined);
  const withRefs = parseIndex(
    JSON.stringify({
      format: GALLERY_FORMAT,
      version: GALLERY_VERSION,
      entries: [{ ...entry, references: [{ path: 'src.png', sha256: 'ab' }] }],
      tombstones: {},
    }),
  );
  assert.ok(withRefs.ok);
  assert.deepEqual(withRefs.index.entries[0]!.references, [{ path: 'src.png', sha256: 'ab' }]);
});

describe('an edit keeps the source shape by default', () => {
  test('a custom size rule: the source size brought into 512-2048 and rounded to 32', () => {
    assert.equal(sizeForSource(PRO_EDIT, 1000, 750), '992x736');
    assert.equal(sizeForSource(PRO_EDIT, 4000, 3000), '2048x1536');
    assert.equal(sizeForSource(PRO_EDIT, 300, 200), '768x512');
    assert.equal(sizeForSource(PRO_EDIT, 5000, 100), '2048x512');
    for (const [w, h] of [
      [1234, 777],
      [17, 4099],
      [2048, 2048],
      [513, 511],
    ] as const) {
      const size = sizeForSource(PRO_EDIT, w, h)!;
      assert.equal(validateRequest({ model: PRO_EDIT.key, prompt: 'x', size }).ok, false);
      const v = validateRequest({
        model: PRO_EDIT.key,
        prompt: 'x',
        size,
        references: [{ path: 'a.png', sha256: '0', type: 'png', width: w, height: h, bytes: 10, data: '' }],
      });
      assert.ok(v.ok, `${w}x${h} -> ${size}`);
    }
  });
  test('a ratio rule: the nearest ratio', () => {
    assert.equal(sizeForSource(KONTEXT_PRO, 1920, 1080), '16:9');
    assert.equal(sizeForSource(KONTEXT_PRO, 1000, 1000), '1:1');
    assert.equal(sizeForSource(KONTEXT_PRO, 600, 800), '3:4');
    assert.equal(sizeForSource(KONTEXT_PRO, 3000, 1000), '21:9');
  });
});

describe('Replace Link finds the links to the source', () => {
  test('Markdown, HTML, AsciiDoc, reST, LaTeX targets; not a longer path, not prose', () => {
    const forms = linkForms('/w/docs', '/w/docs/img/hero shot.png');
    assert.deepEqual(new Set(forms), new Set(['img/hero shot.png', './img/hero shot.png', 'img/hero%20shot.png', './img/hero%20shot.png']));
    const doc = [
      '![a](img/hero%20shot.png)',
      '<img src="./img/hero shot.png" alt="x">',
      'image::img/hero%20shot.png[alt]',
      '.. image:: img/hero%20shot.png',
      '\\includegraphics{img/hero shot.png}',
      '![b](other/img/hero%20shot.png) and img/hero%20shot.png in prose',
      '[ref]: img/hero%20shot.png',
    ].join('\n');
    const found = findImageTargets(doc, forms).map((r) => doc.slice(r.start, r.end));
    assert.deepEqual(found, [
      'img/hero%20shot.png',
      './img/hero shot.png',
      'img/hero%20shot.png',
      'img/hero%20shot.png',
      'img/hero shot.png',
      'img/hero%20shot.png',
    ]);
  });
});
