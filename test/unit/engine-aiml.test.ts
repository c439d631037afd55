/**
 * The engine and the AIML API client at their edges, against the fake Flux API (and small stubs for
 * answers the fake never gives) on loopback: the seed always sent, the record each image carries,
 * moderation and damaged-image messages, what the AIML request looks like and which failures are
 * sent again, and how both answer shapes are read.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENTS, validOrThrow } from '../../src/core/engine';
import { FluxError } from '../../src/core/errors';
import { readRecord } from '../../src/core/recordRead';
import { validateRequest } from '../../src/core/request';
import { aimlapi, aimlBody } from '../../src/core/providers/aimlapi';
import { wireParams } from '../../src/core/providers/params';
import type { Progress } from '../../src/core/providers/types';
import { TINY_PNG_BASE64 } from '../fake-api/images';
import { testLogger } from './testLogger';
import { FAST, json, KEY, startStub, useEngine } from './engineHarness';
import { pngWithoutPixels } from '../crafted/images';

const engine = useEngine(50);
const { run, failure, submitsOf } = engine;
const downloads = () => engine.fake.requests.filter((r) => r.phase === 'download');

const goodPng = Buffer.from(TINY_PNG_BASE64, 'base64');

// ---- validation and the seed ----------------------------------------------------------------------

describe('the request the engine sends', () => {
  test('a request with several problems is refused with every problem, one sentence after another', () => {
    const input = { model: 'aimlapi:flux-pro', prompt: 'two problems', size: '224x256', seed: -5 };
    const v = validateRequest(input);
    assert.ok(!v.ok && v.problems.length >= 2);
    let err: unknown;
    try {
      validOrThrow(input);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof FluxError);
    assert.equal(err.kind, 'validation');
    assert.match(err.message, /Seed -5/);
    assert.match(err.message, /224/);
    assert.equal(err.message, v.problems.map((p) => p.message).join(' '), 'the sentences are separated by a space');
  });

  test('without a seed, a random one is sent and recorded, so the image can be made again', async () => {
    const prompt = 'no seed given';
    const r = await run({ model: 'aimlapi:flux-pro', prompt, size: '256x256' });
    const sent = (submitsOf(prompt)[0]!.body as { seed?: unknown }).seed;
    assert.equal(typeof sent, 'number');
    assert.ok(Number.isInteger(sent) && (sent as number) >= 1 && (sent as number) < 2 ** 31, `seed ${String(sent)}`);
    assert.equal(r.seed, sent);
    assert.equal(r.request.seed, sent);
    assert.equal(r.images[0]!.record.seed, sent);
  });

  test('the AIML request: one POST to /v1/images/generations with JSON headers, the key only in Authorization', async () => {
    const prompt = 'headers check';
    await run({ model: 'aimlapi:flux-pro', prompt, size: '256x256', seed: 9 });
    const [sent] = submitsOf(prompt);
    assert.equal(sent!.method, 'POST');
    assert.equal(sent!.path, '/v1/images/generations');
    assert.equal(sent!.headers.authorization, `Bearer ${KEY}`);
    assert.equal(sent!.headers.accept, 'application/json');
    assert.match(sent!.headers['content-type'] ?? '', /^application\/json/);
    const elsewhere = Object.entries(sent!.headers).filter(([k, v]) => k !== 'authorization' && v.includes(KEY));
    assert.deepEqual(elsewhere, [], 'no other header carries the key');
    assert.ok(!JSON.stringify(sent!.body).includes(KEY), 'the body does not carry the key');
    assert.ok(!sent!.path.includes(KEY), 'the URL does not carry the key');
  });

  test('a base URL with trailing slashes still reaches /v1/images/generations', async () => {
    const prompt = 'trailing slashes';
    const r = await run({ model: 'aimlapi:flux-pro', prompt, size: '256x256' }, { baseUrl: `${engine.fake.baseUrl}//` });
    assert.equal(r.images.length, 1);
    assert.deepEqual(
      submitsOf(prompt).map((s) => s.path),
      ['/v1/images/generations'],
    );
    const shown = aimlapi.describe(r.request, 'https://api.aimlapi.com//');
    assert.equal(shown.url, 'https://api.aimlapi.com/v1/images/generations');
    assert.equal(aimlapi.describe(r.request, 'https://gw.example/aiml/').url, 'https://gw.example/aiml/v1/images/generations');
  });

  test('a model with one output format is not sent output_format; the body has no seed key when none is set', async () => {
    const prompt = 'one format';
    const r = await run({ model: 'aimlapi:flux/schnell', prompt, size: '256x256', seed: 12 });
    assert.equal(r.images[0]!.info.type, 'png');
    const body = submitsOf(prompt)[0]!.body as Record<string, unknown>;
    assert.ok(!('output_format' in body), `sent: ${JSON.stringify(body)}`);
    assert.ok(!('output_format' in aimlBody(validOrThrow({ model: 'aimlapi:flux/schnell', prompt: 'x' }))));
    const unseeded = aimlBody(validOrThrow({ model: 'aimlapi:flux-pro', prompt: 'x' }));
    assert.ok(!('seed' in unseeded), 'no seed key at all (Copy as cURL shows the body as it is)');
    assert.equal(aimlBody(validOrThrow({ model: 'aimlapi:flux-pro', prompt: 'x', seed: 3 })).seed, 3);
  });

  test('enum parameters go on the wire as strings, whatever type the request holds', () => {
    const req = validOrThrow({ model: 'aimlapi:flux-pro', prompt: 'x', params: { steps: 20 } });
    assert.deepEqual(wireParams({ ...req, params: { steps: 20, safetyTolerance: 3 } }), { num_inference_steps: 20, safety_tolerance: '3' });
  });

  test('the clients are registered under their own ids', () => {
    assert.equal(aimlapi.id, 'aimlapi');
    for (const [id, c] of Object.entries(CLIENTS)) assert.equal(c.id, id);
  });
});

// ---- the record, progress and the result -----------------------------------------------------------

describe('what comes back', () => {
  test('each image records the parameters it was made with, and the credits; progress counts the downloads', async () => {
    const { logger, lines } = testLogger();
    const progress: Progress[] = [];
    const t0 = Date.now();
    const r = await run(
      {
        model: 'aimlapi:flux-pro',
        prompt: 'recorded params',
        size: '256x256',
        numImages: 2,
        seed: 77,
        params: { steps: 20, guidance: 4.5, safetyTolerance: 3 },
      },
      { logger, onProgress: (p) => progress.push(p) },
    );
    const elapsed = Date.now() - t0;
    assert.equal(r.images.length, 2);
    for (const img of r.images) {
      assert.deepEqual(img.record.params, { steps: 20, guidance: 4.5, safetyTolerance: '3' });
      assert.equal(img.record.creditsUsed, r.creditsUsed);
      assert.deepEqual(readRecord(img.bytes), img.record);
    }
    assert.equal(typeof r.creditsUsed, 'number');
    const dl = progress.filter((p) => p.phase === 'downloading');
    assert.deepEqual(dl[0], { phase: 'downloading', done: 0, total: 2 });
    assert.deepEqual(dl.at(-1), { phase: 'downloading', done: 2, total: 2 }, `downloading progress: ${JSON.stringify(dl)}`);
    assert.equal(progress.filter((p) => p.phase === 'generating').length, 1);
    assert.deepEqual(progress.at(-1), { phase: 'done' });
    // The summary line: how many images, how long (never more than the call took), the credits.
    const ready = lines.filter((l) => / ready in /.test(l));
    assert.equal(ready.length, 1);
    const m = /^info aimlapi:flux-pro: 2 image\(s\) ready in (\d+) ms, (\d+) credits$/.exec(ready[0]!);
    assert.ok(m, ready[0]);
    assert.ok(Number(m[1]) <= elapsed, `${m[1]} ms logged, ${elapsed} ms taken`);
    assert.equal(Number(m[2]), r.creditsUsed);
    assert.deepEqual(
      lines.filter((l) => l.startsWith('warn')),
      [],
      'an answer with as many images as asked warns of nothing',
    );
  });

  test('an answer without usage: no creditsUsed key in the result or the record (embedded as is)', async () => {
    const { logger, lines } = testLogger();
    const r = await run({ model: 'aimlapi:flux-pro', prompt: 'no usage [[fault:shape-b]]', size: '256x256', seed: 5 }, { logger });
    assert.ok(!('creditsUsed' in r), 'the result');
    const img = r.images[0]!;
    assert.ok(!('creditsUsed' in img.record), 'the record');
    assert.deepEqual(readRecord(img.bytes), img.record);
    const ready = lines.find((l) => / ready in /.test(l));
    assert.match(ready ?? '', /ready in \d+ ms$/, 'no credits in the summary');
  });

  test('more images than asked: the extra ones are ignored (and warned of), never downloaded', async () => {
    const stub = await startStub((req, res, base) => {
      if (req.url?.startsWith('/img')) {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(goodPng);
      } else json(res, 200, { data: [{ url: `${base}/img0.png` }, { url: `${base}/img1.png` }, { url: `${base}/img2.png` }] });
    });
    try {
      const { logger, lines } = testLogger();
      const r = await run({ model: 'aimlapi:flux-pro', prompt: 'too many', numImages: 2 }, { baseUrl: stub.baseUrl, logger });
      assert.equal(r.images.length, 2);
      assert.deepEqual(stub.hits.filter((h) => h.startsWith('GET')).sort(), ['GET /img0.png', 'GET /img1.png']);
      assert.equal(lines.filter((l) => l.startsWith('warn') && /3 images for 2 asked/.test(l)).length, 1);
    } finally {
      await stub.close();
    }
  });

  test('one image flagged by the safety checker: a moderation error about "the image", nothing downloaded', async () => {
    const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'flagged one [[fault:nsfw]]', numImages: 1 });
    assert.equal(e.kind, 'moderation');
    assert.equal(e.provider, 'aimlapi');
    assert.match(e.message, /safety checker flagged the image and blacked it out/);
    assert.match(e.message, /nothing was saved/);
    assert.match(e.message, /Rephrase the prompt/);
    assert.doesNotMatch(e.message, /all 1 images/);
    assert.equal(typeof e.requestId, 'string');
    assert.equal(downloads().length, 0);
  });

  test('a damaged single image: "an image that is damaged", with the request id', async () => {
    const stub = await startStub((_req, res) => json(res, 200, { data: [{ b64_json: pngWithoutPixels().toString('base64') }] }, { 'x-request-id': 'req-one' }));
    try {
      const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'damaged one' }, { baseUrl: stub.baseUrl });
      assert.equal(e.kind, 'bad-response');
      assert.match(e.message, /sent an image that is damaged: its file structure is broken/);
      assert.match(e.message, /Nothing was saved; try again/);
      assert.equal(e.requestId, 'req-one');
    } finally {
      await stub.close();
    }
  });

  test('a damaged image among three: the message says which one (2 of 3)', async () => {
    const good = goodPng.toString('base64');
    const stub = await startStub((_req, res) =>
      json(res, 200, { data: [{ b64_json: good }, { b64_json: pngWithoutPixels().toString('base64') }, { b64_json: good }] }, { 'x-request-id': 'req-three' }),
    );
    try {
      const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'damaged among three', numImages: 3 }, { baseUrl: stub.baseUrl });
      assert.equal(e.kind, 'bad-response');
      assert.match(e.message, /sent image 2 of 3 that is damaged/);
      assert.match(e.message, /Nothing was saved/);
      assert.equal(e.requestId, 'req-three');
    } finally {
      await stub.close();
    }
  });

  test('a damaged image from an apiframe job keeps the job id', async () => {
    const stub = await startStub((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(pngWithoutPixels());
    });
    try {
      engine.fake.queueFaults({ kind: 'redirect', phase: 'download', url: `${stub.baseUrl}/bad.png` });
      const e = await failure({ model: 'apiframe:flux-1.1-pro', prompt: 'damaged job', size: '256x256' });
      assert.equal(e.kind, 'bad-response');
      assert.match(e.message, /sent an image that is damaged/);
      assert.equal(e.jobId, engine.fake.jobs[0]!.id);
    } finally {
      await stub.close();
    }
  });

  test("an image on the provider's own host is fetched even where that host is not a public address", async () => {
    // 0.0.0.0 reaches this machine but is not a loopback name: only being the provider's own host lets it through.
    const stub = await startStub((_req, res, base) => json(res, 200, { data: [{ url: `https://0.0.0.0:${new URL(base).port}/img.png` }] }));
    try {
      const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'own host' }, { baseUrl: `http://0.0.0.0:${new URL(stub.baseUrl).port}` });
      // The stub speaks plain http, so the https download fails; but it was tried, not refused.
      assert.doesNotMatch(e.message, /refused|private|address/i, e.message);
      assert.equal(e.kind, 'network');
      assert.match(e.message, /downloading the image/);
      assert.equal(stub.connections, 2, 'the generation, then the download');
    } finally {
      await stub.close();
    }
  });
});

// ---- the AIML client: retries, answers, errors --------------------------------------------------------

describe('the AIML client', () => {
  test('a 429 then success: two POSTs, and "generating" is reported once', async () => {
    const prompt = 'busy once [[fault:429]]';
    const progress: Progress[] = [];
    const r = await run({ model: 'aimlapi:flux-pro', prompt, size: '256x256' }, { onProgress: (p) => progress.push(p) });
    assert.equal(r.images.length, 1);
    assert.deepEqual(
      submitsOf(prompt).map((s) => s.status),
      [429, 200],
    );
    assert.deepEqual(
      progress.filter((p) => p.phase === 'submitting' || p.phase === 'generating').map((p) => p.phase),
      ['submitting', 'generating'],
    );
  });

  test('failures the server may have processed are never sent again: 500, 401, 504, a reset answer', async () => {
    for (const [marker, kind] of [
      ['[[fault:500]]', 'server'],
      ['[[fault:401]]', 'auth'],
      ['[[fault:504]]', 'timeout'],
      ['[[fault:reset:phase=submit]]', 'network'],
    ] as const) {
      const prompt = `once only ${marker}`;
      const e = await failure({ model: 'aimlapi:flux-pro', prompt, size: '256x256' });
      assert.equal(e.kind, kind, `${marker}: ${e.message}`);
      assert.equal(submitsOf(prompt).length, 1, `${marker}: exactly one POST`);
    }
  });

  test('cancelled during a Retry-After wait: a cancelled error from the AIML API', async () => {
    const { logger, lines } = testLogger();
    const ac = new AbortController();
    const p = failure({ model: 'aimlapi:flux-pro', prompt: 'wait then cancel [[fault:429:retry-after=3]]' }, { logger, signal: ac.signal });
    while (!lines.some((l) => /retry 1 of/.test(l))) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    const e = await p;
    assert.equal(e.kind, 'cancelled');
    assert.equal(e.provider, 'aimlapi');
  });

  test('an answer without any image: bad-response from the AIML API, with the request id', async () => {
    const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'nothing [[fault:empty]]' });
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.provider, 'aimlapi');
    assert.equal(e.status, 200);
    assert.match(e.message, /answered without any image/);
    assert.equal(typeof e.requestId, 'string');
  });

  test('an answer of the wrong form: bad-response naming the missing image list, with the request id', async () => {
    const stub = await startStub((_req, res) => json(res, 200, { data: 'not a list' }, { 'x-request-id': 'req-form' }));
    try {
      const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'wrong form' }, { baseUrl: stub.baseUrl });
      assert.equal(e.kind, 'bad-response');
      assert.equal(e.provider, 'aimlapi');
      assert.equal(e.status, 200);
      assert.match(e.message, /did not have the expected form \(no image list\)/);
      assert.equal(e.requestId, 'req-form');
    } finally {
      await stub.close();
    }
  });

  test('data[] wins over images[]; images[] entries without a URL are skipped', async () => {
    const stub = await startStub((req, res, base) => {
      if (req.url?.startsWith('/img')) {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(goodPng);
      } else if (req.url === '/only-b/v1/images/generations') json(res, 200, { images: [{ content_type: 'image/png' }, { url: `${base}/img-b.png` }] });
      else if (req.url === '/no-url/v1/images/generations') json(res, 200, { images: [{ content_type: 'image/png' }] });
      else json(res, 200, { data: [{ url: `${base}/img-a.png` }], images: [{ url: `${base}/img-b.png` }] });
    });
    try {
      const both = await run({ model: 'aimlapi:flux-pro', prompt: 'both shapes', numImages: 2 }, { baseUrl: stub.baseUrl });
      assert.equal(both.images.length, 1);
      assert.deepEqual(
        stub.hits.filter((h) => h.startsWith('GET')),
        ['GET /img-a.png'],
      );
      const b = await run({ model: 'aimlapi:flux-pro', prompt: 'shape b with a hole', numImages: 2 }, { baseUrl: `${stub.baseUrl}/only-b` });
      assert.equal(b.images.length, 1);
      assert.equal(b.images[0]!.index, 0);
      const e = await failure({ model: 'aimlapi:flux-pro', prompt: 'no url' }, { baseUrl: `${stub.baseUrl}/no-url` });
      assert.equal(e.kind, 'bad-response');
      assert.match(e.message, /answered without any image/);
    } finally {
      await stub.close();
    }
  });

  test('the client reports a seed and credits only when the answer has them', async () => {
    const ctx = { http: engine.client, baseUrl: engine.fake.baseUrl, apiKey: KEY, logger: testLogger().logger, retry: FAST };
    const a = await aimlapi.run(validOrThrow({ model: 'aimlapi:flux-pro', prompt: 'shape a', size: '256x256', seed: 8 }), ctx);
    assert.ok(!('seed' in a), 'shape A has no seed');
    assert.equal(typeof a.creditsUsed, 'number');
    const b = await aimlapi.run(validOrThrow({ model: 'aimlapi:flux-pro', prompt: 'shape b [[fault:shape-b]]', size: '256x256', seed: 8 }), ctx);
    assert.equal(b.seed, 8);
    assert.ok(!('creditsUsed' in b), 'shape B has no usage');
  });
});
