/**
 * The transport's pure parts: Retry-After parsing, backoff, the retry loop, the image URL guard
 * and the "whole file" check.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import v8 from 'node:v8';
import vm from 'node:vm';
import { testLogger } from './testLogger';
import { checkImageUrl } from '../../src/core/download';
import { isComplete } from '../../src/core/image';
import { cancelled, FluxError, type FluxErrorKind } from '../../src/core/errors';
import { backoffMs, DEFAULT_RETRY, errorCode, parseRetryAfter, readBody, sleep, surelyNotSent, withRetry, type RetryPolicy } from '../../src/core/http';

/** A full garbage collection on demand (the flag set at run time, as node --expose-gc would). */
function forcedGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const FAST: RetryPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterS: 5 };

const err = (kind: FluxErrorKind, extra: { retryAfter?: number; status?: number } = {}) => new FluxError({ kind, message: `a ${kind} error`, ...extra });
const always = () => true;
/** Let pending promise callbacks and I/O run (setImmediate is never mocked here). */
const settle = () => new Promise<void>((r) => setImmediate(r));
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await settle();
}

// ---- parseRetryAfter ------------------------------------------------------------------------------

describe('parseRetryAfter', () => {
  test('seconds, whole and fractional, with spaces', () => {
    assert.equal(parseRetryAfter('0'), 0);
    assert.equal(parseRetryAfter('3'), 3);
    assert.equal(parseRetryAfter(' 120 '), 120);
    assert.equal(parseRetryAfter('1.5'), 1.5);
  });

  test('an HTTP date, relative to now', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now), 30);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now), 120);
  });

  test('a date in the past means no wait', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now), 0);
  });

  test('absent or unreadable values give undefined', () => {
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter(''), undefined);
    assert.equal(parseRetryAfter('   '), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter('1e3x'), undefined);
  });

  test('never negative', () => {
    for (const v of ['-5', '-1.5', 'Thu, 01 Jan 1970 00:00:00 GMT']) {
      const got = parseRetryAfter(v, Date.now());
      assert.ok(got === undefined || got >= 0, `${v} → ${got}`);
    }
  });
});

// ---- backoffMs ------------------------------------------------------------------------------------

describe('backoffMs', () => {
  const policy: RetryPolicy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterS: 60 };

  test('full jitter between half and all of the exponential ceiling', () => {
    assert.equal(
      backoffMs(policy, 1, () => 0),
      50,
    );
    assert.equal(
      backoffMs(policy, 1, () => 0.999999),
      100,
    );
    assert.equal(
      backoffMs(policy, 2, () => 0),
      100,
    );
    assert.equal(
      backoffMs(policy, 2, () => 0.999999),
      200,
    );
    assert.equal(
      backoffMs(policy, 3, () => 0.5),
      300,
    );
  });

  test('bounded for every retry and random value, capped at maxDelayMs', () => {
    for (let retry = 1; retry <= 30; retry++) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
      for (const r of [0, 0.1, 0.5, 0.9, 0.999999]) {
        const d = backoffMs(policy, retry, () => r);
        assert.ok(d >= ceiling / 2 && d <= ceiling, `retry ${retry}, random ${r}: ${d} not in [${ceiling / 2}, ${ceiling}]`);
        assert.ok(d <= policy.maxDelayMs);
        assert.ok(Number.isInteger(d));
      }
    }
    assert.equal(
      backoffMs(policy, 50, () => 0.999999),
      policy.maxDelayMs,
      'a large retry number does not overflow the cap',
    );
  });

  test('jittered: different random draws give different delays', () => {
    const seen = new Set(Array.from({ length: 50 }, () => backoffMs(policy, 4)));
    assert.ok(seen.size > 5, `only ${seen.size} distinct delays`);
    for (const d of seen) assert.ok(d >= 400 && d <= 800);
  });

  test('the default policy is sane', () => {
    assert.ok(DEFAULT_RETRY.attempts >= 2 && DEFAULT_RETRY.attempts <= 6);
    assert.ok(DEFAULT_RETRY.baseDelayMs > 0 && DEFAULT_RETRY.baseDelayMs <= DEFAULT_RETRY.maxDelayMs);
    assert.ok(DEFAULT_RETRY.maxRetryAfterS >= 10);
  });
});

// ---- withRetry ------------------------------------------------------------------------------------

describe('withRetry', () => {
  test('returns the first success without retrying', async () => {
    let calls = 0;
    const v = await withRetry(
      async (n) => {
        calls++;
        return n * 10;
      },
      always,
      { policy: FAST, label: 't' },
    );
    assert.equal(v, 10);
    assert.equal(calls, 1);
  });

  test('retries a retryable error and passes the attempt number', async () => {
    const seen: number[] = [];
    const v = await withRetry(
      async (n) => {
        seen.push(n);
        if (n < 3) throw err('server', { status: 503 });
        return 'ok';
      },
      (e) => e.kind === 'server',
      { policy: FAST, label: 't' },
    );
    assert.equal(v, 'ok');
    assert.deepEqual(seen, [1, 2, 3]);
  });

  test('stops at once on an error shouldRetry refuses', async () => {
    let calls = 0;
    const e = err('auth', { status: 401 });
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw e;
        },
        (x) => x.kind !== 'auth',
        { policy: FAST, label: 't' },
      ),
      (x) => x === e,
    );
    assert.equal(calls, 1);
  });

  test('never retries cancellation, nor an error that is not a FluxError', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw cancelled('aimlapi');
        },
        always,
        { policy: FAST, label: 't' },
      ),
      (x: unknown) => x instanceof FluxError && x.kind === 'cancelled',
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw new TypeError('bug');
        },
        always,
        { policy: FAST, label: 't' },
      ),
      TypeError,
    );
    assert.equal(calls, 1);
  });

  test('gives up after policy.attempts, with the last error', async () => {
    let calls = 0;
    const warnings: string[] = [];
    const { logger: all } = testLogger();
    const logger = {
      ...all,
      warn: (m: string) => {
        all.warn(m);
        warnings.push(m);
      },
    };
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw err('rate-limit', { status: 429 });
        },
        always,
        { policy: FAST, label: 'unit', logger },
      ),
      (x: unknown) => x instanceof FluxError && x.kind === 'rate-limit',
    );
    assert.equal(calls, FAST.attempts);
    assert.equal(warnings.length, FAST.attempts - 1);
    assert.match(warnings[0]!, /^unit: rate-limit \(HTTP 429\); retry 1 of 3 in \d+ ms$/);
  });

  test('attempts: 1 means no retry', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw err('server');
        },
        always,
        { policy: { ...FAST, attempts: 1 }, label: 't' },
      ),
    );
    assert.equal(calls, 1);
  });

  test('the delay is jittered backoff within the policy', async () => {
    const { logger, lines } = testLogger();
    const policy = { attempts: 3, baseDelayMs: 40, maxDelayMs: 60, maxRetryAfterS: 5 };
    await assert.rejects(
      withRetry(
        async () => {
          throw err('server');
        },
        always,
        { policy, label: 't', logger },
      ),
    );
    const delays = lines.filter((l) => l.startsWith('warn ')).map((l) => Number(/in (\d+) ms$/.exec(l)![1]));
    assert.equal(delays.length, 2);
    assert.ok(delays[0]! >= 20 && delays[0]! <= 40, `first delay ${delays[0]}`); // ceiling 40: 20..40
    assert.ok(delays[1]! >= 30 && delays[1]! <= 60, `second delay ${delays[1]}`); // ceiling min(60, 80): 30..60
    // The bounds themselves, with the randomness pinned.
    assert.deepEqual([backoffMs(policy, 1, () => 0), backoffMs(policy, 1, () => 1)], [20, 40]);
    assert.deepEqual([backoffMs(policy, 2, () => 0), backoffMs(policy, 2, () => 1)], [30, 60]);
    assert.deepEqual([backoffMs(policy, 9, () => 0), backoffMs(policy, 9, () => 1)], [30, 60]);
  });

  test('honours retryAfter instead of the backoff', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { logger, lines } = testLogger();
    let calls = 0;
    const run = withRetry(
      async (n) => {
        calls++;
        if (n === 1) throw err('rate-limit', { status: 429, retryAfter: 0.3 });
        return 'ok';
      },
      always,
      { policy: FAST, label: 't', logger },
    );
    await until(() => lines.some((l) => l.startsWith('warn ')));
    assert.match(
      lines.find((l) => l.startsWith('warn '))!,
      /in 300 ms$/,
    );
    t.mock.timers.tick(299);
    await settle();
    assert.equal(calls, 1, 'not retried before the 300 ms Retry-After');
    t.mock.timers.tick(1);
    assert.equal(await run, 'ok');
    assert.equal(calls, 2);
  });

  test('gives up at once when Retry-After exceeds maxRetryAfterS', async () => {
    let calls = 0;
    const { logger, lines } = testLogger();
    const e = err('rate-limit', { status: 429, retryAfter: 6 });
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw e;
        },
        always,
        { policy: FAST, label: 't', logger },
      ),
      (x) => x === e,
    );
    assert.equal(calls, 1);
    assert.deepEqual(
      lines.filter((l) => l.startsWith('warn ')),
      [],
      'no retry was scheduled',
    );
  });

  test('Retry-After equal to maxRetryAfterS is still waited for', async () => {
    let calls = 0;
    await withRetry(
      async (n) => {
        calls++;
        if (n === 1) throw err('rate-limit', { retryAfter: 0.05 });
        return 1;
      },
      always,
      { policy: { ...FAST, maxRetryAfterS: 0.05 }, label: 't' },
    );
    assert.equal(calls, 2);
  });

  test('an abort during the wait ends it at once with cancelled', async (t) => {
    // The clock is frozen: the 4 s wait can only end by the abort.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const ac = new AbortController();
    const { logger, lines } = testLogger();
    let calls = 0;
    const run = withRetry(
      async () => {
        calls++;
        throw err('rate-limit', { retryAfter: 4 });
      },
      always,
      { policy: FAST, signal: ac.signal, provider: 'apiframe', label: 't', logger },
    );
    await until(() => lines.some((l) => l.startsWith('warn ')));
    await settle(); // the wait has begun
    ac.abort();
    await assert.rejects(run, (x: unknown) => x instanceof FluxError && x.kind === 'cancelled');
    assert.equal(calls, 1);
  });
});

// ---- sleep and transport helpers ------------------------------------------------------------------

describe('sleep and transport error codes', () => {
  test('sleep resolves after the time, or rejects with cancelled (naming the job) when aborted', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let done = false;
    const s = sleep(30).then(() => (done = true));
    t.mock.timers.tick(29);
    await settle();
    assert.equal(done, false, 'not before 30 ms');
    t.mock.timers.tick(1);
    await s;
    assert.equal(done, true);
    await assert.rejects(
      sleep(10, AbortSignal.abort(), 'apiframe', 'job-1'),
      (e: unknown) => e instanceof FluxError && e.kind === 'cancelled' && e.jobId === 'job-1' && /job-1 may still finish/.test(e.message),
    );
    const ac = new AbortController();
    const long = sleep(5000, ac.signal); // never ticked: only the abort can end it
    await settle();
    ac.abort();
    await assert.rejects(long, (e: unknown) => e instanceof FluxError && e.kind === 'cancelled');
  });

  test('errorCode walks the cause chain; surelyNotSent only for codes that prove it', () => {
    const inner = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const outer = new Error('fetch failed', { cause: inner });
    assert.equal(errorCode(outer), 'ECONNREFUSED');
    assert.equal(surelyNotSent(outer), true);
    assert.equal(surelyNotSent(Object.assign(new Error('x'), { code: 'ENOTFOUND' })), true);
    assert.equal(surelyNotSent(Object.assign(new Error('x'), { code: 'ECONNRESET' })), false, 'a reset may come after the server saw the request');
    assert.equal(surelyNotSent(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })), false);
    assert.equal(surelyNotSent(new Error('no code')), false);
    assert.equal(errorCode('text'), undefined);
  });
});

// ---- checkImageUrl ----------------------------------------------------------------------------------

describe('checkImageUrl', () => {
  const ok = (url: string, loop = false) => assert.equal(checkImageUrl(url, loop), undefined, `${url} (loopback ${loop}) should pass`);
  const no = (url: string, loop: boolean, why: RegExp) => {
    const reason = checkImageUrl(url, loop);
    assert.ok(reason, `${url} (loopback ${loop}) should be refused`);
    assert.match(reason, why);
  };

  test('https on public hosts is allowed', () => {
    ok('https://cdn.aimlapi.com/images/abc.png');
    ok('https://cdn.aimlapi.com:8443/a.jpg?sig=1&x=2');
    ok('https://8.8.8.8/x.png');
    ok('https://172.32.0.1/x.png', false);
    ok('https://[2606:4700::1111]/x.png');
    ok('HTTPS://CDN.EXAMPLE.COM/X.PNG');
  });

  test('plain http only to loopback, and only when loopback is allowed', () => {
    ok('http://127.0.0.1:4010/files/a.png', true);
    ok('http://localhost:4010/files/a.png', true);
    ok('http://[::1]:4010/files/a.png', true);
    no('http://127.0.0.1:4010/files/a.png', false, /plain http/);
    no('http://localhost/a.png', false, /plain http/);
    no('http://cdn.example.com/a.png', true, /plain http/);
    no('http://cdn.example.com/a.png', false, /plain http/);
    no('http://10.0.0.5/a.png', true, /plain http/);
  });

  test('other schemes are refused', () => {
    no('file:///etc/passwd', true, /scheme file:/);
    no('data:image/png;base64,iVBORw0KGgo=', true, /scheme data:/);
    no('ftp://cdn.example.com/a.png', false, /scheme ftp:/);
    no('javascript:alert(1)', false, /scheme javascript:/);
    no('blob:https://example.com/uuid', false, /scheme blob:/);
  });

  test('private, link-local and internal addresses are refused even over https', () => {
    for (const loop of [false, true]) {
      no('https://10.1.2.3/a.png', loop, /private network address/);
      no('https://169.254.169.254/latest/meta-data', loop, /private network address/);
      no('https://192.168.1.10/a.png', loop, /private network address/);
      no('https://172.16.0.1/a.png', loop, /private network address/);
      no('https://172.31.255.255/a.png', loop, /private network address/);
      no('https://100.64.0.1/a.png', loop, /private network address/);
      no('https://0.0.0.0/a.png', loop, /private network address/);
      no('https://[fd00::1]/a.png', loop, /private network address/);
      no('https://[fe80::1]/a.png', loop, /private network address/);
      no('https://[::]/a.png', loop, /private network address/);
      no('https://[::ffff:10.0.0.1]/a.png', loop, /private network address/);
    }
  });

  test('loopback over https is refused unless allowed, in every spelling', () => {
    for (const url of [
      'https://127.0.0.1/a.png',
      'https://127.8.9.10/a.png',
      'https://localhost/a.png',
      'https://img.localhost/a.png',
      'https://[::1]/a.png',
      'https://2130706433/a.png',
      'https://0x7f.0.0.1/a.png',
      'https://0177.0.0.1/a.png',
      'https://[0:0:0:0:0:0:0:1]/a.png',
    ]) {
      no(url, false, /this computer/);
      ok(url, true);
    }
    no('https://[::ffff:127.0.0.1]/a.png', false, /private network address|this computer/);
  });

  test('garbage is refused, not thrown', () => {
    no('not a url', true, /not a valid URL/);
    no('', true, /not a valid URL/);
    no('https://[::1/a.png', true, /not a valid URL/);
  });
});

// ---- isComplete ---------------------------------------------------------------------------------------

describe('isComplete', () => {
  const pixels = { width: 48, height: 32, channels: 3 as const, background: '#3366cc' };
  let png: Buffer, jpeg: Buffer, webp: Buffer, webpLossless: Buffer;

  before(async () => {
    png = await sharp({ create: pixels }).png().toBuffer();
    jpeg = await sharp({ create: pixels }).jpeg().toBuffer();
    webp = await sharp({ create: pixels }).webp().toBuffer();
    webpLossless = await sharp({ create: pixels }).webp({ lossless: true }).toBuffer();
  });

  test('whole images are complete', () => {
    assert.equal(isComplete(png, 'png'), true);
    assert.equal(isComplete(jpeg, 'jpeg'), true);
    assert.equal(isComplete(webp, 'webp'), true);
    assert.equal(isComplete(webpLossless, 'webp'), true);
  });

  test('a cut anywhere makes them incomplete', () => {
    for (const [name, bytes, type] of [
      ['png', png, 'png'],
      ['jpeg', jpeg, 'jpeg'],
      ['webp', webp, 'webp'],
      ['webp lossless', webpLossless, 'webp'],
    ] as const) {
      for (const cut of [1, 2, 4, 8, 13, Math.floor(bytes.length / 2), bytes.length - 12]) {
        assert.equal(isComplete(bytes.subarray(0, bytes.length - cut), type), false, `${name} minus ${cut} bytes`);
      }
      assert.equal(isComplete(new Uint8Array(0), type), false, `${name}: empty`);
    }
  });

  test('trailing padding after a JPEG EOI is tolerated', () => {
    assert.equal(isComplete(Buffer.concat([jpeg, Buffer.alloc(16)]), 'jpeg'), true);
  });

  test('a WebP whose RIFF size claims more than it holds is incomplete', () => {
    const lying = Buffer.from(webp);
    lying.writeUInt32LE(lying.readUInt32LE(4) + 100, 4);
    assert.equal(isComplete(lying, 'webp'), false);
  });
});

describe('readBody', () => {
  /** A body as undici gives it: an async iterable of chunks that can be destroyed. */
  const body = (chunks: readonly number[]) => {
    let destroyed = false;
    let n = 0;
    return {
      get destroyed() {
        return destroyed;
      },
      destroy() {
        destroyed = true;
      },
      async *[Symbol.asyncIterator]() {
        for (const size of chunks) yield Buffer.alloc(size, n++ % 251);
      },
    };
  };
  const expected = (chunks: readonly number[]) => Buffer.concat(chunks.map((size, i) => Buffer.alloc(size, i % 251)));
  const tooBig = () => new FluxError({ kind: 'bad-response', provider: 'aimlapi', message: 'too big' });
  const read = (chunks: readonly number[], max: number, declared?: number) => readBody(body(chunks) as never, max, tooBig, declared);

  for (const [name, chunks, declared] of [
    ['no declared length', [3, 5, 7], undefined],
    ['the declared length', [3, 5, 7], 15],
    ['shorter than declared', [3, 5], 15],
    ['longer than declared', [3, 5, 7, 2], 10],
    ['a declared length of 0', [4], 0],
    ['an empty body', [], 8],
  ] as const) {
    test(`returns every byte in order: ${name}`, async () => {
      const got = await read(chunks, 100, declared);
      assert.deepEqual(Buffer.from(got), expected(chunks));
    });
  }

  test('one buffer of the declared size holds the body (no second copy)', async () => {
    const got = await read([4096, 4096, 1808], 1 << 20, 10000);
    assert.equal(got.length, 10000);
    assert.deepEqual(Buffer.from(got), expected([4096, 4096, 1808]));
  });

  test('with a declared length, each chunk is let go once copied: one copy of the image in memory, not two', async () => {
    const gc = forcedGc();
    const chunkSize = 256 * 1024;
    const count = 16;
    const alive: WeakRef<Buffer>[] = [];
    let retainedAtEnd = -1;
    const b = {
      destroy() {},
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < count; i++) {
          if (i === count - 1) {
            // Before the last chunk: every earlier chunk that readBody still holds is a second copy.
            // (A macrotask first: WeakRef targets are kept until the microtask queue has drained.)
            await new Promise((resolve) => setImmediate(resolve));
            gc();
            retainedAtEnd = alive.filter((r) => r.deref() !== undefined).length;
          }
          const chunk = Buffer.alloc(chunkSize, i);
          alive.push(new WeakRef(chunk));
          yield chunk;
        }
      },
    };
    // With room to spare, and with the length declared at exactly the cap (still one buffer).
    for (const cap of [64 << 20, chunkSize * count]) {
      alive.length = 0;
      retainedAtEnd = -1;
      const got = await readBody(b as never, cap, tooBig, chunkSize * count);
      assert.equal(got.length, chunkSize * count);
      assert.equal(got[chunkSize * 5], 5);
      assert.equal(got[chunkSize * 7], 7);
      assert.ok(
        retainedAtEnd >= 0 && retainedAtEnd <= 1,
        `cap ${cap}: ${retainedAtEnd} of ${count - 1} earlier chunks were still held before the last one arrived`,
      );
    }
    // Without a declared length the chunks are kept until the end, as they must be: the probe sees that.
    const unknown = { ...b };
    alive.length = 0;
    await readBody(unknown as never, 64 << 20, tooBig);
    assert.ok(retainedAtEnd >= count - 2, `without a length: ${retainedAtEnd} held (the probe works)`);
  });

  test('stops at the cap, with or without a declared length, and destroys the body', async () => {
    for (const declared of [undefined, 12, 1000]) {
      const b = body([10, 10, 10]);
      await assert.rejects(readBody(b as never, 25, tooBig, declared), (e: unknown) => e instanceof FluxError && e.message === 'too big');
      assert.equal(b.destroyed, true);
    }
  });
});
