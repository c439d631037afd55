import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startFakeApi, type FakeApi } from '../fake-api/server';

let api: FakeApi;

before(async () => {
  api = await startFakeApi();
});
after(async () => {
  await api.close();
});
beforeEach(() => {
  api.reset();
});

const AIML_AUTH = { authorization: 'Bearer test-key', 'content-type': 'application/json' };
const APIFRAME_AUTH = { 'x-api-key': 'afk_test', 'content-type': 'application/json' };

function aiml(body: unknown, headers: Record<string, string> = AIML_AUTH): Promise<Response> {
  return fetch(`${api.baseUrl}/v1/images/generations`, { method: 'POST', headers, body: JSON.stringify(body) });
}
function submit(body: unknown, headers: Record<string, string> = APIFRAME_AUTH): Promise<Response> {
  return fetch(`${api.baseUrl}/v2/images/generate`, { method: 'POST', headers, body: JSON.stringify(body) });
}
function poll(id: string): Promise<Response> {
  return fetch(`${api.baseUrl}/v2/jobs/${id}`, { headers: APIFRAME_AUTH });
}
function control(path: string, body?: unknown): Promise<Response> {
  return fetch(`${api.baseUrl}/__control/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(Buffer.from(bytes.subarray(12, 16)).toString('latin1'), 'IHDR');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

type AimlA = { data: { url: string | null; b64_json: string | null }[]; meta: { usage: Record<string, number> } };
type AimlB = { images: { url: string; width: number; height: number; content_type: string }[]; seed: number; has_nsfw_concepts: boolean[]; prompt: string };
type Job = {
  id: string;
  status: string;
  progress: number | null;
  result: unknown;
  error: string | null;
  creditCost: number;
  expired: boolean;
  createdAt: string;
  completedAt: string | null;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await sleep(5);
}

async function waitForJob(id: string, every = 15): Promise<{ seen: Job[]; last: Job }> {
  const seen: Job[] = [];
  for (let i = 0; i < 400; i++) {
    const job = (await (await poll(id)).json()) as Job;
    seen.push(job);
    if (!['QUEUED', 'PROCESSING'].includes(job.status)) return { seen, last: job };
    await sleep(every);
  }
  throw new Error('job never finished');
}

// ---- authentication ----

test('401 without a key, in each provider’s error shape', async () => {
  const a = await aiml({ model: 'flux-pro', prompt: 'x' }, { 'content-type': 'application/json' });
  assert.equal(a.status, 401);
  const body = (await a.json()) as Record<string, unknown>;
  assert.equal(body.statusCode, 401);
  assert.equal(body.path, '/v1/images/generations');
  assert.equal(typeof body.message, 'string');
  assert.equal(typeof body.requestId, 'string');
  assert.ok(!Number.isNaN(Date.parse(String(body.timestamp))));

  const empty = await aiml({ model: 'flux-pro', prompt: 'x' }, { authorization: 'Bearer ', 'content-type': 'application/json' });
  assert.equal(empty.status, 401);

  const f = await submit({ model: 'flux-1.1-pro', prompt: 'x' }, { 'content-type': 'application/json' });
  assert.equal(f.status, 401);
  assert.equal(typeof ((await f.json()) as { error: unknown }).error, 'string');
});

// ---- AIML ----

test('AIML: a valid request returns shape A and an image of exactly the requested size', async () => {
  const res = await aiml({ model: 'flux-pro', prompt: 'A T-Rex on a beach', image_size: { width: 1024, height: 320 }, output_format: 'png', seed: 7 });
  assert.equal(res.status, 200);
  assert.ok(res.headers.get('x-request-id'));
  const body = (await res.json()) as AimlA;
  assert.equal(body.data.length, 1);
  assert.equal(body.data[0]?.b64_json, null);
  assert.equal(typeof body.meta.usage.credits_used, 'number');
  const url = body.data[0]?.url ?? '';
  assert.ok(url.startsWith(`${api.baseUrl}/files/`) && url.endsWith('.png'), url);

  const img = await fetch(url);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  const bytes = new Uint8Array(await img.arrayBuffer());
  assert.equal(Number(img.headers.get('content-length')), bytes.length);
  assert.deepEqual(pngSize(bytes), { width: 1024, height: 320 });

  // Deterministic: same prompt, seed, model, size and format give the same bytes.
  const again = (await (
    await aiml({ model: 'flux-pro', prompt: 'A T-Rex on a beach', image_size: { width: 1024, height: 320 }, output_format: 'png', seed: 7 })
  ).json()) as AimlA;
  const bytes2 = new Uint8Array(await (await fetch(again.data[0]?.url ?? '')).arrayBuffer());
  assert.deepEqual(bytes2, bytes);
});

test('AIML: presets, ultra ratios, defaults and num_images come from the catalog', async () => {
  const ultra = (await (await aiml({ model: 'flux-pro/v1.1-ultra', prompt: 'x', aspect_ratio: '9:16', num_images: 2, safety_tolerance: '3' })).json()) as AimlA;
  assert.equal(ultra.data.length, 2);
  const meta = await sharp(Buffer.from(await (await fetch(ultra.data[0]?.url ?? '')).arrayBuffer())).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1536, 2752]);

  const preset = (await (await aiml({ model: 'blackforestlabs/flux-2-pro', prompt: 'x', image_size: 'square_hd', output_format: 'webp' })).json()) as AimlA;
  const webp = await fetch(preset.data[0]?.url ?? '');
  assert.equal(webp.headers.get('content-type'), 'image/webp');
  const m2 = await sharp(Buffer.from(await webp.arrayBuffer())).metadata();
  assert.deepEqual([m2.format, m2.width, m2.height], ['webp', 1024, 1024]);

  const dflt = (await (await aiml({ model: 'flux/schnell', prompt: 'x' })).json()) as AimlA;
  const png = new Uint8Array(await (await fetch(dflt.data[0]?.url ?? '')).arrayBuffer());
  assert.deepEqual(pngSize(png), { width: 1024, height: 768 }, 'landscape_4_3 default, PNG only');
});

test('AIML: 400 "Body validation error!" with useful detail lines, never 422', async () => {
  const res = await aiml({ model: 'flux-pro', prompt: 'x', image_size: { width: 1000, height: 768 } });
  assert.equal(res.status, 400);
  const body = (await res.json()) as { message: string; statusCode: number };
  assert.equal(body.statusCode, 400);
  assert.match(body.message, /^Body validation error!/);
  assert.match(body.message, /image_size\.width: .*multiple of 32 between 256 and 1440, received 1000/);

  const cases: [unknown, RegExp][] = [
    [{ model: 'flux-nope', prompt: 'x' }, /model: Invalid enum value/],
    [{ model: 'flux-pro', prompt: '' }, /prompt: /],
    [{ model: 'flux-pro', prompt: 'x'.repeat(4001) }, /at most 4000/],
    [{ model: 'flux-pro', prompt: 'x', safety_tolerance: 2 }, /safety_tolerance: Invalid enum value/],
    [{ model: 'flux-pro', prompt: 'x', num_inference_steps: 51 }, /num_inference_steps: .*between 1 and 50/],
    [{ model: 'flux-pro', prompt: 'x', output_format: 'webp' }, /output_format/],
    [{ model: 'flux-pro', prompt: 'x', seed: 0 }, /seed/],
    [{ model: 'flux-pro', prompt: 'x', aspect_ratio: '16:9' }, /aspect_ratio: Unrecognized key/],
    [{ model: 'flux-pro/v1.1-ultra', prompt: 'x', image_size: 'square' }, /image_size: Unrecognized key/],
    [{ model: 'flux-pro/v1.1-ultra', prompt: 'x', raw: true }, /raw: Invalid literal/],
    [{ model: 'blackforestlabs/flux-2-pro', prompt: 'x', num_images: 2 }, /num_images: Unrecognized key/],
    [{ model: 'blackforestlabs/flux-2-max', prompt: 'x', safety_tolerance: '6' }, /safety_tolerance/],
    [{ model: 'flux-pro', prompt: 'x', colour: 'red' }, /colour: Unrecognized key/],
  ];
  for (const [req, pattern] of cases) {
    const r = await aiml(req);
    assert.equal(r.status, 400, JSON.stringify(req));
    assert.match(((await r.json()) as { message: string }).message, pattern, JSON.stringify(req));
  }
});

test('AIML: shape B by marker, with seed and has_nsfw_concepts', async () => {
  const prompt = 'a fox [[fault:shape-b]]';
  const body = (await (await aiml({ model: 'flux-pro', prompt, image_size: 'square' })).json()) as AimlB;
  assert.equal(body.images.length, 1);
  assert.deepEqual({ ...body.images[0], url: undefined }, { url: undefined, width: 512, height: 512, content_type: 'image/jpeg' });
  assert.equal(typeof body.seed, 'number');
  assert.ok(body.seed >= 1);
  assert.deepEqual(body.has_nsfw_concepts, [false]);
  assert.equal(body.prompt, prompt);
  const img = await fetch(body.images[0]?.url ?? '');
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
});

test('AIML: b64_json answers and tokens_used via the control API queue', async () => {
  assert.equal((await control('faults', [{ kind: 'aiml-response', b64: true, usageField: 'tokens_used' }])).status, 200);
  const res = await aiml({ model: 'flux-pro', prompt: 'x', image_size: { width: 256, height: 512 }, output_format: 'png' });
  const body = (await res.json()) as AimlA;
  assert.equal(body.data[0]?.url, null);
  assert.deepEqual(pngSize(Buffer.from(body.data[0]?.b64_json ?? '', 'base64')), { width: 256, height: 512 });
  assert.equal(typeof body.meta.usage.tokens_used, 'number');
  assert.equal(body.meta.usage.credits_used, undefined);
  // Queued faults are used once.
  const next = (await (await aiml({ model: 'flux-pro', prompt: 'x' })).json()) as AimlA;
  assert.ok(next.data[0]?.url);
});

test('AIML: 201, moderation, empty list, statusCode as a string, maintenance, broken 200s', async () => {
  assert.equal((await aiml({ model: 'flux-pro', prompt: 'x [[fault:201]]' })).status, 201);

  const nsfw = (await (await aiml({ model: 'flux-pro', prompt: 'x [[fault:nsfw]]', output_format: 'png' })).json()) as AimlB;
  assert.deepEqual(nsfw.has_nsfw_concepts, [true]);
  const black = await sharp(Buffer.from(await (await fetch(nsfw.images[0]?.url ?? '')).arrayBuffer())).stats();
  assert.ok(
    black.channels.every((c) => c.max === 0),
    'moderated image is black',
  );

  const empty = (await (await aiml({ model: 'flux-pro', prompt: 'x [[fault:empty]]' })).json()) as AimlA;
  assert.deepEqual(empty.data, []);

  const s = await aiml({ model: 'flux-pro', prompt: 'x [[fault:429:status-string]]' });
  assert.equal(s.status, 429);
  assert.equal(((await s.json()) as { statusCode: unknown }).statusCode, '429');

  const m = await aiml({ model: 'flux-pro', prompt: 'x [[fault:500:maintenance]]' });
  assert.equal(m.status, 500);
  assert.match(((await m.json()) as { message: string }).message, /flux-pro is under maintenance/);

  const bad = await aiml({ model: 'flux-pro', prompt: 'x [[fault:invalid-json]]' });
  assert.equal(bad.status, 200);
  await assert.rejects(bad.json());

  const err200 = await aiml({ model: 'flux-pro', prompt: 'x [[fault:error-200]]' });
  assert.equal(err200.status, 200);
  assert.equal(((await err200.json()) as { statusCode: number }).statusCode, 500);

  const unknown = await aiml({ model: 'flux-pro', prompt: 'x [[fault:bogus]]' });
  assert.equal(unknown.status, 400);
  assert.match(((await unknown.json()) as { message: string }).message, /Unknown fault marker/);
});

// ---- apiframe ----

test('apiframe: job lifecycle QUEUED → PROCESSING (rising progress) → COMPLETED, then the image', async () => {
  api.setJobDuration(500);
  const res = await submit({ model: 'flux-1.1-pro', prompt: 'a city', fluxParams: { aspect_ratio: '16:9', output_format: 'jpg', seed: 3 } });
  assert.equal(res.status, 202);
  const { jobId, status } = (await res.json()) as { jobId: string; status: string };
  assert.equal(status, 'QUEUED');

  const { seen, last } = await waitForJob(jobId);
  // In order, never back; QUEUED lasts the first 20% (a loaded machine may poll too late to see it).
  const order = ['QUEUED', 'PROCESSING', 'COMPLETED'];
  const statuses = [...new Set(seen.map((j) => j.status))];
  assert.deepEqual(statuses, order.slice(order.indexOf(statuses[0] ?? '')), statuses.join(' → '));
  assert.ok(statuses.includes('PROCESSING'));
  const progress = seen.filter((j) => j.status === 'PROCESSING').map((j) => j.progress ?? -1);
  assert.ok(new Set(progress).size >= 3, `progress steps: ${progress.join(',')}`);
  assert.ok(progress.every((p) => p >= 0 && p < 100));
  assert.deepEqual(
    progress,
    [...progress].sort((a, b) => a - b),
    'progress never goes back',
  );
  assert.equal(last.progress, 100);
  assert.equal(last.error, null);
  assert.equal(last.expired, false);
  assert.ok(last.completedAt && Date.parse(last.completedAt) >= Date.parse(last.createdAt));
  assert.equal(typeof last.result, 'string');

  const img = await fetch(String(last.result));
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
  const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
  assert.deepEqual([meta.width, meta.height], [1344, 768]);

  const [info] = api.jobs;
  assert.equal(info?.id, jobId);
  assert.equal(info?.polls, seen.length);
  assert.equal(info?.status, 'COMPLETED');
  assert.ok(info && info.completedAt !== null && Math.abs(info.completedAt - (info.createdAt + 500)) < 1e-6);
  assert.ok(info && info.firstCompletedPollAt !== null && info.firstCompletedPollAt >= (info.completedAt ?? Infinity));
  assert.equal(info?.downloads.length, 1);

  const missing = await poll('no-such-job');
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: 'Job not found' });
});

test('apiframe: validation from the catalog, errors with details by JSON path', async () => {
  const cases: [unknown, string][] = [
    [{ model: 'flux-1.1-pro', prompt: 'x', extra: 1 }, 'extra'],
    [{ model: 'flux-1.1-pro', prompt: '' }, 'prompt'],
    [{ model: 'flux-1.1-pro', prompt: 'x'.repeat(2001) }, 'prompt'],
    [{ model: 'flux-9', prompt: 'x' }, 'model'],
    [{ model: 'flux-1.1-pro', prompt: 'x', fluxParams: { num_images: 2 } }, 'fluxParams.num_images'],
    [{ model: 'flux-1.1-pro', prompt: 'x', fluxParams: { safety_tolerance: 2 } }, 'fluxParams.safety_tolerance'],
    [{ model: 'flux-1.1-pro', prompt: 'x', fluxParams: { aspect_ratio: 'custom' } }, 'fluxParams.aspect_ratio'],
    [{ model: 'flux-1.1-pro', prompt: 'x', fluxParams: { aspect_ratio: '21:9' } }, 'fluxParams.aspect_ratio'],
    [{ model: 'flux-1.1-pro', prompt: 'x', fluxParams: { width: 1472, height: 512 } }, 'fluxParams.width'],
    [{ model: 'flux-1.1-pro', prompt: 'x', fluxParams: { aspect_ratio: '1:1', width: 512, height: 512 } }, 'fluxParams'],
    [{ model: 'flux-1.1-pro', prompt: 'x', fluxParams: { output_format: 'jpeg' } }, 'fluxParams.output_format'],
    [{ model: 'flux-1.1-pro', prompt: 'x', fluxParams: { output_quality: 101 } }, 'fluxParams.output_quality'],
    [{ model: 'flux-1.1-pro', prompt: 'x', fluxParams: { steps: 20 } }, 'fluxParams.steps'],
    [{ model: 'flux-1.1-pro', prompt: 'x', fluxParams: { image_prompt: 'not a url' } }, 'fluxParams.image_prompt'],
    [{ model: 'flux-1.1-pro-ultra', prompt: 'x', fluxParams: { width: 1024, height: 1024 } }, 'fluxParams.width'],
  ];
  for (const [req, path] of cases) {
    const r = await submit(req);
    assert.equal(r.status, 400, JSON.stringify(req));
    const body = (await r.json()) as { error: string; details: Record<string, string[]> };
    assert.equal(typeof body.error, 'string');
    assert.ok(body.details[path]?.length, `${JSON.stringify(req)} → ${JSON.stringify(body.details)}`);
  }
  const ok = await submit({
    model: 'flux-2-pro',
    prompt: 'x',
    fluxParams: {
      width: 2048,
      height: 512,
      steps: 20,
      guidance: 3,
      output_format: 'webp',
      output_quality: 80,
      prompt_upsampling: true,
      image_prompt: 'https://example.com/a.png',
    },
  });
  assert.equal(ok.status, 202);
  assert.equal(api.jobs.length, 1);
});

test('apiframe: Idempotency-Key returns the original job; a different body is a 409', async () => {
  const headers = { ...APIFRAME_AUTH, 'idempotency-key': 'key-1' };
  const body = { model: 'flux-1.1-pro', prompt: 'same', fluxParams: { seed: 5, output_format: 'png' } };
  const first = (await (await submit(body, headers)).json()) as { jobId: string };
  const again = await submit({ prompt: 'same', fluxParams: { output_format: 'png', seed: 5 }, model: 'flux-1.1-pro' }, headers);
  assert.equal(again.status, 202);
  assert.equal(((await again.json()) as { jobId: string }).jobId, first.jobId);
  assert.equal(api.jobs.length, 1);
  assert.equal(api.jobs[0]?.submits, 2);
  assert.equal(api.jobs[0]?.idempotencyKey, 'key-1');

  const conflict = await submit({ ...body, prompt: 'different' }, headers);
  assert.equal(conflict.status, 409);
  assert.equal(typeof ((await conflict.json()) as { error: string }).error, 'string');

  const tooLong = await submit(body, { ...APIFRAME_AUTH, 'idempotency-key': 'k'.repeat(256) });
  assert.equal(tooLong.status, 400);
  assert.equal(api.jobs.length, 1);
});

test('apiframe: FAILED, CANCELLED, expired, result shapes, custom progress steps and 402', async () => {
  api.setJobDuration(60);
  const run = async (prompt: string) => {
    const { jobId } = (await (await submit({ model: 'flux-1.1-pro', prompt })).json()) as { jobId: string };
    return waitForJob(jobId, 10);
  };
  const failed = (await run('x [[fault:failed:Content moderated]]')).last;
  assert.deepEqual([failed.status, failed.error, failed.result, failed.creditCost], ['FAILED', 'Content moderated', null, 0]);
  assert.equal((await run('x [[fault:cancelled]]')).last.status, 'CANCELLED');

  const expired = (await run('x [[fault:expired]]')).last;
  assert.equal(expired.status, 'COMPLETED');
  assert.equal(expired.expired, true);
  assert.equal((await fetch(String(expired.result))).status, 404);

  const images = (await run('x [[fault:result:images]]')).last.result as { images: string[] };
  assert.equal(images.images.length, 1);
  const array = (await run('x [[fault:result:array]]')).last.result as string[];
  assert.equal((await fetch(array[0] ?? '')).status, 200);

  const steps = (await run('x [[fault:progress:7,42]][[fault:duration:400]]')).seen.filter((j) => j.status === 'PROCESSING').map((j) => j.progress);
  assert.ok(steps.length > 0 && steps.every((p) => p === 7 || p === 42), `progress: ${steps.join(',')}`);
  assert.deepEqual(
    steps,
    [...steps].sort((a, b) => (a ?? 0) - (b ?? 0)),
  );

  const poor = await submit({ model: 'flux-1.1-pro', prompt: 'x [[fault:402]]' });
  assert.equal(poor.status, 402);
  assert.deepEqual(await poor.json(), { error: 'Insufficient credits', creditsRequired: 4, creditsAvailable: 0 });
});

// ---- faults ----

test('fault by marker: 429 with Retry-After, once per prompt, so the retry succeeds', async () => {
  const prompt = 'busy [[fault:429:retry-after=3]]';
  const first = await aiml({ model: 'flux-pro', prompt });
  assert.equal(first.status, 429);
  assert.equal(first.headers.get('retry-after'), '3');
  assert.equal(((await first.json()) as { statusCode: number }).statusCode, 429);
  assert.equal((await aiml({ model: 'flux-pro', prompt })).status, 200);

  const noHeader = await submit({ model: 'flux-1.1-pro', prompt: 'busy [[fault:429]]' });
  assert.equal(noHeader.status, 429);
  assert.equal(noHeader.headers.get('retry-after'), null);
  assert.equal(api.requests.at(-1)?.fault, 'status');
});

test('fault by control API: standing 503 on polls until cleared; setFault applies in-process too', async () => {
  api.setJobDuration(0);
  const { jobId } = (await (await submit({ model: 'flux-1.1-pro', prompt: 'x' })).json()) as { jobId: string };
  assert.equal((await control('fault', { kind: 'status', status: 503, phase: 'poll', retryAfter: 1 })).status, 200);
  for (let i = 0; i < 2; i++) {
    const r = await poll(jobId);
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '1');
  }
  assert.equal((await control('fault', null)).status, 200);
  assert.equal((await poll(jobId)).status, 200);
  assert.equal(api.jobs[0]?.polls, 3);

  const badFault = await control('fault', { kind: 'status', stauts: 500 });
  assert.equal(badFault.status, 400);

  api.setFault({ kind: 'status', status: 504, times: 1 });
  const t = await aiml({ model: 'flux-pro', prompt: 'x' });
  assert.equal(t.status, 504);
  assert.equal(((await t.json()) as { message: string }).message, 'Generation timeout');
  assert.equal((await aiml({ model: 'flux-pro', prompt: 'x' })).status, 200);

  const recorded = (await (await control('requests')).json()) as { path: string; status: number; headers: Record<string, string> }[];
  assert.ok(recorded.length >= 6);
  assert.equal(recorded[0]?.headers['x-api-key'], 'afk_test');
});

test('fault: a redirect chain of N hops before the image', async () => {
  const body = (await (
    await aiml({ model: 'flux-pro', prompt: 'x [[fault:redirect:3:times=2]]', output_format: 'png', image_size: 'square' })
  ).json()) as AimlA;
  const url = body.data[0]?.url ?? '';
  let next = url;
  const hops: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await fetch(next, { redirect: 'manual' });
    if (r.status !== 302) break;
    hops.push(r.status);
    await r.arrayBuffer();
    next = new URL(r.headers.get('location') ?? '', next).toString();
  }
  assert.equal(hops.length, 3);
  const followed = await fetch(url);
  assert.equal(followed.status, 200);
  assert.ok(followed.redirected);
  assert.deepEqual(pngSize(new Uint8Array(await followed.arrayBuffer())), { width: 512, height: 512 });

  const hostile = (await (await aiml({ model: 'flux-pro', prompt: 'y [[fault:redirect:to=file]]' })).json()) as AimlA;
  const r = await fetch(hostile.data[0]?.url ?? '', { redirect: 'manual' });
  assert.equal(r.headers.get('location'), 'file:///etc/passwd');
  await r.arrayBuffer();
});

test('fault: connection reset mid-body errors the client', async () => {
  const body = (await (await aiml({ model: 'flux-pro', prompt: 'x', output_format: 'png', image_size: 'square_hd' })).json()) as AimlA;
  await control('faults', [{ kind: 'reset', afterBytes: 1000 }]);
  const res = await fetch(body.data[0]?.url ?? '');
  assert.equal(res.status, 200);
  await assert.rejects(res.arrayBuffer());
  // Queued once: the retry downloads the whole image.
  const retry = await fetch(body.data[0]?.url ?? '');
  assert.deepEqual(pngSize(new Uint8Array(await retry.arrayBuffer())), { width: 1024, height: 1024 });
});

test('fault: truncated body (Content-Length larger than the bytes sent) errors the client', async () => {
  const body = (await (await aiml({ model: 'flux-pro', prompt: 'x [[fault:truncate]]', image_size: 'square_hd' })).json()) as AimlA;
  const res = await fetch(body.data[0]?.url ?? '');
  assert.ok(Number(res.headers.get('content-length')) > 0);
  await assert.rejects(res.arrayBuffer());
});

test('fault: wrong content types, oversized bodies and a slow body', async () => {
  const page = (await (await aiml({ model: 'flux-pro', prompt: 'x [[fault:html-as-image]]', output_format: 'png' })).json()) as AimlA;
  const html = await fetch(page.data[0]?.url ?? '');
  assert.equal(html.headers.get('content-type'), 'image/png');
  assert.match(await html.text(), /<html>/);

  const huge = (await (await aiml({ model: 'flux-pro', prompt: 'x [[fault:oversized]]' })).json()) as AimlA;
  const ac = new AbortController();
  const big = await fetch(huge.data[0]?.url ?? '', { signal: ac.signal });
  assert.equal(big.headers.get('content-length'), String(2 * 1024 ** 3));
  ac.abort();
  await assert.rejects(big.arrayBuffer());

  const slow = (await (
    await aiml({ model: 'flux-pro', prompt: 'x [[fault:slow-body:300:chunks=3]]', output_format: 'png', image_size: 'square' })
  ).json()) as AimlA;
  const res = await fetch(slow.data[0]?.url ?? '');
  const rec = api.requests.at(-1)!;
  assert.equal(rec.bytesSent, null, 'the headers came before the body was done');
  const bytes = new Uint8Array(await res.arrayBuffer());
  await until(() => rec.bytesSent !== null);
  assert.equal(rec.closedEarly, false);
  assert.deepEqual(pngSize(bytes), { width: 512, height: 512 });
});

test('close() does not hang on keep-alive sockets or a stalled response', async () => {
  const other = await startFakeApi();
  await (await fetch(`${other.baseUrl}/__control/jobs`)).json();
  other.setFault({ kind: 'slow-headers', ms: 60_000 });
  const hanging = fetch(`${other.baseUrl}/v1/images/generations`, {
    method: 'POST',
    headers: AIML_AUTH,
    body: JSON.stringify({ model: 'flux-pro', prompt: 'x' }),
  }).catch(() => 'failed');
  await until(() => other.requests.length === 1); // the stalled request has arrived
  await other.close(); // a hang here is caught by node:test's time-out
  assert.equal(other.requests[0]!.status, null, 'closed while the 60 s stall was still pending');
  assert.equal(await hanging, 'failed');
});
