/**
 * HTTP transport over undici: one keep-alive dispatcher (proxy-aware), time-outs, bounded body
 * reading, and a retry policy that never double-charges.
 */
import type { LookupFunction } from 'node:net';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { guardedLookup, type AddressPolicy } from './address';
import type { ProviderId } from './catalog';
import { cancelled, FluxError } from './errors';
import type { Logger } from './log';
import { silentLogger } from './log';

export interface HttpOptions {
  /** An explicit proxy URL (VS Code's `http.proxy`); otherwise HTTPS_PROXY/HTTP_PROXY/NO_PROXY apply. */
  proxy?: string;
  /** When false, TLS certificates are not verified (VS Code's `http.proxyStrictSSL: false`). */
  strictSSL?: boolean;
  connectTimeoutMs?: number;
  /** Longest wait for response headers; AIML answers only when the images exist. */
  headersTimeoutMs?: number;
  /** Longest silence while a body streams. */
  bodyTimeoutMs?: number;
  /**
   * Longest a whole exchange may take, from sending to the last byte of the body (a body that
   * trickles one byte every few seconds is never silent long enough for `bodyTimeoutMs`). Default:
   * `headersTimeoutMs`, which the host sets from `fluxStudio.requestTimeoutSeconds`.
   */
  deadlineMs?: number;
  /** How names are resolved (default dns.lookup); tests map names to addresses with it. */
  lookup?: LookupFunction;
  logger?: Logger;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /**
   * Where the connection may go: with a policy, a name that resolves to this computer, a private
   * network or a special-use address is refused at connect time (an AddressRefusedError), on the
   * address it really resolved to. For image downloads; the provider's API is the user's setting.
   */
  guard?: AddressPolicy;
  /**
   * When (epoch ms) this exchange must be over, body included; default the client's `deadlineMs`
   * from now. A download passes one for all its redirects.
   */
  deadlineAt?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export const DEFAULTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 180_000,
  bodyTimeoutMs: 60_000,
} as const;

/** The setting whose value is the deadline, named in the message when a deadline passes. */
export const REQUEST_TIMEOUT_SETTING = 'fluxStudio.requestTimeoutSeconds';

/** The reason an exchange was stopped at its deadline (`code` FLUX_DEADLINE, the deadline in ms). */
export class DeadlineError extends Error {
  readonly code = 'FLUX_DEADLINE';
  constructor(readonly deadlineMs: number) {
    super(`FLUX_DEADLINE ${deadlineMs}`);
    this.name = 'DeadlineError';
  }
}

/** The deadline of a DeadlineError anywhere in an error's cause chain, in ms. */
export function deadlineOf(e: unknown): number | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    if (cur instanceof DeadlineError) return cur.deadlineMs;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A connection error code that proves the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether a thrown transport error proves the request was never processed. */
export function surelyNotSent(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

export class HttpClient {
  readonly logger: Logger;
  /** Longest a whole exchange may take (ms), body included. */
  readonly deadlineMs: number;
  private readonly dispatcher: Dispatcher;
  /** One dispatcher per address policy (in practice one or two), so their connections are kept apart. */
  private readonly guarded = new Map<string, Dispatcher>();

  constructor(readonly options: HttpOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.deadlineMs = options.deadlineMs ?? options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs;
    this.dispatcher = this.makeDispatcher(options.lookup);
  }

  private makeDispatcher(lookup: LookupFunction | undefined): Dispatcher {
    const options = this.options;
    const tls = options.strictSSL === false ? { rejectUnauthorized: false } : undefined;
    return new EnvHttpProxyAgent({
      ...(options.proxy ? { httpProxy: options.proxy, httpsProxy: options.proxy } : {}),
      // `lookup` resolves the names of direct connections; through a proxy, the proxy resolves them.
      connect: { timeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs, ...tls, ...(lookup ? { lookup } : {}) },
      ...(tls ? { requestTls: tls, proxyTls: tls } : {}),
      headersTimeout: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
    });
  }

  /** The dispatcher whose connections check every resolved address against `policy`. */
  private dispatcherFor(policy: AddressPolicy | undefined): Dispatcher {
    if (!policy) return this.dispatcher;
    const key = JSON.stringify([policy.allowLoopback, policy.ownHost ?? null]);
    let d = this.guarded.get(key);
    if (!d) {
      d = this.makeDispatcher(guardedLookup(policy, this.options.lookup));
      this.guarded.set(key, d);
    }
    return d;
  }

  /**
   * Send one request; no redirects are followed (callers that want them check each hop). The
   * exchange, body included, is stopped at its deadline: the request or the body's reading then
   * fails with a DeadlineError (code FLUX_DEADLINE).
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DeadlineError(this.deadlineMs)),
      Math.max(0, (req.deadlineAt ?? Date.now() + this.deadlineMs) - Date.now()),
    );
    const signal = req.signal ? AbortSignal.any([req.signal, deadline.signal]) : deadline.signal;
    let res;
    try {
      res = await request(req.url, {
        dispatcher: this.dispatcherFor(req.guard),
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
      });
    } catch (e) {
      clearTimeout(timer);
      throw e;
    }
    // The body is read (or dumped, or destroyed) by the caller: the deadline holds until it closes.
    res.body.once('close', () => clearTimeout(timer));
    // A body that falls silent fails with undici's error, which does not say how long the silence
    // was; the message names it (the same error object reaches the reader).
    const silence = this.options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs;
    res.body.once('error', (err) => {
      if (errorCode(err) === 'UND_ERR_BODY_TIMEOUT') Object.assign(err, { silenceMs: silence });
    });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }

  async close(): Promise<void> {
    const all = [this.dispatcher, ...this.guarded.values()];
    this.guarded.clear();
    await Promise.all(all.map((d) => d.close().catch(() => d.destroy())));
  }
}

/** Read a whole body, refusing more than `max` bytes (it stops reading at once). */
export async function readBody(body: HttpResponse['body'], max: number, what: () => FluxError, expected?: number): Promise<Buffer> {
  // With a declared length the body is read straight into one buffer of that size (one copy of the
  // bytes in memory, not the chunks plus their concatenation); a body that turns out longer than
  // declared carries on in chunks.
  const into = expected !== undefined && Number.isSafeInteger(expected) && expected > 0 && expected <= max ? Buffer.allocUnsafe(expected) : undefined;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (total + chunk.length > max) {
      body.destroy();
      throw what();
    }
    if (into && !chunks.length && total + chunk.length <= into.length) into.set(chunk, total);
    else {
      if (into && !chunks.length) chunks.push(into.subarray(0, total));
      chunks.push(chunk);
    }
    total += chunk.length;
  }
  if (!into || chunks.length) return Buffer.concat(chunks, total);
  return total === into.length ? into : into.subarray(0, total);
}

/** Discard a body we do not need, so the connection can be reused. */
export function discard(body: HttpResponse['body']): void {
  body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

export function header(res: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Seconds from a Retry-After header (seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, (t - now) / 1000);
}

/** Sleep that ends at once with `cancelled` when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal, provider?: ProviderId, jobId?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(provider, jobId));
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(provider, jobId));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for; the error is reported instead. */
  maxRetryAfterS: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterS: 60 };

/** Full-jitter exponential backoff for the given retry number (1-based). */
export function backoffMs(policy: RetryPolicy, retry: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Run `attempt` until it succeeds or fails in a way `shouldRetry` refuses. The delay honours the
 * error's `retryAfter` (seconds) and is otherwise jittered backoff.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  shouldRetry: (e: FluxError) => boolean,
  opts: { policy?: RetryPolicy; signal?: AbortSignal; logger?: Logger; provider?: ProviderId; label: string },
): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!(e instanceof FluxError) || e.kind === 'cancelled' || n >= policy.attempts || !shouldRetry(e)) throw e;
      if (e.retryAfter !== undefined && e.retryAfter > policy.maxRetryAfterS) throw e;
      const delay = e.retryAfter !== undefined ? Math.ceil(e.retryAfter * 1000) : backoffMs(policy, n);
      opts.logger?.warn(`${opts.label}: ${e.kind}${e.status ? ` (HTTP ${e.status})` : ''}; retry ${n} of ${policy.attempts - 1} in ${delay} ms`);
      await sleep(delay, opts.signal, opts.provider);
    }
  }
}
