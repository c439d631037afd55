/**
 * What a provider says on its way to a message or a log line (issue 11, items 2 and 6): a provider
 * that echoes the key gets it taken out of every FluxError and every log line at every level, and
 * a huge, multi-line text is one bounded line that cannot forge a line of the log. Against the fake
 * API on loopback, with both providers and the image download.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENTS, generate, type EngineOptions } from '../../src/core/engine';
import type { ProviderClient } from '../../src/core/providers/types';
import { TINY_PNG_BASE64 } from '../fake-api/images';
import { FluxError } from '../../src/core/errors';
import type { RetryPolicy } from '../../src/core/http';
import { oneLine, providerText, redact, redactingLogger, REDACTED } from '../../src/core/redact';
import { testLogger } from './testLogger';
import { KEY, useEngine } from './engineHarness';

const FAST: RetryPolicy = { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterS: 1 };

// KEY is the canary from test/host/canary.mjs when run by `npm run test:unit`: it must never be
// printed, so the assertions below say where the key was found, never the text that holds it.
const api = useEngine(50);

function opts(logger: EngineOptions['logger'], extra: Partial<EngineOptions> = {}): EngineOptions {
  return { http: api.client, logger, baseUrl: api.fake.baseUrl, apiKey: KEY, retry: FAST, ...extra };
}

async function failure(input: { model: string; prompt: string }, extra: Partial<EngineOptions> = {}): Promise<{ e: FluxError; lines: string[] }> {
  const { logger, lines } = testLogger();
  try {
    await generate(input, opts(logger, extra));
  } catch (e) {
    assert.ok(e instanceof FluxError, `expected a FluxError, got ${e instanceof Error ? e.name : typeof e}`);
    return { e, lines };
  }
  assert.fail('expected the generation to fail');
}

/** Every text of a FluxError a host could show or log. */
const textsOf = (e: FluxError): Record<string, string | undefined> => ({
  message: e.message,
  providerMessage: e.providerMessage,
  requestId: e.requestId,
  jobId: e.jobId,
});

/** Fails naming where the key is, without printing the text that holds it. */
function assertNoKey(e: FluxError, lines: readonly string[]): void {
  for (const [field, text] of Object.entries(textsOf(e))) assert.ok(!text?.includes(KEY), `the key is in the FluxError's ${field}`);
  const leaking = lines.filter((l) => l.includes(KEY)).map((l) => l.split(' ')[0]);
  assert.deepEqual(leaking, [], 'log lines (by level) that carry the key');
}

describe('the redactor', () => {
  test('takes out the exact key, Bearer tokens and afk_ keys, and leaves other text alone', () => {
    const key = 'sk-live-0123456789abcdef';
    assert.equal(redact(`Invalid API key provided: ${key}.`, key), `Invalid API key provided: ${REDACTED}.`);
    assert.equal(redact(`key=${encodeURIComponent('a b/c+d=e')}`, 'a b/c+d=e'), `key=${REDACTED}`);
    assert.equal(redact('Authorization: Bearer eyJhbGciOi.J9x_-~+/abc==', undefined), `Authorization: Bearer ${REDACTED}`);
    assert.equal(redact('header bearer%20abcdefgh12345678 sent', undefined), `header bearer ${REDACTED} sent`);
    assert.equal(redact('X-API-Key: afk_live_A1b2C3d4-e5 was refused', undefined), `X-API-Key: afk_${REDACTED} was refused`);
    assert.equal(redact('The model is under maintenance. Bearer auth needed.', key), 'The model is under maintenance. Bearer auth needed.');
    // A key too short to be one is not searched for (it would blank out words).
    assert.equal(redact('a cat sat', 'a'), 'a cat sat');
  });

  test('oneLine: newlines, controls and bidirectional marks become spaces; long text is cut with an ellipsis', () => {
    assert.equal(oneLine('first\r\nsecond\u2028third\u001b[31m\u202Eend\u0000'), 'first second third [31m end');
    const long = oneLine('word '.repeat(1000), 300);
    assert.ok(long.length <= 300 && long.endsWith('…'), `${long.length} characters`);
    // Never half a surrogate pair.
    const emoji = oneLine('😀'.repeat(400), 301);
    assert.doesNotMatch(emoji, /[\ud800-\udbff]…$/);
    // The key is taken out before the text is cut, so no part of it is left at the cut.
    const key = 'k'.repeat(40);
    assert.ok(!providerText(`${'x'.repeat(280)}${key}`, key).includes('kkkk'));
  });

  test('redactingLogger: every level, the key out, one line', () => {
    const { logger, lines } = testLogger();
    const r = redactingLogger(logger, KEY);
    r.trace(`t ${KEY}`);
    r.debug(`d Bearer ${KEY}`);
    r.info(`i\n2099-01-01 00:00:00.000 [error] FORGED ${KEY}`);
    r.warn(`w ${'x'.repeat(10_000)}`);
    r.error(`e afk_${KEY}`);
    assert.equal(lines.length, 5);
    assert.deepEqual(
      lines.map((l) => l.split(' ')[0]),
      ['trace', 'debug', 'info', 'warn', 'error'],
    );
    assert.ok(
      lines.every((l) => !l.includes(KEY)),
      'a line carries the key',
    );
    assert.ok(
      lines.every((l) => !/[\r\n]/.test(l)),
      'a line spans several lines',
    );
    assert.ok(lines.every((l) => l.length <= 2010));
  });
});

describe('a provider that echoes the key (item 2)', () => {
  test('the engine hands its providers a logger that takes the key out of every line, at every level', async () => {
    // The bug CONTRIBUTING.md plants ("a provider logs `Bearer ${apiKey}`"), planted in a stand-in client.
    const clients = CLIENTS as Record<string, ProviderClient>;
    const real = clients.aimlapi!;
    clients.aimlapi = {
      ...real,
      async run(_req, ctx) {
        for (const level of ['trace', 'debug', 'info', 'warn', 'error'] as const)
          ctx.logger[level](`sending Authorization: Bearer ${ctx.apiKey}\nFORGED line ${ctx.apiKey}`);
        return { images: [{ b64: TINY_PNG_BASE64 }] };
      },
    };
    try {
      const { logger, lines } = testLogger();
      await generate({ model: 'aimlapi:flux-pro/v1.1', prompt: 'a leaky provider' }, opts(logger));
      assert.ok(lines.filter((l) => l.includes('sending Authorization')).length === 5, 'each level was logged');
      assert.deepEqual(
        lines.filter((l) => l.includes(KEY)).map((l) => l.split(' ')[0]),
        [],
        'log lines (by level) that carry the key',
      );
      assert.ok(
        lines.every((l) => !/[\r\n]/.test(l)),
        'a log line spans several lines',
      );
    } finally {
      clients.aimlapi = real;
    }
  });

  test('AIML answers 401 "Invalid API key provided: Bearer <key>": the key is in no message and no log line', async () => {
    api.fake.queueFaults({ kind: 'status', status: 401, echoKey: true });
    const { e, lines } = await failure({ model: 'aimlapi:flux-pro/v1.1', prompt: 'an echoing provider' });
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /Invalid API key provided: Bearer \[redacted\]/, "the provider's words stay, without the key");
    assertNoKey(e, lines);
  });

  test('apiframe answers 401 with its X-API-Key echoed, at submit and while polling', async () => {
    api.fake.queueFaults({ kind: 'status', status: 401, echoKey: true });
    const submit = await failure({ model: 'apiframe:flux-1.1-pro', prompt: 'an echoing submit' });
    assert.equal(submit.e.kind, 'auth');
    assert.match(submit.e.message, /Invalid API key provided: \[redacted\]/);
    assertNoKey(submit.e, submit.lines);

    api.fake.queueFaults({ kind: 'status', status: 401, echoKey: true, phase: 'poll' });
    const poll = await failure({ model: 'apiframe:flux-1.1-pro', prompt: 'an echoing poll' });
    assert.equal(poll.e.kind, 'auth');
    assert.ok(poll.e.jobId, 'the job is named');
    assertNoKey(poll.e, poll.lines);
  });

  test('a failed apiframe job whose error repeats the key', async () => {
    api.fake.queueFaults({ kind: 'job', outcome: 'FAILED', error: `upstream refused x-key ${KEY}` });
    const { e, lines } = await failure({ model: 'apiframe:flux-1.1-pro', prompt: 'a failing job' });
    assert.equal(e.kind, 'server');
    assertNoKey(e, lines);
  });

  test('an image server whose content type repeats the key: not in the message, not in the log', async () => {
    // Not an image, labelled with the key: the message names the content type.
    api.fake.queueFaults({ kind: 'wrong-type', variant: 'html-as-image', contentType: `image/png; token=${KEY}` });
    const { e, lines } = await failure({ model: 'aimlapi:flux-pro/v1.1', prompt: 'a labelled page' });
    assert.equal(e.kind, 'bad-response');
    assert.match(e.message, /content type image\/png; token=\[redacted\]/);
    assertNoKey(e, lines);

    // An image labelled as something else: saved, with a warning in the log naming the label.
    api.fake.queueFaults({ kind: 'wrong-type', variant: 'image-as-html', contentType: `text/html; token=${KEY}` });
    const { logger, lines: okLines } = testLogger();
    const result = await generate({ model: 'aimlapi:flux-pro/v1.1', prompt: 'a mislabelled image' }, opts(logger));
    assert.equal(result.images.length, 1);
    assert.ok(
      okLines.some((l) => /^warn .*served as text\/html; token=\[redacted\]/.test(l)),
      'the warning is logged, without the key',
    );
    assert.ok(
      okLines.every((l) => !l.includes(KEY)),
      'a log line carries the key',
    );
  });
});

describe('huge, multi-line provider texts (item 6)', () => {
  const FORGE = '\n2099-01-01 00:00:00.000 [error] FORGED by the provider\n';
  const huge = `Generation failed${FORGE}${'A'.repeat(5 * 1024 * 1024)}`;

  function assertBounded(e: FluxError, lines: readonly string[]): void {
    for (const [field, text] of Object.entries(textsOf(e))) {
      if (text === undefined) continue;
      assert.doesNotMatch(text, /[\r\n\u0000-\u001f]/, `the FluxError's ${field} is one line`);
    }
    assert.ok(e.message.length < 1000, `the message is ${e.message.length} characters`);
    assert.ok((e.providerMessage ?? '').length <= 300, `the provider's message is ${(e.providerMessage ?? '').length} characters`);
    for (const l of lines) {
      assert.doesNotMatch(l, /[\r\n]/, 'a log line spans several lines');
      assert.ok(l.length <= 2010, `a log line of ${l.length} characters`);
    }
  }

  test("apiframe FAILED with a 5 MB, 3-line error: one bounded line in the message and the provider's message", async () => {
    api.fake.queueFaults({ kind: 'job', outcome: 'FAILED', error: huge });
    const { e, lines } = await failure({ model: 'apiframe:flux-1.1-pro', prompt: 'a huge failure' });
    assert.equal(e.kind, 'server');
    assert.match(e.message, /Generation failed 2099-01-01 00:00:00\.000 \[error\] FORGED by the provider A+…/);
    assertBounded(e, lines);
  });

  test('AIML 500 and apiframe 400 with 5 MB, 3-line texts', async () => {
    api.fake.queueFaults({ kind: 'status', status: 500, message: huge });
    const aiml = await failure({ model: 'aimlapi:flux-pro/v1.1', prompt: 'a huge AIML error' });
    assert.equal(aiml.e.kind, 'server');
    assertBounded(aiml.e, aiml.lines);

    api.fake.queueFaults({ kind: 'status', status: 400, message: huge });
    const af = await failure({ model: 'apiframe:flux-1.1-pro', prompt: 'a huge apiframe error' });
    assert.equal(af.e.kind, 'validation');
    assertBounded(af.e, af.lines);
  });
});

test('a body that fell silent: the message names the silence allowed (60 s by default), or says only that it stopped when unknown', async () => {
  const { transportError } = await import('../../src/core/providers/common');
  const { DEFAULTS } = await import('../../src/core/http');
  const silent = (silenceMs?: number) =>
    Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' }, silenceMs === undefined ? {} : { silenceMs });
  const byDefault = transportError(silent(DEFAULTS.bodyTimeoutMs), 'aimlapi', undefined, 'downloading the image');
  assert.equal(byDefault.kind, 'timeout');
  assert.match(byDefault.message, /stopped sending while downloading the image: nothing arrived for 60 s\. Try again\./);
  assert.match(transportError(silent(2500), 'apiframe', undefined, 'waiting').message, /nothing arrived for 3 s/);
  assert.match(transportError(silent(999), 'apiframe', undefined, 'waiting').message, /nothing arrived for 999 ms/);
  const unknown = transportError(silent(), 'aimlapi', undefined, 'waiting');
  assert.match(unknown.message, /stopped answering while waiting\. Try again\./);
  assert.doesNotMatch(unknown.message, /nothing arrived/);
});
