/**
 * An overall deadline per exchange (issue 11, item 5): a body that trickles one byte at a time is
 * never silent long enough for the silence time-out, so only a deadline on the whole exchange ends
 * it: an AIML generation, an apiframe poll answer and an image download. The deadline is the
 * client's `deadlineMs`, by default its `headersTimeoutMs` (what the host sets from
 * fluxStudio.requestTimeoutSeconds), and the message names that setting.
 *
 * The deadlines here are short so the tests end soon; nothing asserts how long anything took.
 * Each test has a generous `timeout` only so that a missing deadline fails instead of hanging.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeApi } from '../fake-api/server';
import { generate, type EngineOptions } from '../../src/core/engine';
import { FluxError } from '../../src/core/errors';
import { HttpClient, type RetryPolicy } from '../../src/core/http';
import { testLogger } from './testLogger';
import { useFakeApi } from './fakeApiHooks';

const FAST: RetryPolicy = { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterS: 1 };
const KEY = process.env.FLUX_TEST_KEY ?? 'test-key-123';
const HANG_GUARD = { timeout: 30_000 };

let fake: FakeApi;
const api = useFakeApi(50, (f) => {
  fake = f;
});

function clientWith(options: ConstructorParameters<typeof HttpClient>[0]): HttpClient {
  return api.keep(new HttpClient(options));
}

async function failure(input: { model: string; prompt: string }, extra: Partial<EngineOptions>): Promise<FluxError> {
  try {
    await generate(input, { http: clientWith({ deadlineMs: 300 }), logger: testLogger().logger, baseUrl: fake.baseUrl, apiKey: KEY, retry: FAST, ...extra });
  } catch (e) {
    assert.ok(e instanceof FluxError, `expected a FluxError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the generation to fail');
}

const NAMED = /did not finish within 0\.3 s \(fluxStudio\.requestTimeoutSeconds\)/;
// Where the exchanges before the trickling one must finish within the deadline (a download comes
// after the generation's answer), a deadline a loaded machine (or Stryker's instrumented code)
// keeps easily: the test must not depend on how fast the machine is.
const ROOMY_MS = 3_000;
const NAMED_ROOMY = /did not finish within 3 s \(fluxStudio\.requestTimeoutSeconds\)/;

test('an AIML answer that trickles is stopped at the deadline, naming the setting', HANG_GUARD, async () => {
  fake.queueFaults({ kind: 'trickle', everyMs: 20, phase: 'submit', provider: 'aimlapi' });
  const e = await failure({ model: 'aimlapi:flux-pro/v1.1', prompt: 'a trickling answer' }, {});
  assert.equal(e.kind, 'timeout', e.message);
  assert.match(e.message, /^The AIML API's answer while generating did not finish within/);
  assert.match(e.message, NAMED);
  // A synchronous generation that may have been charged is not sent again.
  assert.equal(fake.requests.filter((r) => r.phase === 'submit').length, 1);
});

test('an apiframe poll answer that trickles is stopped at each deadline; the wait ends with the job named', HANG_GUARD, async () => {
  fake.queueFaults({ kind: 'trickle', everyMs: 20, phase: 'poll', times: 'always' });
  const e = await failure({ model: 'apiframe:flux-1.1-pro', prompt: 'a trickling poll' }, { pollTimeoutMs: 1_000 });
  assert.equal(e.kind, 'timeout', e.message);
  assert.match(e.message, /checking the job did not finish within/);
  assert.match(e.message, NAMED);
  assert.ok(e.jobId && e.message.includes(e.jobId), 'the job is named');
  assert.ok(fake.requests.filter((r) => r.phase === 'poll').length >= 1);
});

test('an image download that trickles is stopped at the deadline', HANG_GUARD, async () => {
  fake.queueFaults({ kind: 'trickle', everyMs: 20 });
  const e = await failure({ model: 'aimlapi:flux-pro/v1.1', prompt: 'a trickling image' }, { http: clientWith({ deadlineMs: ROOMY_MS }) });
  assert.equal(e.kind, 'timeout', e.message);
  assert.match(e.message, /downloading the image did not finish within/);
  assert.match(e.message, NAMED_ROOMY);
});

test('without deadlineMs the deadline is headersTimeoutMs, the value the host gives from fluxStudio.requestTimeoutSeconds', HANG_GUARD, async () => {
  const client = clientWith({ headersTimeoutMs: ROOMY_MS });
  assert.equal(client.deadlineMs, ROOMY_MS);
  fake.queueFaults({ kind: 'trickle', everyMs: 20 });
  const e = await failure({ model: 'aimlapi:flux-pro/v1.1', prompt: 'a trickling image, default deadline' }, { http: client });
  assert.equal(e.kind, 'timeout', e.message);
  assert.match(e.message, /downloading the image did not finish within/);
  assert.match(e.message, NAMED_ROOMY);
});
