/**
 * src/core/errors.ts on its own: which kinds of FluxError are worth trying again by default, that an
 * explicit `retryable` wins either way, that the error keeps its name, cause and fields, what the
 * cancelled error says (the apiframe job id only when there is one), and throwIfAborted. Also the
 * core's silent logger (src/core/log.ts). Written from the mutants StrykerJS found alive
 * (npm run test:mutation, CONTRIBUTING.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cancelled, FluxError, type FluxErrorKind, isFluxError, throwIfAborted } from '../../src/core/errors';
import { silentLogger } from '../../src/core/log';

/** Every kind, and whether trying again later could help. */
const RETRYABLE: Record<FluxErrorKind, boolean> = {
  auth: false,
  credits: false,
  validation: false,
  moderation: false,
  cancelled: false,
  'bad-response': false,
  'rate-limit': true,
  timeout: true,
  network: true,
  server: true,
};
const KINDS = Object.keys(RETRYABLE) as FluxErrorKind[];

test('rate limits, time-outs, network and server errors are retryable by default; auth, credits, validation, moderation, cancelled and bad responses are not', () => {
  for (const kind of KINDS) {
    assert.equal(new FluxError({ kind, message: 'm' }).retryable, RETRYABLE[kind], kind);
  }
});

test('an explicit retryable overrides the default of every kind, in both directions', () => {
  for (const kind of KINDS) {
    assert.equal(new FluxError({ kind, message: 'm', retryable: true }).retryable, true, `${kind} made retryable`);
    assert.equal(new FluxError({ kind, message: 'm', retryable: false }).retryable, false, `${kind} made not retryable`);
  }
});

test('a FluxError is an Error named FluxError that keeps its message, its cause and every field it was given', () => {
  const cause = new Error('socket hang up');
  const e = new FluxError({
    kind: 'rate-limit',
    message: 'Too many requests.',
    provider: 'apiframe',
    providerMessage: 'slow down',
    requestId: 'req-1',
    status: 429,
    retryAfter: 7,
    jobId: 'job-9',
    setting: 'fluxStudio.requestTimeoutSeconds',
    cause,
  });
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'FluxError');
  assert.equal(String(e), 'FluxError: Too many requests.');
  assert.equal(e.message, 'Too many requests.');
  assert.equal(e.cause, cause);
  assert.deepEqual(
    [e.kind, e.provider, e.providerMessage, e.requestId, e.status, e.retryAfter, e.jobId, e.setting],
    ['rate-limit', 'apiframe', 'slow down', 'req-1', 429, 7, 'job-9', 'fluxStudio.requestTimeoutSeconds'],
  );
});

test('a FluxError given no cause has no cause property; any cause given, even null, is kept', () => {
  const none = new FluxError({ kind: 'server', message: 'm' });
  assert.equal(Object.hasOwn(none, 'cause'), false);
  assert.equal('cause' in none, false);
  assert.equal(Object.hasOwn(new FluxError({ kind: 'server', message: 'm', cause: undefined }), 'cause'), false);
  const withNull = new FluxError({ kind: 'server', message: 'm', cause: null });
  assert.equal(Object.hasOwn(withNull, 'cause'), true);
  assert.equal(withNull.cause, null);
  assert.equal(new FluxError({ kind: 'server', message: 'm', cause: 'text' }).cause, 'text');
});

test('isFluxError tells a FluxError from other errors and from look-alike objects', () => {
  assert.equal(isFluxError(new FluxError({ kind: 'auth', message: 'm' })), true);
  assert.equal(isFluxError(cancelled()), true);
  assert.equal(isFluxError(new Error('m')), false);
  assert.equal(isFluxError({ name: 'FluxError', kind: 'auth', message: 'm', retryable: false }), false);
  assert.equal(isFluxError(undefined), false);
  assert.equal(isFluxError('FluxError'), false);
});

test('cancelled names the apiframe job that may still be charged, and says only "Generation cancelled." otherwise', () => {
  const apiframe = cancelled('apiframe', 'job-123');
  assert.equal(apiframe.message, 'Generation cancelled. The apiframe job job-123 may still finish (and be charged) at the provider.');
  assert.deepEqual([apiframe.kind, apiframe.provider, apiframe.jobId, apiframe.retryable], ['cancelled', 'apiframe', 'job-123', false]);

  assert.equal(cancelled('apiframe').message, 'Generation cancelled.', 'apiframe before a job was started');
  assert.equal(cancelled('apiframe', '').message, 'Generation cancelled.', 'an empty job id is no job');
  const other = cancelled('aimlapi', 'job-123');
  assert.equal(other.message, 'Generation cancelled.', 'another provider has no apiframe job');
  assert.deepEqual([other.provider, other.jobId], ['aimlapi', 'job-123']);
  const bare = cancelled();
  assert.deepEqual([bare.message, bare.kind, bare.provider, bare.jobId], ['Generation cancelled.', 'cancelled', undefined, undefined]);
});

test('throwIfAborted does nothing without a signal or before the abort, and throws the cancelled error after it', () => {
  const controller = new AbortController();
  assert.doesNotThrow(() => throwIfAborted(undefined, 'apiframe', 'job-1'));
  assert.doesNotThrow(() => throwIfAborted(controller.signal, 'apiframe', 'job-1'));
  controller.abort();
  assert.throws(
    () => throwIfAborted(controller.signal, 'apiframe', 'job-1'),
    (e: unknown) => {
      assert.ok(isFluxError(e));
      assert.deepEqual([e.kind, e.provider, e.jobId, e.retryable], ['cancelled', 'apiframe', 'job-1', false]);
      assert.equal(e.message, 'Generation cancelled. The apiframe job job-1 may still finish (and be charged) at the provider.');
      return true;
    },
  );
  assert.throws(() => throwIfAborted(controller.signal), { name: 'FluxError', message: 'Generation cancelled.' });
});

test('the silent logger takes a line at every level and returns nothing', () => {
  for (const level of ['trace', 'debug', 'info', 'warn', 'error'] as const) {
    assert.equal(silentLogger[level](`a ${level} line`), undefined, level);
  }
});
