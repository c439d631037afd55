/**
 * The generation engine end to end against the fake Flux API on loopback: every seed model at the
 * edges of its size rule, both AIML answer shapes, every fault mapped to one typed FluxError,
 * retries that never double-charge, cancellation in each phase, apiframe polling, and proxies.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { RecordedRequest } from '../fake-api/server';
import type { EngineOptions } from '../../src/core/engine';
import type { FluxError, FluxErrorKind } from '../../src/core/errors';
import { HttpClient } from '../../src/core/http';
import { testLogger } from './testLogger';
import { PROXY_VARS } from './fakeApiHooks';
import { FAST, json, KEY, startStub, useEngine, type Input } from './engineHarness';
import { readRecord } from '../../src/core/recordRead';
import { pngWithoutPixels } from '../crafted/images';
import type { Progress } from '../../src/core/providers/types';

const api = useEngine(200);
const { run, failure, submitsOf } = api;

// ---- helpers ----------------------------------------------------------------------------------

function expectError(e: FluxError, kind: FluxErrorKind, retryable: boolean, words: RegExp[]): void {
  assert.equal(e.kind, kind, `kind (message: ${e.message})`);
  assert.equal(e.retryable, retryable, `retryable for ${kind}`);
  for (const w of words) assert.match(e.message, w);
  assert.doesNotMatch(e.message, new RegExp(KEY), 'the key never appears in a message');
}

const captureLogger = testLogger;

const pollsRecorded = (): RecordedRequest[] => api.fake.requests.filter((r) => r.phase === 'poll');
const downloadsRecorded = (): RecordedRequest[] => api.fake.requests.filter((r) => r.phase === 'download');

/** The format the bytes really are, read from their magic numbers. */
function magic(bytes: Uint8Array): 'png' | 'jpeg' | 'webp' | 'unknown' {
  const b = Buffer.from(bytes);
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return 'unknown';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Wait for a condition (a guard against a hang is node:test's own time-out, not a clock here). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await sleep(5);
}

/** Run `input`, abort once `ready` holds (the action under test has begun), and return the error. */
async function abortedWhen(input: Input, ready: () => boolean, extra: Partial<EngineOptions> = {}): Promise<FluxError> {
  const ac = new AbortController();
  let settled = false;
  const p = failure(input, { ...extra, signal: ac.signal }).finally(() => (settled = true));
  await until(() => settled || ready());
  ac.abort();
  return p;
}

// ---- 1. every seed model at the edges of its size rule -----------------------------------------

interface SizeCase {
  model: string;
  size: string;
  outputFormat?: string;
  params?: Record<string, string | number | boolean>;
  width: number;
  height: number;
  format: 'png' | 'jpeg' | 'webp';
  /** The exact body the provider must receive (seed and prompt added by the test). */
  body: Record<string, unknown>;
}

const AIML_CASES: SizeCase[] = [
  // flux-pro: custom 256-1440 (step 32), presets; steps, guidance, safety_tolerance (a string on the wire).
  {
    model: 'aimlapi:flux-pro',
    size: '256x256',
    width: 256,
    height: 256,
    format: 'jpeg',
    params: { steps: 20, guidance: 4.5, safetyTolerance: 3 },
    body: {
      model: 'flux-pro',
      image_size: { width: 256, height: 256 },
      num_images: 1,
      output_format: 'jpeg',
      num_inference_steps: 20,
      guidance_scale: 4.5,
      safety_tolerance: '3',
    },
  },
  {
    model: 'aimlapi:flux-pro',
    size: '1440x1440',
    outputFormat: 'png',
    width: 1440,
    height: 1440,
    format: 'png',
    body: { model: 'flux-pro', image_size: { width: 1440, height: 1440 }, num_images: 1, output_format: 'png' },
  },
  {
    model: 'aimlapi:flux-pro',
    size: '256x1440',
    width: 256,
    height: 1440,
    format: 'jpeg',
    body: { model: 'flux-pro', image_size: { width: 256, height: 1440 }, num_images: 1, output_format: 'jpeg' },
  },
  {
    model: 'aimlapi:flux-pro',
    size: 'portrait_16_9',
    width: 576,
    height: 1024,
    format: 'jpeg',
    body: { model: 'flux-pro', image_size: 'portrait_16_9', num_images: 1, output_format: 'jpeg' },
  },
  // flux-pro/v1.1: same size rule; safety_tolerance and enable_safety_checker.
  {
    model: 'aimlapi:flux-pro/v1.1',
    size: '256x256',
    width: 256,
    height: 256,
    format: 'jpeg',
    params: { safetyTolerance: '6', safetyChecker: false },
    body: {
      model: 'flux-pro/v1.1',
      image_size: { width: 256, height: 256 },
      num_images: 1,
      output_format: 'jpeg',
      safety_tolerance: '6',
      enable_safety_checker: false,
    },
  },
  {
    model: 'aimlapi:flux-pro/v1.1',
    size: '1440x1440',
    outputFormat: 'png',
    width: 1440,
    height: 1440,
    format: 'png',
    body: { model: 'flux-pro/v1.1', image_size: { width: 1440, height: 1440 }, num_images: 1, output_format: 'png' },
  },
  {
    model: 'aimlapi:flux-pro/v1.1',
    size: 'square_hd',
    width: 1024,
    height: 1024,
    format: 'jpeg',
    body: { model: 'flux-pro/v1.1', image_size: 'square_hd', num_images: 1, output_format: 'jpeg' },
  },
  // ultra: aspect_ratio only, never image_size; its widest and tallest ratios, and a size that names a ratio.
  {
    model: 'aimlapi:flux-pro/v1.1-ultra',
    size: '21:9',
    width: 3136,
    height: 1344,
    format: 'jpeg',
    params: { safetyTolerance: 1, raw: false },
    body: { model: 'flux-pro/v1.1-ultra', aspect_ratio: '21:9', num_images: 1, output_format: 'jpeg', safety_tolerance: '1', raw: false },
  },
  {
    model: 'aimlapi:flux-pro/v1.1-ultra',
    size: '9:21',
    outputFormat: 'png',
    width: 1344,
    height: 3136,
    format: 'png',
    body: { model: 'flux-pro/v1.1-ultra', aspect_ratio: '9:21', num_images: 1, output_format: 'png' },
  },
  {
    model: 'aimlapi:flux-pro/v1.1-ultra',
    size: '2752x1536',
    width: 2752,
    height: 1536,
    format: 'jpeg',
    body: { model: 'flux-pro/v1.1-ultra', aspect_ratio: '16:9', num_images: 1, output_format: 'jpeg' },
  },
  // flux-2-pro: custom 512-2048, presets of at least 512; no num_images; PNG by default, WebP offered.
  {
    model: 'aimlapi:blackforestlabs/flux-2-pro',
    size: '512x512',
    width: 512,
    height: 512,
    format: 'png',
    params: { safetyTolerance: 5 },
    body: { model: 'blackforestlabs/flux-2-pro', image_size: { width: 512, height: 512 }, output_format: 'png', safety_tolerance: '5' },
  },
  {
    model: 'aimlapi:blackforestlabs/flux-2-pro',
    size: '2048x2048',
    outputFormat: 'jpeg',
    width: 2048,
    height: 2048,
    format: 'jpeg',
    body: { model: 'blackforestlabs/flux-2-pro', image_size: { width: 2048, height: 2048 }, output_format: 'jpeg' },
  },
  {
    model: 'aimlapi:blackforestlabs/flux-2-pro',
    size: 'landscape_16_9',
    outputFormat: 'webp',
    width: 1024,
    height: 576,
    format: 'webp',
    body: { model: 'blackforestlabs/flux-2-pro', image_size: 'landscape_16_9', output_format: 'webp' },
  },
];

const APIFRAME_CASES: SizeCase[] = [
  // flux-1.1-pro: width/height 256-1440 without aspect_ratio, or aspect_ratio alone; output_format jpg.
  {
    model: 'apiframe:flux-1.1-pro',
    size: '256x256',
    outputFormat: 'jpeg',
    width: 256,
    height: 256,
    format: 'jpeg',
    params: { outputQuality: 80, promptUpsampling: false },
    body: { model: 'flux-1.1-pro', fluxParams: { width: 256, height: 256, output_format: 'jpg', output_quality: 80, prompt_upsampling: false } },
  },
  {
    model: 'apiframe:flux-1.1-pro',
    size: '1440x1440',
    width: 1440,
    height: 1440,
    format: 'png',
    body: { model: 'flux-1.1-pro', fluxParams: { width: 1440, height: 1440, output_format: 'png' } },
  },
  {
    model: 'apiframe:flux-1.1-pro',
    size: '16:9',
    outputFormat: 'jpg',
    width: 1344,
    height: 768,
    format: 'jpeg',
    body: { model: 'flux-1.1-pro', fluxParams: { aspect_ratio: '16:9', output_format: 'jpg' } },
  },
  {
    model: 'apiframe:flux-1.1-pro',
    size: '9:16',
    outputFormat: 'webp',
    width: 768,
    height: 1344,
    format: 'webp',
    body: { model: 'flux-1.1-pro', fluxParams: { aspect_ratio: '9:16', output_format: 'webp' } },
  },
];

describe('every seed model makes the exact size asked for, and sends the contract body', () => {
  let seed = 1000;
  for (const c of [...AIML_CASES, ...APIFRAME_CASES]) {
    test(`${c.model} ${c.size}${c.outputFormat ? ` ${c.outputFormat}` : ''}`, async () => {
      const prompt = `size test ${c.model} ${c.size} ${c.outputFormat ?? ''}`.trim();
      const s = ++seed;
      const progress: Progress[] = [];
      const r = await run(
        {
          model: c.model,
          prompt,
          size: c.size,
          seed: s,
          ...(c.outputFormat ? { outputFormat: c.outputFormat } : {}),
          ...(c.params ? { params: c.params } : {}),
        },
        { onProgress: (p) => progress.push(p) },
      );
      assert.equal(r.images.length, 1);
      const img = r.images[0]!;
      assert.equal(img.info.width, c.width);
      assert.equal(img.info.height, c.height);
      assert.equal(img.info.type, c.format);
      assert.equal(magic(img.bytes), c.format, 'the bytes really are the requested format');
      const meta = await sharp(Buffer.from(img.bytes)).metadata();
      assert.equal(meta.width, c.width, 'decoded width');
      assert.equal(meta.height, c.height, 'decoded height');

      // The record: in the result and embedded in the bytes.
      const provider = c.model.split(':')[0];
      assert.equal(img.record.width, c.width);
      assert.equal(img.record.height, c.height);
      assert.equal(img.record.modelKey, c.model);
      assert.equal(img.record.model, c.body.model);
      assert.equal(img.record.provider, provider);
      assert.equal(img.record.prompt, prompt);
      assert.equal(img.record.seed, s);
      assert.equal(img.record.outputFormat, c.format);
      assert.deepEqual(readRecord(img.bytes), img.record);
      assert.equal(r.seed, s);
      assert.equal(typeof r.creditsUsed, 'number');

      // What the provider received.
      const subs = submitsOf(prompt);
      assert.equal(subs.length, 1, 'exactly one submit');
      const sent = subs[0]!;
      if (provider === 'aimlapi') {
        assert.equal(sent.path, '/v1/images/generations');
        assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
        assert.match(sent.headers['content-type'] ?? '', /^application\/json/);
        assert.deepEqual(sent.body, { ...c.body, prompt, seed: s });
        assert.equal(typeof r.requestId, 'string');
        assert.equal(img.record.requestId, r.requestId);
      } else {
        assert.equal(sent.path, '/v2/images/generate');
        assert.equal(sent.headers['x-api-key'], KEY);
        assert.equal(sent.headers.authorization, undefined, 'the apiframe key goes only in X-API-Key');
        assert.match(sent.headers['idempotency-key'] ?? '', /^[0-9a-f-]{36}$/);
        const fp = (c.body as { fluxParams: Record<string, unknown> }).fluxParams;
        assert.deepEqual(sent.body, { ...c.body, prompt, fluxParams: { ...fp, seed: s } });
        assert.ok(!('aspect_ratio' in fp && 'width' in fp), 'never both aspect_ratio and width/height');
        assert.equal(typeof r.jobId, 'string');
        assert.equal(r.jobId, api.fake.jobs[0]?.id);
      }
      assert.deepEqual(
        progress.map((p) => p.phase).filter((ph, i, a) => a[i - 1] !== ph),
        ['submitting', 'generating', 'downloading', 'done'],
        'progress phases in order',
      );
      assert.equal(downloadsRecorded().length, 1, 'the image was downloaded once');
    });
  }

  test('flux-pro makes several images in one request, each verified and recorded', async () => {
    const prompt = 'four cats';
    const r = await run({ model: 'aimlapi:flux-pro', prompt, size: '512x256', numImages: 4, seed: 7 });
    assert.equal(r.images.length, 4);
    assert.deepEqual(
      r.images.map((i) => i.index),
      [0, 1, 2, 3],
    );
    for (const img of r.images) {
      assert.equal(img.info.width, 512);
      assert.equal(img.info.height, 256);
      assert.equal(magic(img.bytes), 'jpeg');
      assert.deepEqual(readRecord(img.bytes), img.record);
      // The pieces written to disk are the same file.
      assert.equal(img.size, img.bytes.length);
      assert.deepEqual(Buffer.concat(img.parts), Buffer.from(img.bytes));
    }
    assert.equal((submitsOf(prompt)[0]!.body as { num_images: number }).num_images, 4);
    assert.equal(downloadsRecorded().length, 4);
  });

  test('a size outside the rule is refused before anything is sent', async () => {
    for (const [model, size] of [
      ['aimlapi:flux-pro', '224x256'],
      ['aimlapi:flux-pro', '1472x256'],
      ['aimlapi:blackforestlabs/flux-2-pro', '480x512'],
      ['aimlapi:flux-pro/v1.1-ultra', '1024x1024'],
      ['apiframe:flux-1.1-pro', '1440x1472'],
      ['apiframe:flux-1.1-pro', '2:1'],
    ] as const) {
      const e = await failure({ model, prompt: 'too big', size });
      expectError(e, 'validation', false, [/size|width|height|ratio/i]);
    }
    assert.equal(api.fake.requests.length, 0, 'nothing reached the provider');
  });

  test('a missing API key is an auth error before anything is sent', async () => {
    const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'no key' }, { apiKey: '' });
    expectError(e, 'auth', false, [/No API key/, /Set API Key/]);
    assert.equal(api.fake.requests.length, 0);
  });
});

// ---- 2. AIML answer shapes -------------------------------------------------------------------------

describe('AIML answers: both shapes and their variants', () => {
  test('shape A (default): data[].url and meta.usage.credits_used', async () => {
    const r = await run({ model: 'aimlapi:flux-pro/v1.1', prompt: 'shape a', size: '512x512', seed: 11 });
    assert.equal(r.images.length, 1);
    assert.equal(r.creditsUsed, Math.round(((512 * 512) / 1_000_000) * 60_000));
    assert.equal(r.images[0]!.record.creditsUsed, r.creditsUsed);
    assert.deepEqual(r.moderated, []);
  });

  test('shape B ([[fault:shape-b]]): images[].url and the seed are read', async () => {
    const prompt = 'shape b [[fault:shape-b]]';
    const r = await run({ model: 'aimlapi:flux-pro', prompt, size: '512x512', seed: 4242 });
    assert.equal(r.images.length, 1);
    assert.equal(r.images[0]!.info.width, 512);
    assert.equal(r.seed, 4242);
    assert.equal(r.images[0]!.record.seed, 4242);
    assert.equal(r.creditsUsed, undefined, 'shape B has no usage');
  });

  test('shape B: the seed the provider reports wins over the one sent', async () => {
    const png = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const stub = await startStub((req, res, base) => {
      if (req.url === '/img.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(png);
      } else
        json(res, 200, {
          images: [{ url: `${base}/img.png`, width: 64, height: 32, content_type: 'image/png' }],
          timings: {},
          seed: 987654,
          has_nsfw_concepts: [false],
          prompt: 'x',
        });
    });
    try {
      const r = await run({ model: 'aimlapi:flux-pro', prompt: 'stub seed', seed: 5 }, { baseUrl: stub.baseUrl });
      assert.equal(r.seed, 987654);
      assert.equal(r.images[0]!.record.seed, 987654);
      assert.equal(r.images[0]!.info.width, 64);
    } finally {
      await stub.close();
    }
  });

  test('b64_json ([[fault:b64]]): decoded without any download', async () => {
    const r = await run({ model: 'aimlapi:flux-pro', prompt: 'inline [[fault:b64]]', size: '320x288', outputFormat: 'png' });
    assert.equal(r.images[0]!.info.width, 320);
    assert.equal(r.images[0]!.info.height, 288);
    assert.equal(magic(r.images[0]!.bytes), 'png');
    assert.equal(downloadsRecorded().length, 0);
  });

  test('201 and tokens_used are a success with credits', async () => {
    const r = await run({ model: 'aimlapi:flux-pro', prompt: 'created [[fault:201]] [[fault:tokens-used]]', size: '256x256' });
    assert.equal(api.fake.requests.find((x) => x.phase === 'submit')?.status, 201);
    assert.equal(r.creditsUsed, Math.round(((256 * 256) / 1_000_000) * 60_000));
  });

  test('nsfw with every image flagged: a moderation error, nothing downloaded', async () => {
    const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'flagged [[fault:nsfw]]', numImages: 2 });
    expectError(e, 'moderation', false, [/safety checker/, /flagged all 2 images and blacked them out/, /Rephrase/]);
    assert.equal(typeof e.requestId, 'string');
    assert.equal(downloadsRecorded().length, 0, 'blacked-out pictures are not fetched');
  });

  test('nsfw with some images flagged: the others are kept, with their position in the answer', async () => {
    const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#00ff00' } })
      .png()
      .toBuffer();
    const stub = await startStub((req, res, base) => {
      if (req.url?.startsWith('/img')) {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(png);
      } else
        json(res, 200, {
          images: [{ url: `${base}/img0.png` }, { url: `${base}/img1.png` }, { url: `${base}/img2.png` }],
          seed: 3,
          has_nsfw_concepts: [true, false, true],
        });
    });
    try {
      const r = await run({ model: 'aimlapi:flux-pro', prompt: 'partly flagged', numImages: 3 }, { baseUrl: stub.baseUrl });
      assert.deepEqual(r.moderated, [0, 2]);
      assert.equal(r.images.length, 1);
      assert.equal(r.images[0]!.index, 1, 'index is the position in the provider answer');
      assert.deepEqual(
        stub.hits.filter((h) => h.startsWith('GET')),
        ['GET /img1.png'],
        'flagged images are not downloaded',
      );
    } finally {
      await stub.close();
    }
  });

  test('an empty image list is a bad-response error', async () => {
    const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'nothing [[fault:empty]]' });
    expectError(e, 'bad-response', false, [/without any image/]);
  });

  test('a JSON error body with status 200 is a bad-response error', async () => {
    const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'error body [[fault:error-200]]' });
    expectError(e, 'bad-response', false, [/without any image|expected form/]);
  });

  test('an image that sniffs but cannot carry a record is a typed error, not a crash', async () => {
    // A believable header, a whole file, no pixels.
    const bogus = pngWithoutPixels();
    const stub = await startStub((_req, res) => json(res, 200, { data: [{ url: null, b64_json: bogus.toString('base64') }] }));
    try {
      const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'no pixels' }, { baseUrl: stub.baseUrl });
      expectError(e, 'bad-response', false, [/image/]);
    } finally {
      await stub.close();
    }
  });
});

// ---- 3. faults mapped to one typed error ------------------------------------------------------------

describe('faults become one typed FluxError with a useful message', () => {
  const aiml = (marker: string) => ({ model: 'aimlapi:flux-pro', prompt: `aiml fault ${marker}`, size: '256x256' });
  const frame = (marker: string) => ({ model: 'apiframe:flux-1.1-pro', prompt: `apiframe fault ${marker}`, size: '256x256' });

  test('401 → auth (both providers), not retried', async () => {
    const a = await failure(aiml('[[fault:401]]'));
    // Says why; the message's own Set API Key button says what to do (the text no longer repeats it).
    expectError(a, 'auth', false, [/rejected the API key/, /401/, /mistyped, revoked/]);
    assert.doesNotMatch(a.message, /Set API Key/);
    assert.equal(a.provider, 'aimlapi');
    assert.equal(a.status, 401);
    assert.equal(typeof a.requestId, 'string', 'the AIML request id is kept');
    assert.equal(submitsOf(aiml('[[fault:401]]').prompt).length, 1);
    const f = await failure(frame('[[fault:401]]'));
    expectError(f, 'auth', false, [/rejected the API key/, /apiframe/]);
    assert.equal(submitsOf(frame('[[fault:401]]').prompt).length, 1);
  });

  test('AIML 403 and apiframe 402 → credits', async () => {
    const a = await failure(aiml('[[fault:403]]'));
    expectError(a, 'credits', false, [/run out of credits/, /Top up/, /403/]);
    const f = await failure(frame('[[fault:402]]'));
    expectError(f, 'credits', false, [/run out of credits/, /402/, /Insufficient credits/]);
    assert.equal(api.fake.jobs.length, 0);
  });

  test('apiframe 403 → auth (a key without access)', async () => {
    const f = await failure(frame('[[fault:403]]'));
    expectError(f, 'auth', false, [/refused this key/, /403/]);
  });

  test('400 → validation, with the provider’s words', async () => {
    const a = await failure(aiml('[[fault:400:message=Body validation error!]]'));
    expectError(a, 'validation', false, [/refused the request/, /400/, /Body validation error/]);
    const f = await failure(frame('[[fault:400]]'));
    expectError(f, 'validation', false, [/refused the request/, /Validation failed/]);
  });

  test('429 every time → rate-limit after the retries are spent', async () => {
    const input = aiml('[[fault:429:times=always]]');
    const a = await failure(input);
    expectError(a, 'rate-limit', true, [/limiting requests/, /429/, /Wait/]);
    assert.equal(submitsOf(input.prompt).length, FAST.attempts);
    const fi = frame('[[fault:429:times=always]]');
    const f = await failure(fi);
    expectError(f, 'rate-limit', true, [/limiting requests/]);
    assert.equal(submitsOf(fi.prompt).length, FAST.attempts);
  });

  test('429 with "statusCode" as a string is still a rate limit', async () => {
    const a = await failure(aiml('[[fault:429:status-string:times=always]]'));
    expectError(a, 'rate-limit', true, [/429/]);
  });

  test('500 and 502 → server; "under maintenance" is passed on', async () => {
    const a = await failure(aiml('[[fault:500:maintenance]]'));
    expectError(a, 'server', true, [/server problem/, /500/, /under maintenance/]);
    const b = await failure(aiml('[[fault:502]]'));
    expectError(b, 'server', true, [/server problem/, /502/]);
    const f = await failure(frame('[[fault:500:times=always]]'));
    expectError(f, 'server', true, [/server problem/, /500/]);
  });

  test('504 → timeout', async () => {
    const a = await failure(aiml('[[fault:504]]'));
    expectError(a, 'timeout', true, [/timed out/, /504/]);
    assert.equal(submitsOf(aiml('[[fault:504]]').prompt).length, 1, 'a 504 may have been charged: not retried');
  });

  test('invalid JSON or HTML with 200 → bad-response', async () => {
    const a = await failure(aiml('[[fault:invalid-json]]'));
    expectError(a, 'bad-response', false, [/not JSON/]);
    const h = await failure(aiml('[[fault:html-200]]'));
    expectError(h, 'bad-response', false, [/not JSON/, /text\/html/]);
  });

  test('headers slower than headersTimeoutMs → timeout, not retried for AIML', async () => {
    // The overall deadline (by default as long as headersTimeoutMs) is set apart: this is the headers' own time-out.
    const slow = api.keep(new HttpClient({ headersTimeoutMs: 150, deadlineMs: 60_000 }));
    const input = aiml('[[fault:slow-headers:600000]]');
    const e = await failure(input, { http: slow });
    const [sub] = submitsOf(input.prompt);
    assert.equal(sub?.status, null, 'gave up before the server answered: its delay never completed');
    expectError(e, 'timeout', true, [/stopped answering/, /generating/]);
    await until(() => sub.closedEarly); // the client hung up
    assert.equal(submitsOf(input.prompt).length, 1, 'a request the server may be processing is not sent again');
  });

  test('reset mid-body and a truncated body → network, nothing returned', async () => {
    const r = await failure(aiml('[[fault:reset]]'));
    expectError(r, 'network', true, [/connection/i, /downloading the image/]);
    const t = await failure(aiml('[[fault:truncate]]'));
    expectError(t, 'network', true, [/downloading the image/]);
    const tf = await failure(frame('[[fault:truncate]]'));
    expectError(tf, 'network', true, [/downloading the image/]);
  });

  test('a truncated body that ends cleanly (no length to check) is still caught as incomplete', async () => {
    const full = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#abcdef' } })
      .png()
      .toBuffer();
    const stub = await startStub((req, res, base) => {
      if (req.url === '/img.png') {
        res.writeHead(200, { 'content-type': 'image/png' }); // chunked: no Content-Length
        res.end(full.subarray(0, full.length - 20));
      } else json(res, 200, { data: [{ url: `${base}/img.png` }] });
    });
    try {
      const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'cut short' }, { baseUrl: stub.baseUrl });
      expectError(e, 'network', true, [/incomplete/, /Nothing was saved/]);
    } finally {
      await stub.close();
    }
  });

  test('an HTML page served as an image → bad-response naming an HTML page', async () => {
    const e = await failure(aiml('[[fault:html-as-image]]'));
    expectError(e, 'bad-response', false, [/not an image/, /HTML page/, /Nothing was saved/]);
  });

  test('a real PNG labelled text/html → success (the bytes decide)', async () => {
    const { logger, lines } = captureLogger();
    const r = await run({ ...aiml('[[fault:image-as-html]]'), outputFormat: 'png' }, { logger });
    assert.equal(r.images[0]!.info.type, 'png');
    assert.equal(magic(r.images[0]!.bytes), 'png');
    assert.ok(
      lines.some((l) => /served as text\/html/.test(l)),
      'the mismatch is logged',
    );
  });

  test('an oversized image (declared 2 GB) is refused at once without reading it', async () => {
    const e = await failure(aiml('[[fault:oversized]]'));
    expectError(e, 'bad-response', false, [/2048 MB/, /limit/, /Nothing was saved/]);
    const [dl] = downloadsRecorded();
    await until(() => dl!.bytesSent !== null);
    assert.equal(dl!.closedEarly, true, 'the client hung up on the download');
    // The fake streams 256 MiB of it; the default cap is 50 MB. Refused on the header: no more than socket buffers.
    assert.ok(dl!.bytesSent! < 16 * 1024 * 1024, `the body was not read (${dl!.bytesSent} bytes sent)`);
  });

  test('an endless body without a length stops at maxImageBytes', async () => {
    const e = await failure(aiml('[[fault:oversized:stream]]'), { maxImageBytes: 2 * 1024 * 1024 });
    expectError(e, 'bad-response', false, [/more than 2\.0 MB/, /limit/]);
    const [dl] = downloadsRecorded();
    await until(() => dl!.bytesSent !== null);
    assert.equal(dl!.closedEarly, true, 'the client hung up before the 256 MiB body ended');
    assert.ok(dl!.bytesSent! < 64 * 1024 * 1024, `stopped reading early (${dl!.bytesSent} bytes sent of 256 MiB)`);
  });

  test('a body without a length only a little over maxImageBytes is refused too (the cap is the limit, not a multiple of it)', async () => {
    // 3 MB: the real image, then filler. Read whole, it would pass as an image with trailing bytes.
    api.fake.queueFaults({ kind: 'oversized', declareBytes: null, streamBytes: 3 * 1024 * 1024 });
    const e = await failure(aiml('a body a little too long'), { maxImageBytes: 2 * 1024 * 1024 });
    expectError(e, 'bad-response', false, [/more than 2\.0 MB/, /limit/]);
  });

  test('a redirect chain of 3 is followed; of 4 is refused', async () => {
    const ok = await run(aiml('[[fault:redirect:3]]'));
    assert.equal(ok.images[0]!.info.width, 256);
    assert.equal(api.fake.requests.filter((r) => r.phase === 'redirect').length, 2, 'the middle hops');
    const e = await failure(aiml('[[fault:redirect:4]]'));
    expectError(e, 'bad-response', false, [/redirected more than 3 times/, /Nothing was saved/]);
  });

  test('a redirect to plain http elsewhere, to file: or to data: is refused', async () => {
    const h = await failure(aiml('[[fault:redirect:to=http]]'));
    expectError(h, 'bad-response', false, [/refused/, /plain http/]);
    const f = await failure(aiml('[[fault:redirect:to=file]]'));
    expectError(f, 'bad-response', false, [/refused/, /scheme file:/]);
    const d = await failure(aiml('[[fault:redirect:to=data]]'));
    expectError(d, 'bad-response', false, [/refused/, /scheme data:/]);
  });

  test('a redirect with a malformed Location is a typed error', async () => {
    const stub = await startStub((req, res, base) => {
      if (req.url === '/img.png') {
        res.writeHead(302, { location: 'http://[not-an-address/img.png' });
        res.end();
      } else json(res, 200, { data: [{ url: `${base}/img.png` }] });
    });
    try {
      const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'bad location' }, { baseUrl: stub.baseUrl });
      expectError(e, 'bad-response', false, [/refused/, /not a valid URL/]);
    } finally {
      await stub.close();
    }
  });

  test('a body that stalls beyond bodyTimeoutMs → timeout while downloading', async () => {
    const stalling = api.keep(new HttpClient({ bodyTimeoutMs: 150 }));
    const e = await failure(aiml('[[fault:slow-body:600000:chunks=1]]'), { http: stalling });
    // It names the silence it allowed (the client's bodyTimeoutMs), not just "stopped".
    expectError(e, 'timeout', true, [/stopped sending/, /downloading the image/, /nothing arrived for 150 ms/]);
    const [dl] = downloadsRecorded();
    await until(() => dl!.closedEarly); // the client hung up during the stall (the fake's stall only ends when it closes)
  });

  test('apiframe polls failing for good: polled through until the deadline, then the error keeps the job id', async () => {
    const e = await failure(frame('[[fault:503:phase=poll:times=always]]'), { pollTimeoutMs: 2500 });
    const jobId = api.fake.jobs[0]!.id;
    expectError(e, 'server', true, [/503/, new RegExp(jobId), /may still finish/]);
    assert.equal(e.jobId, jobId);
    assert.ok(pollsRecorded().length > FAST.attempts, `an outage does not end the wait early (${pollsRecorded().length} polls)`);
  });

  test('apiframe polls failing for a while (longer than the retry policy), then the job completes', async () => {
    const result = await run(frame('[[fault:503:phase=poll:times=6]]'), { pollTimeoutMs: 20_000 });
    assert.equal(result.images.length, 1);
    assert.ok(pollsRecorded().filter((p) => p.status === 503).length === 6);
  });

  test('an image URL on a private address is refused before it is fetched', async () => {
    const stub = await startStub((_req, res) => json(res, 200, { data: [{ url: 'https://169.254.169.254/latest/meta-data' }] }));
    try {
      const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'metadata' }, { baseUrl: stub.baseUrl });
      expectError(e, 'bad-response', false, [/private network address/]);
    } finally {
      await stub.close();
    }
  });

  test('a download that answers 404 (expired link) or 500', async () => {
    const n = await failure(aiml('[[fault:404:phase=download]]'));
    expectError(n, 'bad-response', false, [/HTTP 404/, /expired/]);
    const s = await failure(aiml('[[fault:500:phase=download]]'));
    expectError(s, 'server', true, [/HTTP 500/]);
  });

  test('apiframe FAILED → server, with the reason and the job id', async () => {
    const e = await failure(frame('[[fault:failed]]'));
    expectError(e, 'server', true, [/could not generate/, /Generation failed/, /refunded/]);
    assert.equal(e.jobId, api.fake.jobs[0]!.id);
  });

  test('apiframe FAILED "Content moderated" → moderation', async () => {
    const e = await failure(frame('[[fault:failed:Content moderated]]'));
    expectError(e, 'moderation', false, [/content policy/, /Content moderated/, /Rephrase/]);
    assert.equal(e.jobId, api.fake.jobs[0]!.id);
    assert.equal(e.providerMessage, 'Content moderated');
  });

  test('apiframe CANCELLED and expired → clear errors carrying the job id', async () => {
    const c = await failure(frame('[[fault:cancelled]]'));
    const cid = api.fake.jobs[0]!.id;
    expectError(c, 'server', true, [/cancelled/, new RegExp(cid)]);
    assert.equal(c.jobId, cid);
    api.fake.reset();
    api.fake.setJobDuration(200);
    const x = await failure(frame('[[fault:expired]]'));
    const xid = api.fake.jobs[0]!.id;
    expectError(x, 'bad-response', false, [/expired/, /24 hours/, new RegExp(xid)]);
    assert.equal(x.jobId, xid);
    assert.equal(downloadsRecorded().length, 0);
  });

  test('apiframe result forms: {images:[...]} and [...] are both accepted', async () => {
    const a = await run(frame('[[fault:result:images]]'));
    assert.equal(a.images[0]!.info.width, 256);
    const b = await run(frame('[[fault:result:array]]'));
    assert.equal(b.images[0]!.info.width, 256);
  });
});

// ---- 4. retries never double-charge ------------------------------------------------------------------

describe('retries never double-charge', () => {
  test('AIML 500: exactly one POST', async () => {
    const prompt = 'once [[fault:500]]';
    const e = await failure({ model: 'aimlapi:flux-pro', prompt });
    assert.equal(e.kind, 'server');
    assert.equal(submitsOf(prompt).length, 1);
  });

  test('AIML reset while the answer streams: exactly one POST', async () => {
    const prompt = 'once more [[fault:reset:phase=submit]]';
    const e = await failure({ model: 'aimlapi:flux-pro', prompt });
    expectError(e, 'network', true, [/generating/]);
    assert.equal(submitsOf(prompt).length, 1);
  });

  test('AIML 429 then success: two POSTs, Retry-After honoured', async () => {
    const prompt = 'busy [[fault:429:retry-after=1]]';
    const { logger, lines } = captureLogger();
    const r = await run({ model: 'aimlapi:flux-pro', prompt, size: '256x256' }, { logger });
    assert.equal(r.images.length, 1);
    const subs = submitsOf(prompt);
    assert.deepEqual(
      subs.map((s) => s.status),
      [429, 200],
    );
    assert.deepEqual(
      lines.filter((l) => /retry \d+ of/.test(l)).map((l) => /in (\d+) ms$/.exec(l)?.[1]),
      ['1000'],
      'one retry, after the 1 s the server asked for',
    );
  });

  test('a Retry-After beyond maxRetryAfterS is reported, not waited for', async () => {
    const prompt = 'very busy [[fault:429:retry-after=30]]';
    const { logger, lines } = captureLogger();
    const e = await failure({ model: 'aimlapi:flux-pro', prompt }, { logger });
    expectError(e, 'rate-limit', true, [/asks to wait 30 s/]);
    assert.equal(e.retryAfter, 30);
    assert.equal(submitsOf(prompt).length, 1);
    assert.deepEqual(
      lines.filter((l) => /retry \d+ of/.test(l)),
      [],
      'no wait was scheduled',
    );
  });

  test('AIML 503 is retried', async () => {
    const prompt = 'unavailable [[fault:503]]';
    const r = await run({ model: 'aimlapi:flux-pro', prompt });
    assert.equal(r.images.length, 1);
    assert.deepEqual(
      submitsOf(prompt).map((s) => s.status),
      [503, 200],
    );
  });

  test('AIML connection refused: retried, then a network error', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const { logger, lines } = captureLogger();
    const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'nobody home' }, { baseUrl: `http://127.0.0.1:${port}`, logger });
    expectError(e, 'network', true, [/refused the connection/, /base URL/]);
    const retries = lines.filter((l) => /^warn AIML API: network; retry \d of 3/.test(l));
    assert.equal(retries.length, FAST.attempts - 1, `retried: ${lines.join(' | ')}`);
  });

  test('apiframe submit 503 then success: the same Idempotency-Key, one job', async () => {
    const prompt = 'frame busy [[fault:503]]';
    const r = await run({ model: 'apiframe:flux-1.1-pro', prompt, size: '256x256' });
    assert.equal(r.images.length, 1);
    const subs = submitsOf(prompt);
    assert.deepEqual(
      subs.map((s) => s.status),
      [503, 202],
    );
    const key = subs[0]!.headers['idempotency-key'];
    assert.ok(key && key.length > 0 && key.length <= 255);
    assert.equal(subs[1]!.headers['idempotency-key'], key);
    assert.equal(api.fake.jobs.length, 1);
    assert.equal(api.fake.jobs[0]!.idempotencyKey, key);
  });

  test('apiframe submit whose answer was lost (headers timeout): the resubmission finds the same job', async () => {
    // The headers' own time-out; the overall deadline (by default as long) is set apart.
    const slow = api.keep(new HttpClient({ headersTimeoutMs: 150, deadlineMs: 60_000 }));
    // undici checks header timeouts on a ~0.5-1 s tick, so the server holds the answer well beyond that.
    const prompt = 'frame lost answer [[fault:slow-headers:1500]]';
    const r = await run({ model: 'apiframe:flux-1.1-pro', prompt, size: '256x256' }, { http: slow });
    assert.equal(r.images.length, 1);
    const subs = submitsOf(prompt);
    for (let i = 0; i < 100 && subs[0]!.status === null; i++) await sleep(20); // the first submit ends on the server
    assert.equal(subs[0]!.status, 202, 'the first submit was processed (its answer lost)');
    assert.equal(subs.length, 2);
    assert.equal(subs[0]!.headers['idempotency-key'], subs[1]!.headers['idempotency-key']);
    assert.equal(api.fake.jobs.length, 1, 'one job, one charge');
    assert.equal(api.fake.jobs[0]!.submits, 2);
  });

  test('apiframe poll 503 once: the job still completes', async () => {
    const prompt = 'poll hiccup [[fault:503:phase=poll]]';
    const r = await run({ model: 'apiframe:flux-1.1-pro', prompt, size: '256x256' });
    assert.equal(r.images.length, 1);
    assert.equal(pollsRecorded()[0]!.status, 503);
    assert.ok(pollsRecorded().some((p) => p.status === 200));
    assert.equal(api.fake.jobs.length, 1);
  });
});

// ---- 5. cancellation ------------------------------------------------------------------------------

describe('cancellation ends at once in every phase', () => {
  test('already aborted: nothing is sent', async () => {
    const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'never' }, { signal: AbortSignal.abort() });
    expectError(e, 'cancelled', false, [/cancelled/]);
    assert.equal(api.fake.requests.length, 0);
  });

  test('during a slow AIML request', async () => {
    const prompt = 'slow [[fault:slow-headers:600000]]';
    const e = await abortedWhen({ model: 'aimlapi:flux-pro', prompt }, () => submitsOf(prompt).length === 1);
    const [sub] = submitsOf(prompt);
    assert.equal(sub?.status, null, 'ended before the server answered');
    expectError(e, 'cancelled', false, [/cancelled/]);
    await until(() => sub.closedEarly); // the connection was dropped, not left to the server
  });

  test('during a Retry-After wait', async () => {
    // 30 s is beyond FAST's maxRetryAfterS; 3 s is waited for. Without the abort the retry would succeed.
    const prompt = 'wait [[fault:429:retry-after=3]]';
    const { logger, lines } = captureLogger();
    const e = await abortedWhen({ model: 'aimlapi:flux-pro', prompt }, () => lines.some((l) => /retry 1 of/.test(l)), { logger });
    expectError(e, 'cancelled', false, [/cancelled/]);
    assert.equal(submitsOf(prompt).length, 1, 'the wait ended with the abort: no second request');
  });

  test('during apiframe polling: the message says the job may still finish, with its id', async () => {
    api.fake.setJobDuration(600_000);
    let polling = false;
    const e = await abortedWhen({ model: 'apiframe:flux-1.1-pro', prompt: 'long job' }, () => polling, {
      onProgress: (p) => (polling ||= p.phase === 'generating' && p.jobId !== undefined),
    });
    const jobId = api.fake.jobs[0]!.id;
    expectError(e, 'cancelled', false, [/cancelled/, /may still finish/, new RegExp(jobId), /apiframe/]);
    assert.equal(e.jobId, jobId);
    assert.equal(api.fake.jobs[0]!.completedAt, null, 'ended by the abort, not by the job');
  });

  test('during an apiframe poll request in flight', async () => {
    api.fake.setJobDuration(600_000);
    // The first poll's answer is held back until the fake closes: aborted once the fake has it.
    const e = await abortedWhen(
      { model: 'apiframe:flux-1.1-pro', prompt: 'stuck poll [[fault:slow-headers:600000:phase=poll]]' },
      () => pollsRecorded().length === 1,
    );
    const jobId = api.fake.jobs[0]!.id;
    expectError(e, 'cancelled', false, [/may still finish/, new RegExp(jobId)]);
    const [poll] = pollsRecorded();
    assert.equal(pollsRecorded().length, 1, 'the abort hit the poll in flight');
    assert.equal(poll!.status, null, 'ended before the poll was answered');
    await until(() => poll!.closedEarly);
  });

  test('during a slow download', async () => {
    const e = await abortedWhen({ model: 'aimlapi:flux-pro', prompt: 'slow file [[fault:slow-body:600000]]' }, () => downloadsRecorded().length === 1);
    expectError(e, 'cancelled', false, [/cancelled/]);
    assert.equal(downloadsRecorded().length, 1);
    const [dl] = downloadsRecorded();
    await until(() => dl!.closedEarly); // the download was dropped mid-body (the fake's body only ends when it closes)
  });
});

// ---- 6. apiframe polling -------------------------------------------------------------------------

describe('apiframe polling', () => {
  test('a 3 s job: rising progress, a handful of polls', async () => {
    api.fake.setJobDuration(3000);
    const progress: Progress[] = [];
    const r = await run({ model: 'apiframe:flux-1.1-pro', prompt: 'three seconds', size: '256x256' }, { onProgress: (p) => progress.push(p) });
    assert.equal(r.images.length, 1);
    const percents = progress.flatMap((p) => (p.phase === 'generating' && p.percent !== undefined ? [p.percent] : []));
    assert.ok(percents.length >= 1, `progress reported: ${JSON.stringify(progress)}`);
    for (let i = 1; i < percents.length; i++) assert.ok(percents[i]! >= percents[i - 1]!, `never falls: ${percents.join(',')}`);
    assert.ok(percents.every((p) => p >= 0 && p <= 100));
    assert.ok(
      progress.every((p) => p.phase !== 'generating' || p.jobId === r.jobId),
      'every generating event names the job',
    );
    const job = api.fake.jobs[0]!;
    assert.ok(job.polls >= 2 && job.polls <= 5, `${job.polls} polls for a 3 s job`);
    assert.notEqual(job.firstCompletedPollAt, null, 'a poll saw the job completed');
    assert.ok(
      pollsRecorded().every((p) => p.time <= job.firstCompletedPollAt!),
      'and polling stopped there',
    );
  });

  test('progress steps are reported rising', async () => {
    api.fake.setJobDuration(2500);
    const progress: number[] = [];
    await run(
      { model: 'apiframe:flux-1.1-pro', prompt: 'steps [[fault:progress:10,50,90]]', size: '256x256' },
      {
        onProgress: (p) => p.phase === 'generating' && p.percent !== undefined && progress.push(p.percent),
      },
    );
    assert.ok(progress.length >= 1);
    assert.ok(
      progress.every((p) => [0, 10, 50, 90].includes(p)),
      progress.join(','),
    );
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!);
  });

  test('the poll timeout: a timeout error saying the job may still finish', async () => {
    api.fake.setJobDuration(600_000);
    const e = await failure({ model: 'apiframe:flux-1.1-pro', prompt: 'too slow' }, { pollTimeoutMs: 400 });
    const jobId = api.fake.jobs[0]!.id;
    expectError(e, 'timeout', true, [/did not finish/, /may still finish/, new RegExp(jobId)]);
    assert.equal(e.jobId, jobId);
    assert.equal(api.fake.jobs[0]!.completedAt, null, 'gave up on its own deadline, not at the end of the job');
  });
});

// ---- 7. proxies ----------------------------------------------------------------------------------

interface Proxy {
  readonly url: string;
  /** CONNECT tunnels and absolute-form requests, each with its target host:port. */
  readonly seen: string[];
  close(): Promise<void>;
}

/** A forward proxy: absolute-form requests are relayed, CONNECT is tunnelled with net.connect. */
async function startProxy(): Promise<Proxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form only');
      return;
    }
    seen.push(`GET-FORM ${target.host}`);
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers: req.headers },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host = '', port = '80'] = (req.url ?? '').split(':');
    const up = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('proxies', () => {
  let proxy: Proxy;
  before(async () => {
    proxy = await startProxy();
  });
  after(async () => {
    await proxy.close();
  });
  afterEach(() => {
    for (const v of PROXY_VARS) delete process.env[v];
  });

  const fakeHost = () => new URL(api.fake.baseUrl).host;

  test('an explicit proxy carries the request and the download', async () => {
    const via = api.keep(new HttpClient({ proxy: proxy.url }));
    const before = proxy.seen.length;
    const r = await run({ model: 'aimlapi:flux-pro', prompt: 'through the proxy', size: '256x256' }, { http: via });
    assert.equal(r.images[0]!.info.width, 256);
    const mine = proxy.seen.slice(before);
    assert.ok(mine.length >= 1, 'proxied');
    assert.ok(
      mine.every((s) => s.endsWith(fakeHost())),
      `every hop went to the fake: ${mine.join(', ')}`,
    );
    assert.equal(submitsOf('through the proxy').length, 1);
    assert.equal(downloadsRecorded().length, 1);
  });

  test('an explicit proxy for an apiframe job', async () => {
    const via = api.keep(new HttpClient({ proxy: proxy.url }));
    const before = proxy.seen.length;
    const r = await run({ model: 'apiframe:flux-1.1-pro', prompt: 'job through the proxy', size: '256x256' }, { http: via });
    assert.equal(r.images.length, 1);
    assert.ok(proxy.seen.length > before);
  });

  test('HTTP_PROXY from the environment is used', async () => {
    process.env.HTTP_PROXY = proxy.url;
    const viaEnv = api.keep(new HttpClient());
    const before = proxy.seen.length;
    const r = await run({ model: 'aimlapi:flux-pro', prompt: 'env proxy', size: '256x256' }, { http: viaEnv });
    assert.equal(r.images.length, 1);
    assert.ok(proxy.seen.length > before, 'the environment proxy was used');
  });

  test('NO_PROXY=127.0.0.1 bypasses HTTP_PROXY', async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = '127.0.0.1';
    const direct = api.keep(new HttpClient());
    const before = proxy.seen.length;
    const r = await run({ model: 'aimlapi:flux-pro', prompt: 'no proxy', size: '256x256' }, { http: direct });
    assert.equal(r.images.length, 1);
    assert.equal(proxy.seen.length, before, 'the proxy saw nothing');
  });

  test('a proxy that cannot be reached is a network error naming the proxy settings', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const dead = api.keep(new HttpClient({ proxy: `http://127.0.0.1:${port}` }));
    const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'dead proxy' }, { http: dead });
    expectError(e, 'network', true, [/proxy/]);
    assert.equal(submitsOf('dead proxy').length, 0);
  });
});
