/**
 * apiframe job ids (issue 11, item 9): the id the submit answers with goes into the poll URL with
 * the key, so an id that is not a job id (`..` made the poll `GET /v2/` with the key) is refused
 * with a clear FluxError and nothing more is sent; a good one is one encoded path segment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from '../../src/core/engine';
import { FluxError } from '../../src/core/errors';
import type { RetryPolicy } from '../../src/core/http';
import { jobUrl, JOB_ID } from '../../src/core/providers/apiframe';
import { testLogger } from './testLogger';
import { KEY, useEngine } from './engineHarness';

const FAST: RetryPolicy = { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterS: 1 };

const api = useEngine(50);

test('job ids that are not job ids are refused; only the submit was sent, the key went nowhere else', async () => {
  const bad = ['..', '.', '../../v1/images/generations', 'a/b', '%2e%2e', 'job?x=1', 'job#frag', 'two words', 'x'.repeat(129), `ends-with-key-${KEY}/..`];
  for (const jobId of bad) {
    api.fake.reset();
    api.fake.queueFaults({ kind: 'job', jobId });
    let e: unknown;
    try {
      await generate(
        { model: 'apiframe:flux-1.1-pro', prompt: 'a crafted job id' },
        { http: api.client, logger: testLogger().logger, baseUrl: api.fake.baseUrl, apiKey: KEY, retry: FAST },
      );
    } catch (err) {
      e = err;
    }
    assert.ok(e instanceof FluxError, `${JSON.stringify(jobId.slice(0, 40))}: expected a FluxError, got ${e instanceof Error ? e.message : String(e)}`);
    assert.equal(e.kind, 'bad-response', e.message);
    assert.match(
      e.message,
      /^apiframe answered with a job id that is not one \(.*\): a job id is 1 to 128 letters, digits, "-" or "_"\. The job was not checked on/,
    );
    assert.ok(!e.message.includes(KEY), 'the key is in the message');
    assert.deepEqual(
      api.fake.requests.map((r) => `${r.method} ${r.path}`),
      ['POST /v2/images/generate'],
      `${JSON.stringify(jobId.slice(0, 40))}: nothing but the submit was sent`,
    );
  }
});

test('a good job id is one path segment under /v2/jobs/ of the base URL, with or without a path', () => {
  assert.equal(jobUrl('https://api.apiframe.ai', '3f1c-AB_9'), 'https://api.apiframe.ai/v2/jobs/3f1c-AB_9');
  assert.equal(jobUrl('https://gw.example/apiframe/', '3f1c'), 'https://gw.example/apiframe/v2/jobs/3f1c');
  for (const id of ['', '..', 'a/b', 'a%2Fb', 'x'.repeat(129)]) assert.equal(jobUrl('https://api.apiframe.ai', id), undefined, JSON.stringify(id));
  // The fake's (and apiframe's) UUIDs pass.
  assert.match('0b6f8c1e-9d2a-4f53-8e7b-2c4d5e6f7a8b', JOB_ID);
});

test('a normal job is still polled at its own path', async () => {
  const r = await generate(
    { model: 'apiframe:flux-1.1-pro', prompt: 'a normal job' },
    { http: api.client, logger: testLogger().logger, baseUrl: api.fake.baseUrl, apiKey: KEY, retry: FAST },
  );
  assert.equal(r.images.length, 1);
  const polls = api.fake.requests.filter((x) => x.phase === 'poll');
  assert.ok(polls.length >= 1);
  for (const p of polls) assert.equal(p.path, `/v2/jobs/${r.jobId}`);
});
