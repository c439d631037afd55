/**
 * What both provider clients share (src/core/providers/common.ts): a transport failure mapped to
 * one typed FluxError whose message says what went wrong and what to do (the host that could not
 * be found, the setting to change, the job id kept), an HTTP error answer mapped by its status and
 * the provider's own words, and exchangeJson's bounds on the answer, against the fake API on loopback.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FluxError } from '../../src/core/errors';
import { DeadlineError, REQUEST_TIMEOUT_SETTING } from '../../src/core/http';
import { errorFromStatus, exchangeJson, transportError } from '../../src/core/providers/common';
import type { ProviderContext } from '../../src/core/providers/types';
import { testLogger } from './testLogger';
import { KEY, useEngine } from './engineHarness';

const api = useEngine(50);

/** A transport error as undici and Node throw it: a code, maybe a host name, maybe a cause. */
function coded(code: string | undefined, extra: Record<string, unknown> = {}, message = 'transport failed'): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code }, extra);
}

const aiml = (e: unknown, jobId?: string) => transportError(e, 'aimlapi', undefined, 'generating', jobId);

describe('transportError', () => {
  test('a FluxError passes through unchanged, and an aborted signal gives the cancelled error naming the apiframe job', () => {
    const own = new FluxError({ kind: 'server', message: 'x' });
    assert.equal(aiml(own), own);
    const ac = new AbortController();
    ac.abort();
    const e = transportError(coded('ECONNRESET'), 'apiframe', ac.signal, 'polling', 'job-7');
    assert.equal(e.kind, 'cancelled');
    assert.match(e.message, /job-7/);
  });

  test('every mapped error keeps the thrown error as its cause and the apiframe job id it was about', () => {
    const thrown = coded('ECONNRESET');
    const e = transportError(thrown, 'apiframe', undefined, 'polling', 'job-42');
    assert.equal(e.jobId, 'job-42');
    assert.equal(e.cause, thrown);
    assert.equal(e.provider, 'apiframe');
    assert.equal(aiml(thrown).jobId, undefined);
  });

  test('a deadline names the limit in whole seconds, or to one decimal, and the setting that raises it', () => {
    const whole = aiml(Object.assign(new Error('aborted'), { cause: new DeadlineError(30_000) }));
    assert.equal(whole.kind, 'timeout');
    assert.equal(whole.setting, REQUEST_TIMEOUT_SETTING);
    assert.match(whole.message, /did not finish within 30 s \(fluxStudio\.requestTimeoutSeconds\)/);
    assert.match(aiml(new DeadlineError(1234)).message, /within 1\.2 s /);
    assert.match(aiml(new DeadlineError(1500)).message, /within 1\.5 s /);
  });

  test('a connect time-out is a network error that points at the network or proxy settings', () => {
    const e = aiml(coded('UND_ERR_CONNECT_TIMEOUT'));
    assert.equal(e.kind, 'network');
    assert.equal(e.message, 'Could not connect to the AIML API in time while generating. Check your network or proxy settings and try again.');
  });

  test('a refused connection points at the base URL and proxy settings', () => {
    const e = aiml(coded('ECONNREFUSED'));
    assert.equal(e.kind, 'network');
    assert.match(e.message, /AIML API refused the connection while generating\. Check the base URL and proxy settings/);
  });

  test('a failed DNS lookup (ENOTFOUND or EAI_AGAIN) names the host and the base URL setting of the provider', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const e = transportError(coded(code, { hostname: 'api.example.test' }), 'apiframe', undefined, 'polling');
      assert.equal(e.kind, 'network', code);
      assert.equal(e.setting, 'fluxStudio.apiframe.baseUrl', code);
      assert.equal(
        e.message,
        'The host api.example.test could not be found (DNS) while polling with the apiframe. Check your network connection, and the base URL in fluxStudio.apiframe.baseUrl.',
        code,
      );
    }
  });

  test('without a host name anywhere, a failed lookup still says the address could not be found', () => {
    const e = aiml(coded('ENOTFOUND'));
    assert.equal(e.kind, 'network');
    assert.equal(e.setting, 'fluxStudio.aimlapi.baseUrl');
    assert.equal(e.message, "The AIML API's address could not be found while generating. Check your network connection and the base URL.");
  });

  test("the host comes from getaddrinfo's message when the error has no host name field", () => {
    const e = aiml(coded('ENOTFOUND', {}, 'getaddrinfo ENOTFOUND cdn.example.test'));
    assert.match(e.message, /^The host cdn\.example\.test could not be found \(DNS\)/);
    const again = aiml(coded('EAI_AGAIN', {}, 'getaddrinfo EAI_AGAIN api-2.example.test'));
    assert.match(again.message, /^The host api-2\.example\.test could not be found/);
  });

  test('a host name field that is not a plain host name is not repeated; the one in the message is used instead', () => {
    for (const hostname of ['bad host', 'line\nbreak.example', 'a'.repeat(254), 42]) {
      const e = aiml(coded('ENOTFOUND', { hostname }, 'getaddrinfo ENOTFOUND good.example.test'));
      assert.match(e.message, /^The host good\.example\.test could not be found/, JSON.stringify(hostname));
    }
    assert.match(aiml(coded('ENOTFOUND', { hostname: 'a'.repeat(253) })).message, new RegExp(`^The host a{253} could not`));
    assert.match(aiml(coded('ENOTFOUND', { hostname: 'bad host' })).message, /^The AIML API's address could not be found/);
  });

  test('the host is searched down the cause chain, four errors deep and no deeper', () => {
    const chain = (depth: number) => {
      let cur: Error = coded(undefined, { hostname: 'deep.example.test' });
      for (let i = 1; i < depth; i++) cur = Object.assign(new Error('wrapped'), { cause: cur });
      return Object.assign(cur, { code: 'ENOTFOUND' });
    };
    assert.match(aiml(chain(4)).message, /^The host deep\.example\.test could not be found/);
    assert.match(aiml(chain(5)).message, /^The AIML API's address could not be found/);
    // A chain that ends in null is walked to its end without failing.
    assert.match(aiml(coded('ENOTFOUND', { cause: null })).message, /address could not be found/);
  });

  test('headers that never came are a time-out that names the request time-out setting', () => {
    const e = aiml(coded('UND_ERR_HEADERS_TIMEOUT'));
    assert.equal(e.kind, 'timeout');
    assert.equal(e.setting, REQUEST_TIMEOUT_SETTING);
    assert.match(e.message, /stopped answering while generating: no answer within the time fluxStudio\.requestTimeoutSeconds allows/);
  });

  test('a body that fell silent says for how long: milliseconds under a second, whole seconds from one second on', () => {
    const silent = (silenceMs?: number) => aiml(coded('UND_ERR_BODY_TIMEOUT', silenceMs === undefined ? {} : { silenceMs })).message;
    assert.match(silent(999), /nothing arrived for 999 ms\./);
    assert.match(silent(1000), /nothing arrived for 1 s\./);
    assert.match(silent(60_000), /nothing arrived for 60 s\./);
    assert.equal(silent(), 'The AIML API stopped answering while generating. Try again.');
    assert.equal(aiml(coded('UND_ERR_BODY_TIMEOUT')).kind, 'timeout');
  });

  test('a socket closed mid-answer (UND_ERR_SOCKET, ECONNRESET, EPIPE) says the connection was closed before the answer was complete', () => {
    for (const code of ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']) {
      const e = aiml(coded(code));
      assert.equal(e.kind, 'network', code);
      assert.equal(e.message, 'The connection to the AIML API was closed while generating, before the answer was complete. Try again.', code);
    }
  });

  test('an answer shorter than its declared length says it was cut short', () => {
    const e = aiml(coded('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'));
    assert.equal(e.kind, 'network');
    assert.equal(e.message, 'The connection to the AIML API ended early while generating (the answer was cut short). Try again.');
  });

  test('any other failure is a network error that names its code, and says nothing in brackets when there is none', () => {
    const withCode = aiml(coded('EHOSTUNREACH'));
    assert.equal(withCode.kind, 'network');
    assert.equal(withCode.message, 'The connection to the AIML API failed while generating (EHOSTUNREACH). Try again.');
    const without = aiml(new Error('boom'));
    assert.equal(without.kind, 'network');
    assert.equal(without.message, 'The connection to the AIML API failed while generating. Try again.');
  });
});

describe('errorFromStatus', () => {
  const fromStatus = (status: number, json: unknown, headers: Record<string, string> = {}) => errorFromStatus('aimlapi', status, json, headers, KEY);

  test('an answer with no body, a null body or a text body still maps by status, with none of the provider words', () => {
    for (const json of [undefined, null, 'Bad Gateway']) {
      const e = fromStatus(502, json);
      assert.equal(e.kind, 'server');
      assert.equal(e.message, 'The AIML API had a server problem (HTTP 502). Try again later.');
      assert.equal(e.providerMessage, undefined);
    }
  });

  test("the provider's message is quoted exactly after a colon, from `message` or else `error`, never from an object", () => {
    assert.equal(fromStatus(400, { message: 'Prompt too long' }).message, 'The AIML API refused the request (HTTP 400: Prompt too long).');
    assert.equal(fromStatus(400, { error: 'Bad size' }).providerMessage, 'Bad size');
    const nested = fromStatus(400, { error: { message: 'nested' } });
    assert.equal(nested.providerMessage, undefined);
    assert.equal(nested.message, 'The AIML API refused the request (HTTP 400).');
  });

  test('the request id comes from the body when it is a string, else from the x-request-id header', () => {
    assert.equal(fromStatus(500, { message: 'x', requestId: 'req-body' }, { 'x-request-id': 'req-header' }).requestId, 'req-body');
    assert.equal(fromStatus(500, { message: 'x', requestId: 42 }, { 'x-request-id': 'req-header' }).requestId, 'req-header');
    assert.equal(fromStatus(500, { message: 'x' }, { 'x-request-id': 'req-header' }).requestId, 'req-header');
    assert.equal(fromStatus(500, { message: 'x' }).requestId, undefined);
  });

  test('field details are listed as "field: a, b; other: c" after the message', () => {
    const e = fromStatus(422, { message: 'Invalid input', details: { width: ['must be at most 2048', 'must be a multiple of 32'], steps: 80 } });
    assert.equal(e.kind, 'validation');
    assert.equal(e.message, 'The AIML API refused the request (HTTP 422: Invalid input (width: must be at most 2048, must be a multiple of 32; steps: 80)).');
  });

  test('an `errors` list is used when `details` is not an object: strings as they are, objects as JSON', () => {
    const e = fromStatus(400, { message: 'Invalid', details: 'see errors', errors: ['prompt is required', { field: 'seed' }] });
    assert.equal(e.message, 'The AIML API refused the request (HTTP 400: Invalid (prompt is required; {"field":"seed"})).');
  });

  test('an error nested too deep to print becomes "(unreadable)" instead of failing', () => {
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = { x: deep };
    const e = fromStatus(400, { message: 'Invalid', errors: ['first', deep] });
    assert.equal(e.message, 'The AIML API refused the request (HTTP 400: Invalid (first; (unreadable))).');
  });

  test('a 429 says how long the provider asks to wait only when it sent Retry-After', () => {
    const asked = fromStatus(429, { message: 'slow down' }, { 'retry-after': '2.5' });
    assert.equal(asked.kind, 'rate-limit');
    assert.equal(asked.retryAfter, 2.5);
    assert.match(asked.message, /asks to wait 3 s\./);
    const plain = fromStatus(429, { message: 'slow down' });
    assert.equal(plain.kind, 'rate-limit');
    assert.equal(plain.retryAfter, undefined);
    assert.equal(plain.message, 'The AIML API is limiting requests (HTTP 429). Wait a moment and try again.');
  });

  test('a 400 or 422 whose message or details speak of moderation is a moderation refusal; other statuses are not', () => {
    for (const status of [400, 422]) {
      const e = fromStatus(status, { message: 'Your prompt was flagged by the safety filter' });
      assert.equal(e.kind, 'moderation', String(status));
      assert.match(e.message, /refused the prompt by its content policy: Your prompt was flagged/);
    }
    const inDetails = fromStatus(400, { message: 'Invalid input', details: { prompt: 'NSFW content detected' } });
    assert.equal(inDetails.kind, 'moderation');
    assert.equal(fromStatus(409, { message: 'flagged by the content policy' }).kind, 'validation');
    assert.equal(fromStatus(500, { message: 'moderation service down' }).kind, 'server');
    assert.equal(fromStatus(400, {}).kind, 'validation');
  });

  test('a 409 is a refused request, not an unexpected answer', () => {
    const e = fromStatus(409, { message: 'Duplicate request' });
    assert.equal(e.kind, 'validation');
    assert.equal(e.message, 'The AIML API refused the request (HTTP 409: Duplicate request).');
  });

  test("a 404 is a bad response that points at the provider's base URL setting", () => {
    const e = fromStatus(404, { message: 'Cannot POST /v2/images' });
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.status, 404);
    assert.equal(e.message, "The AIML API answered 404 Not Found: Cannot POST /v2/images. Check the provider's base URL setting.");
  });

  test('a 504 is a time-out and other 5xx a server problem; a status below 500 that nothing expects is an unexpected answer', () => {
    assert.equal(fromStatus(504, {}).kind, 'timeout');
    assert.equal(fromStatus(500, {}).kind, 'server');
    const odd = fromStatus(418, { message: "I'm a teapot" });
    assert.equal(odd.kind, 'bad-response');
    assert.equal(odd.message, "The AIML API answered with an unexpected HTTP 418: I'm a teapot.");
    const redirect = fromStatus(307, undefined);
    assert.equal(redirect.kind, 'bad-response');
    assert.equal(redirect.message, 'The AIML API answered with an unexpected HTTP 307.');
  });
});

describe('exchangeJson against the fake API', () => {
  function ctx(extra: Partial<ProviderContext> = {}): { ctx: ProviderContext; lines: string[] } {
    const { logger, lines } = testLogger();
    return { ctx: { http: api.client, baseUrl: api.fake.baseUrl, apiKey: KEY, logger, ...extra }, lines };
  }

  const generation = (prompt: string) => ({
    method: 'POST' as const,
    url: `${api.fake.baseUrl}/v1/images/generations`,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ model: 'flux/schnell', prompt }),
  });

  test('any 2xx answer is a success, 299 included, and a 300 is an error', async () => {
    const ok = await exchangeJson(ctx().ctx, 'aimlapi', generation('a cat [[fault:299]]'), 'generating');
    assert.equal(ok.status, 299);
    assert.ok(ok.json && typeof ok.json === 'object');
    api.fake.queueFaults({ kind: 'bad-answer', variant: 'json-error', status: 300 });
    await assert.rejects(exchangeJson(ctx().ctx, 'aimlapi', generation('a dog'), 'generating'), (e: unknown) => {
      assert.ok(e instanceof FluxError);
      assert.equal(e.kind, 'bad-response');
      assert.equal(e.status, 300);
      return true;
    });
  });

  test('an answer whose declared length is exactly the limit is read; one byte more than the limit is refused', async () => {
    const url = `${api.fake.baseUrl}/__control/faults`;
    const first = ctx();
    await exchangeJson(first.ctx, 'aimlapi', { method: 'GET', url }, 'checking');
    const size = Number(/, (\d+) bytes/.exec(first.lines.join('\n'))?.[1]);
    assert.ok(size > 0, 'the size of the answer is logged');
    const exact = await exchangeJson(ctx({ maxJsonBytes: size }).ctx, 'aimlapi', { method: 'GET', url }, 'checking');
    assert.equal(exact.status, 200);
    await assert.rejects(exchangeJson(ctx({ maxJsonBytes: size - 1 }).ctx, 'aimlapi', { method: 'GET', url }, 'checking'), (e: unknown) => {
      assert.ok(e instanceof FluxError);
      assert.equal(e.kind, 'bad-response');
      assert.match(e.message, /answer while checking was larger than 0 MB and was refused/);
      return true;
    });
  });

  test('a 2xx answer that is not JSON is a bad response that names its content type and keeps the request id, with no key in any line', async () => {
    api.fake.queueFaults({ kind: 'wrong-type', variant: 'html-as-image', phase: 'submit', provider: 'aimlapi' });
    const { ctx: c, lines } = ctx();
    await assert.rejects(exchangeJson(c, 'aimlapi', generation('a bird'), 'generating'), (e: unknown) => {
      assert.ok(e instanceof FluxError);
      assert.equal(e.kind, 'bad-response');
      assert.equal(e.status, 200);
      assert.ok(e.requestId, 'the request id of the answer is kept');
      assert.equal(e.message, 'The AIML API answered generating with something that is not JSON (application/json; charset=utf-8). Try again later.');
      return true;
    });
    assert.ok(lines.length > 0);
    assert.deepEqual(
      lines.filter((l) => l.includes(KEY)).map((l) => l.split(' ')[0]),
      [],
      'log lines (by level) that carry the key',
    );
  });
});
