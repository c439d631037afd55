/**
 * The apiframe client on its own: the exact requests it sends (one Idempotency-Key, the key only in
 * X-API-Key), which submit failures are retried, the job id check, the polling cadence (pure
 * nextPollDelay and the waits it drives), transient poll failures, the deadline, the result forms,
 * and FAILED / CANCELLED / expired jobs. Driven against the fake Flux API, and against a scripted
 * job server on loopback where a poll answer must be exact.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeApi } from '../fake-api/server';
import { FluxError } from '../../src/core/errors';
import { HttpClient, type RetryPolicy } from '../../src/core/http';
import { apiframe, jobUrl, nextPollDelay, POLL, POLL_TIMEOUT_SETTING } from '../../src/core/providers/apiframe';
import type { Progress, ProviderContext, ProviderResult } from '../../src/core/providers/types';
import { validateRequest, type ValidRequest } from '../../src/core/request';
import { testLogger } from './testLogger';
import { useFakeApi } from './fakeApiHooks';

const FAST: RetryPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterS: 5 };
const KEY = process.env.FLUX_TEST_KEY ?? 'test-key-123';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let fake: FakeApi;
let client: HttpClient;
const api = useFakeApi(50, (f, c) => {
  fake = f;
  client = c;
});

function request(prompt: string): ValidRequest {
  const v = validateRequest({ model: 'apiframe:flux-1.1-pro', prompt, size: '256x256' });
  assert.ok(v.ok, 'a valid request');
  return v.value;
}

function ctx(baseUrl: string, extra: Partial<ProviderContext> = {}): ProviderContext {
  return { http: client, baseUrl, apiKey: KEY, logger: testLogger().logger, retry: FAST, ...extra };
}

/** The FluxError `apiframe.run` rejects with (and proof that it did reject with one). */
async function failure(run: Promise<ProviderResult>): Promise<FluxError> {
  let result: ProviderResult | undefined;
  try {
    result = await run;
  } catch (e) {
    assert.ok(e instanceof FluxError, `expected a FluxError, got ${String(e)}`);
    assert.ok(!e.message.includes(KEY), 'the key never appears in a message');
    return e;
  }
  assert.fail(`expected a failure, got ${JSON.stringify(result)}`);
}

// ---- pure functions ------------------------------------------------------------------------------

test('the job URL drops every trailing slash of the base URL and refuses a base URL whose query or fragment would swallow the path', () => {
  assert.equal(jobUrl('https://api.apiframe.ai//', 'abc'), 'https://api.apiframe.ai/v2/jobs/abc');
  assert.equal(jobUrl('https://gw.example/apiframe///', 'abc'), 'https://gw.example/apiframe/v2/jobs/abc');
  assert.equal(jobUrl('https://gw.example/api?x=1', 'abc'), undefined);
  assert.equal(jobUrl('https://gw.example/api#part', 'abc'), undefined);
  assert.equal(jobUrl('not a url', 'abc'), undefined);
});

test('without progress, or without rising progress, the next poll waits the cadence', () => {
  assert.equal(nextPollDelay(1500, []), 1500);
  assert.equal(nextPollDelay(1500, [{ t: 1000, p: 40 }]), 1500);
  assert.equal(
    nextPollDelay(1500, [
      { t: 1000, p: 50 },
      { t: 2000, p: 50 },
    ]),
    1500,
  );
  // Done (100 %) or a clock that went backwards: no estimate.
  assert.equal(
    nextPollDelay(1500, [
      { t: 0, p: 50 },
      { t: 1000, p: 100 },
    ]),
    1500,
  );
  assert.equal(
    nextPollDelay(1500, [
      { t: 2000, p: 20 },
      { t: 1000, p: 60 },
    ]),
    1500,
  );
});

test('rising progress shortens the wait to the moment the job should be done, never below the minimum nor above the cadence', () => {
  // 50 % in 1000 ms: the other 50 % in 1000 ms.
  assert.equal(
    nextPollDelay(5000, [
      { t: 0, p: 0 },
      { t: 1000, p: 50 },
    ]),
    1000,
  );
  // 40 % in 1000 ms from 20 %: 40 % left, 1000 ms.
  assert.equal(
    nextPollDelay(5000, [
      { t: 1000, p: 20 },
      { t: 2000, p: 60 },
    ]),
    1000,
  );
  // The rate counts from the first sample below the last one: 60 → 20 → 60 is 40 % in 500 ms.
  assert.equal(
    nextPollDelay(5000, [
      { t: 0, p: 60 },
      { t: 500, p: 20 },
      { t: 1000, p: 60 },
    ]),
    500,
  );
  // Longer than the cadence: the cadence.
  assert.equal(
    nextPollDelay(1500, [
      { t: 0, p: 0 },
      { t: 1000, p: 10 },
    ]),
    1500,
  );
  // Nearly done: the minimum.
  assert.equal(
    nextPollDelay(5000, [
      { t: 0, p: 0 },
      { t: 1000, p: 99 },
    ]),
    POLL.minMs,
  );
});

test('the request shown for "Copy as cURL" is the submit, with placeholders for the key and the Idempotency-Key', () => {
  assert.equal(apiframe.id, 'apiframe');
  const shown = apiframe.describe(request('a lighthouse'), 'https://api.apiframe.ai//');
  assert.equal(shown.method, 'POST');
  assert.equal(shown.url, 'https://api.apiframe.ai/v2/images/generate');
  assert.deepEqual(shown.headers, {
    'X-API-Key': '<APIFRAME_API_KEY>',
    'Content-Type': 'application/json',
    'Idempotency-Key': '<a new UUID per generation>',
  });
  assert.deepEqual(shown.body, { prompt: 'a lighthouse', model: 'flux-1.1-pro', fluxParams: { width: 256, height: 256, output_format: 'png' } });
});

// ---- against the fake API ------------------------------------------------------------------------

test('a job: one submit with a UUID Idempotency-Key, polls at the job path, the key only in X-API-Key', async () => {
  const progress: Progress[] = [];
  const r = await apiframe.run(request('a quiet harbour'), ctx(`${fake.baseUrl}//`, { onProgress: (p) => progress.push(p) }));
  const job = fake.jobs[0]!;
  assert.equal(r.jobId, job.id);
  assert.equal(r.images.length, 1);
  assert.equal(typeof r.creditsUsed, 'number');
  const [submit, ...polls] = fake.requests;
  assert.equal(`${submit!.method} ${submit!.path}`, 'POST /v2/images/generate');
  assert.equal(submit!.status, 202);
  assert.equal(submit!.headers['x-api-key'], KEY);
  assert.equal(submit!.headers['content-type'], 'application/json');
  assert.equal(submit!.headers.accept, 'application/json');
  assert.match(submit!.headers['idempotency-key'] ?? '', UUID);
  assert.equal(job.idempotencyKey, submit!.headers['idempotency-key']);
  assert.ok(polls.length >= 1);
  for (const p of polls) {
    assert.equal(`${p.method} ${p.path}`, `GET /v2/jobs/${job.id}`);
    assert.equal(p.headers['x-api-key'], KEY);
    assert.equal(p.headers.accept, 'application/json');
  }
  for (const x of fake.requests) {
    assert.equal(x.headers.authorization, undefined);
    assert.ok(!x.path.includes(KEY) && !JSON.stringify(x.body ?? '').includes(KEY), 'the key only in X-API-Key');
  }
  assert.deepEqual(progress[0], { phase: 'submitting' });
  assert.deepEqual(progress[1], { phase: 'generating', jobId: job.id });
});

test('a job id that is not one is named in the message: quoted when short enough, by its length when too long', async () => {
  const cases: [string, RegExp, RegExp][] = [
    ['a/b', /\("a\/b"\)/, /characters long/],
    [`a/${'x'.repeat(126)}`, /\("a\/x+/, /characters long/],
    ['x'.repeat(129), /\(129 characters long\)/, /xxxx/],
  ];
  for (const [jobId, shown, notShown] of cases) {
    fake.reset();
    fake.queueFaults({ kind: 'job', jobId });
    const e = await failure(apiframe.run(request('a crafted job id'), ctx(fake.baseUrl)));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.provider, 'apiframe');
    assert.equal(e.status, 202);
    assert.match(e.message, /a job id that is not one/);
    assert.match(e.message, shown);
    assert.doesNotMatch(e.message, notShown);
    assert.equal(fake.requests.length, 1, 'nothing but the submit');
  }
});

test('a submit limited by rate (429) is retried with the same Idempotency-Key, as many times as the policy allows', async () => {
  const prompt = 'busy [[fault:429:times=always]]';
  const e = await failure(apiframe.run(request(prompt), ctx(fake.baseUrl, { retry: { ...FAST, attempts: 2 } })));
  assert.equal(e.kind, 'rate-limit');
  assert.equal(e.provider, 'apiframe');
  const submits = fake.requests.filter((r) => r.phase === 'submit');
  assert.deepEqual(
    submits.map((s) => s.status),
    [429, 429],
  );
  assert.equal(submits[0]!.headers['idempotency-key'], submits[1]!.headers['idempotency-key']);
});

test('a submit that cannot connect says it was submitting the job', async () => {
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const e = await failure(apiframe.run(request('nobody home'), ctx(`http://127.0.0.1:${port}`, { retry: { ...FAST, attempts: 1 } })));
  assert.equal(e.kind, 'network');
  assert.match(e.message, /refused the connection while submitting the job/);
});

// ---- against a scripted job server ---------------------------------------------------------------

/** What the scripted server answers to a job's polls, one entry per poll (the last one repeats). */
type PollReply = { status?: number; headers?: Record<string, string>; body?: unknown } | 'drop' | { holdMs: number; then: unknown } | 'hang';

interface Script {
  /** The submit's answer body; default `{ jobId: <the script's name> }`. */
  submit?: unknown;
  /** How many submits have their connection dropped before the answer. */
  dropSubmits?: number;
  polls: PollReply[];
}

const processing = (progress: number | null = null) => ({ body: { status: 'PROCESSING', progress, result: null, error: null } });
const completed = (result: unknown, creditCost: number | null = 4) => ({ body: { status: 'COMPLETED', progress: 100, result, error: null, creditCost } });

const scripts: Record<string, Script> = {
  'no-job-id': { submit: { status: 'QUEUED' }, polls: [] },
  'submit-drop-once': { dropSubmits: 1, polls: [completed('https://cdn.example/s.png')] },
  'odd-answer': { polls: [{ body: { status: 'DONE-ISH' } }] },
  'object-urls': { polls: [completed([{ url: 'https://cdn.example/a.png' }, '', 'https://cdn.example/b.png'], null)] },
  'images-objects': { polls: [completed({ images: [{ url: 'https://cdn.example/c.png' }] }, 3)] },
  'empty-url': { polls: [completed([''])] },
  'null-result': { polls: [completed(null)] },
  'no-url-field': { polls: [completed([{ href: 'https://cdn.example/d.png' }])] },
  expired: { polls: [{ body: { status: 'COMPLETED', result: 'https://cdn.example/e.png', expired: true } }] },
  'failed-null': { polls: [{ body: { status: 'FAILED', error: null } }] },
  'failed-empty': { polls: [{ body: { status: 'FAILED', error: '' } }] },
  cancelled: { polls: [{ body: { status: 'CANCELLED', error: null } }] },
  'null-progress': { polls: [processing(null), completed('https://cdn.example/f.png')] },
  'poll-429': { polls: [{ status: 429, headers: { 'retry-after': '2' }, body: { error: 'Rate limit exceeded' } }] },
  'poll-503': { polls: [{ status: 503, body: { error: 'Service temporarily unavailable' } }] },
  'poll-drop-once': { polls: ['drop', completed('https://cdn.example/g.png')] },
  'poll-drop-always': { polls: ['drop'] },
  'poll-slow-once': { polls: [{ holdMs: 1500, then: processing().body }, completed('https://cdn.example/h.png')] },
  'poll-hang': { polls: ['hang'] },
  'never-done': { polls: [processing(null)] },
  cadence: { polls: [processing(null)] },
  rising: { polls: [10, 90, 95, 97, 98, 99].map((p) => processing(p)) },
  // A short job id that the error's own text happens to contain ("HTTP 403", "Job 3 …").
  '3': { polls: [{ status: 403, body: { error: 'Job 3 is not available to this key' } }] },
};

describe('against a scripted job server', { concurrency: true }, () => {
  let server: http.Server;
  let base = '';
  const polls = new Map<string, number>();
  const submitKeys = new Map<string, string[]>();
  const pollSeen = new Map<string, () => void>();

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        };
        if (req.method === 'POST' && req.url === '/v2/images/generate') {
          const prompt = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { prompt: string }).prompt;
          const name = prompt.replace(/^scripted /, '');
          const keys = submitKeys.get(name) ?? [];
          submitKeys.set(name, [...keys, String(req.headers['idempotency-key'])]);
          if (keys.length < (scripts[name]?.dropSubmits ?? 0)) return req.socket.destroy();
          return send(202, scripts[name]?.submit ?? { jobId: name, status: 'QUEUED' });
        }
        const name = /^\/v2\/jobs\/([^/]+)$/.exec(req.url ?? '')?.[1] ?? '';
        const script = scripts[name];
        if (!script) return send(404, { error: 'Not found' });
        const n = polls.get(name) ?? 0;
        polls.set(name, n + 1);
        pollSeen.get(name)?.();
        const reply = script.polls[Math.min(n, script.polls.length - 1)]!;
        if (reply === 'drop') return req.socket.destroy();
        if (reply === 'hang') return;
        if ('holdMs' in reply) {
          const timer = setTimeout(() => send(200, reply.then), reply.holdMs);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        send(reply.status ?? 200, reply.body, reply.headers);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  /** Run one scripted job: the prompt names the script, and the script's name is the job id. */
  function job(name: string, extra: Partial<ProviderContext> = {}): Promise<ProviderResult> {
    return apiframe.run(request(`scripted ${name}`), ctx(base, extra));
  }

  test('a submit answered without a job id is a bad response, and nothing is polled', async () => {
    const e = await failure(job('no-job-id'));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.provider, 'apiframe');
    assert.equal(e.status, 202);
    assert.match(e.message, /accepted the request but gave no job id/);
    assert.equal(polls.get('no-job-id'), undefined);
  });

  test('a submit whose connection dropped is sent again with the same Idempotency-Key', async () => {
    const r = await job('submit-drop-once');
    assert.deepEqual(r.images, [{ url: 'https://cdn.example/s.png' }]);
    const keys = submitKeys.get('submit-drop-once')!;
    assert.equal(keys.length, 2);
    assert.match(keys[0]!, UUID);
    assert.equal(keys[1], keys[0]);
  });

  test('a poll answer of an unknown form is a bad response naming the job', async () => {
    const e = await failure(job('odd-answer'));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.provider, 'apiframe');
    assert.equal(e.jobId, 'odd-answer');
    assert.match(e.message, /answer about job odd-answer did not have the expected form/);
  });

  test('result forms: a list of {url} objects and strings, and {images: [{url}]}; empty links are left out', async () => {
    const [a, b] = await Promise.all([job('object-urls'), job('images-objects')]);
    assert.deepEqual(a, { images: [{ url: 'https://cdn.example/a.png' }, { url: 'https://cdn.example/b.png' }], jobId: 'object-urls' });
    assert.deepEqual(b, { images: [{ url: 'https://cdn.example/c.png' }], jobId: 'images-objects', creditsUsed: 3 });
  });

  test('a completed job without a usable image link is a bad response naming the job', async () => {
    const names = ['empty-url', 'null-result', 'no-url-field'];
    const errors = await Promise.all(names.map((name) => failure(job(name))));
    for (const [i, name] of names.entries()) {
      const e = errors[i]!;
      assert.equal(e.kind, 'bad-response', name);
      assert.equal(e.provider, 'apiframe');
      assert.equal(e.jobId, name);
      assert.match(e.message, new RegExp(`job ${name} finished without any image`));
    }
  });

  test('an expired result, a FAILED job without a reason and a CANCELLED job: apiframe errors naming the job', async () => {
    const [x, c, ...failed] = await Promise.all(['expired', 'cancelled', 'failed-null', 'failed-empty'].map((name) => failure(job(name))));
    assert.equal(x!.kind, 'bad-response');
    assert.equal(x!.provider, 'apiframe');
    assert.match(x!.message, /have expired/);
    for (const [i, name] of ['failed-null', 'failed-empty'].entries()) {
      const f = failed[i]!;
      assert.equal(f.kind, 'server', name);
      assert.equal(f.provider, 'apiframe');
      assert.equal(f.jobId, name);
      assert.match(f.message, /could not generate the image \(no reason given\)/);
    }
    assert.equal(c!.kind, 'server');
    assert.equal(c!.provider, 'apiframe');
    assert.equal(c!.retryable, true);
    assert.match(c!.message, /cancelled job cancelled on its side/);
  });

  test('a poll without progress reports no percentage', async () => {
    const progress: Progress[] = [];
    const r = await job('null-progress', { onProgress: (p) => progress.push(p) });
    assert.equal(r.images.length, 1);
    assert.deepEqual(progress, [{ phase: 'submitting' }, { phase: 'generating', jobId: 'null-progress' }]);
    assert.equal(polls.get('null-progress'), 2);
  });

  test('polls limited by rate wait as long as Retry-After asks, until the deadline; the error keeps the job id', async () => {
    const e = await failure(job('poll-429', { pollTimeoutMs: 2000 }));
    assert.equal(e.kind, 'rate-limit');
    assert.equal(e.provider, 'apiframe');
    assert.equal(e.jobId, 'poll-429');
    assert.equal(e.retryAfter, 2);
    assert.match(e.message, /HTTP 429/);
    assert.match(e.message, /The job poll-429 may still finish \(and be charged\) at apiframe/);
    assert.ok(e.cause instanceof FluxError);
    // The first poll after 1 s, the second at the deadline (Retry-After 2 s is longer than what is left).
    assert.equal(polls.get('poll-429'), 2);
  });

  test('a poll refused for a job whose id the error text happens to contain still keeps the job id and says the job may finish', async () => {
    const e = await failure(job('3'));
    assert.equal(e.kind, 'auth');
    assert.equal(e.jobId, '3');
    assert.match(e.message, /HTTP 403/);
    assert.match(e.message, /The job 3 may still finish \(and be charged\) at apiframe\.$/);
    assert.equal(polls.get('3'), 1, 'a refusal is not polled through');
  });

  test('polls failing without Retry-After back off by the retry policy until the deadline', async () => {
    const slowBackoff: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 1000, maxRetryAfterS: 5 };
    const e = await failure(job('poll-503', { pollTimeoutMs: 2000, retry: slowBackoff }));
    assert.equal(e.kind, 'server');
    assert.equal(e.jobId, 'poll-503');
    assert.match(e.message, /may still finish/);
    // At 1 s, then after 0.5 to 1 s of backoff each, cut at the 2 s deadline: at most three polls, not a rush.
    const n = polls.get('poll-503')!;
    assert.ok(n >= 1 && n <= 3, `${n} polls`);
  });

  test('a poll whose connection drops is polled through', async () => {
    const r = await job('poll-drop-once');
    assert.deepEqual(r.images, [{ url: 'https://cdn.example/g.png' }]);
    assert.equal(polls.get('poll-drop-once'), 2);
  });

  test('a connection dropping on every poll ends at the deadline with what was under way and the job id', async () => {
    const e = await failure(job('poll-drop-always', { pollTimeoutMs: 1500 }));
    assert.equal(e.kind, 'network');
    assert.equal(e.provider, 'apiframe');
    assert.equal(e.jobId, 'poll-drop-always');
    assert.match(e.message, /while checking the job/);
    assert.match(e.message, /The job poll-drop-always may still finish/);
  });

  test('a poll that runs past the request deadline is polled through', async () => {
    const short = api.keep(new HttpClient({ deadlineMs: 400 }));
    const r = await job('poll-slow-once', { http: short });
    assert.deepEqual(r.images, [{ url: 'https://cdn.example/h.png' }]);
    assert.equal(polls.get('poll-slow-once'), 2);
  });

  test('cancelling during a poll in flight gives the plain cancellation, naming the job once', async () => {
    const stop = new AbortController();
    pollSeen.set('poll-hang', () => stop.abort());
    const e = await failure(job('poll-hang', { signal: stop.signal }));
    assert.equal(e.kind, 'cancelled');
    assert.equal(e.message, 'Generation cancelled. The apiframe job poll-hang may still finish (and be charged) at the provider.');
    assert.equal(e.cause, undefined);
  });

  test('a job not done by the deadline: a timeout naming the job, the time allowed and the setting', async () => {
    const e = await failure(job('never-done', { pollTimeoutMs: 600 }));
    assert.equal(e.kind, 'timeout');
    assert.equal(e.provider, 'apiframe');
    assert.equal(e.jobId, 'never-done');
    assert.equal(e.setting, POLL_TIMEOUT_SETTING);
    assert.equal(POLL_TIMEOUT_SETTING, 'fluxStudio.pollTimeoutSeconds');
    assert.match(e.message, /did not finish job never-done within 1 s/);
    assert.match(e.message, /\(fluxStudio\.pollTimeoutSeconds\)/);
  });

  test('without progress the polls come after 1 s, then 1.5 s more', async () => {
    await failure(job('cadence', { pollTimeoutMs: 3600 }));
    // 1 s, 2.5 s, then the 2.25 s wait is cut at the 3.6 s deadline.
    assert.equal(polls.get('cadence'), 3);
  });

  test('rising progress brings the next poll forward, and each percentage is reported', async () => {
    const percents: number[] = [];
    await failure(job('rising', { pollTimeoutMs: 3700, onProgress: (p) => p.phase === 'generating' && p.percent !== undefined && percents.push(p.percent) }));
    // 1 s, 2.5 s (10 → 90 % in 1.5 s: done in 0.2 s, so the minimum 0.5 s), 3 s, 3.5 s, then cut at 3.7 s;
    // at the cadence alone the next poll after 2.5 s would have waited 2.25 s, cut at the deadline: 3 polls.
    const n = polls.get('rising')!;
    assert.ok(n >= 4, `${n} polls`);
    assert.deepEqual(percents, [10, 90, 95, 97, 98, 99].slice(0, n));
  });
});
