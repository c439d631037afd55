/** What both provider clients share: JSON exchange, and mapping failures to one typed error. */
import { PROVIDERS, type ProviderId } from '../catalog';
import { cancelled, FluxError, type FluxErrorKind } from '../errors';
import { errorCode, header, parseRetryAfter, readBody, type HttpRequest } from '../http';
import type { ProviderContext } from './types';

export const DEFAULT_MAX_JSON_BYTES = 40 * 1024 * 1024;

export interface JsonAnswer {
  status: number;
  json: unknown;
  requestId?: string;
}

/** Turn an error thrown by the transport into a FluxError. */
export function transportError(e: unknown, provider: ProviderId, signal: AbortSignal | undefined, what: string, jobId?: string): FluxError {
  if (e instanceof FluxError) return e;
  if (signal?.aborted) return cancelled(provider, jobId);
  const label = PROVIDERS[provider].label;
  const code = errorCode(e) ?? '';
  const base = { provider, cause: e, ...(jobId ? { jobId } : {}) };
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new FluxError({ ...base, kind: 'network', message: `Could not connect to the ${label} in time while ${what}. Check your network or proxy settings and try again.` });
    case 'ECONNREFUSED':
      return new FluxError({ ...base, kind: 'network', message: `The ${label} refused the connection while ${what}. Check the base URL and proxy settings, then try again.` });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new FluxError({ ...base, kind: 'network', message: `The ${label}'s address could not be found while ${what}. Check your network connection and the base URL.` });
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new FluxError({ ...base, kind: 'timeout', message: `The ${label} stopped answering while ${what}. Try again.` });
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
      return new FluxError({ ...base, kind: 'network', message: `The connection to the ${label} was closed while ${what}, before the answer was complete. Try again.` });
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new FluxError({ ...base, kind: 'network', message: `The connection to the ${label} ended early while ${what} (the answer was cut short). Try again.` });
    default:
      return new FluxError({
        ...base,
        kind: 'network',
        message: `The connection to the ${label} failed while ${what}${code ? ` (${code})` : ''}. Try again.`,
      });
  }
}

const MODERATION = /moderat|nsfw|content polic|safety filter|flagged/i;

/**
 * `f()`, or `fallback` when it throws: an answer nested thousands deep makes JSON.stringify,
 * join and String overflow the stack (JSON.parse itself copes), and that must not escape as a RangeError.
 */
function safely(f: () => string, fallback: string): string {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** The provider's words inside our sentence: one line, at most `max` characters. */
const clip = (text: string, max = 300): string => {
  const line = text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…` : line;
};

/** The provider's own message and request id from an error body, whichever shape it has. */
function describeBody(json: unknown): { message?: string; requestId?: string; details?: string } {
  if (!json || typeof json !== 'object') return {};
  const o = json as Record<string, unknown>;
  const message = typeof o.message === 'string' ? o.message : typeof o.error === 'string' ? o.error : undefined;
  const requestId = typeof o.requestId === 'string' ? o.requestId : undefined;
  let details: string | undefined;
  if (o.details && typeof o.details === 'object') {
    details = Object.entries(o.details as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${safely(() => (Array.isArray(v) ? v.join(', ') : String(v)), '(unreadable)')}`)
      .join('; ');
  } else if (Array.isArray(o.errors)) {
    details = o.errors.map((x) => (typeof x === 'string' ? x : safely(() => JSON.stringify(x), '(unreadable)'))).join('; ');
  }
  return { message, requestId, details };
}

/** Map a non-2xx answer to the one typed error, with a sentence saying what to do. */
export function errorFromStatus(provider: ProviderId, status: number, json: unknown, headers: Record<string, string | string[] | undefined>): FluxError {
  const info = PROVIDERS[provider];
  const label = info.label;
  const { message, requestId: bodyId, details } = describeBody(json);
  const requestId = bodyId ?? header({ headers }, 'x-request-id');
  const said = message ? `: ${clip(message)}${details ? ` (${clip(details)})` : ''}` : '';
  let kind: FluxErrorKind;
  let sentence: string;
  let retryAfter: number | undefined;
  if (status === 401) {
    kind = 'auth';
    sentence = `The ${label} rejected the API key (HTTP 401${said}). Set a valid key with "Flux: Set API Key…".`;
  } else if (status === 402 || (status === 403 && provider === 'aimlapi')) {
    kind = 'credits';
    sentence = `Your ${label} account has run out of credits (HTTP ${status}${said}). Top up your account, then try again.`;
  } else if (status === 403) {
    kind = 'auth';
    sentence = `The ${label} refused this key access (HTTP 403${said}). Check the key's permissions or set another key.`;
  } else if (status === 429) {
    kind = 'rate-limit';
    retryAfter = parseRetryAfter(header({ headers }, 'retry-after'));
    const wait = retryAfter !== undefined ? ` and asks to wait ${Math.ceil(retryAfter)} s` : '';
    sentence = `The ${label} is limiting requests (HTTP 429)${wait}. Wait a moment and try again.`;
  } else if ((status === 400 || status === 422) && message && MODERATION.test(`${message} ${details ?? ''}`)) {
    kind = 'moderation';
    sentence = `The ${label} refused the prompt by its content policy${said}. Rephrase the prompt and try again.`;
  } else if (status === 400 || status === 422 || status === 409) {
    kind = 'validation';
    sentence = `The ${label} refused the request (HTTP ${status}${said}).`;
  } else if (status === 404) {
    kind = 'bad-response';
    sentence = `The ${label} answered 404 Not Found${said}. Check the provider's base URL setting.`;
  } else if (status === 504) {
    kind = 'timeout';
    sentence = `The ${label} timed out while generating (HTTP 504${said}). Try again.`;
  } else if (status >= 500) {
    kind = 'server';
    sentence = `The ${label} had a server problem (HTTP ${status}${said}). Try again later.`;
  } else {
    kind = 'bad-response';
    sentence = `The ${label} answered with an unexpected HTTP ${status}${said}.`;
  }
  return new FluxError({
    kind,
    provider,
    message: sentence,
    status,
    ...(message ? { providerMessage: message } : {}),
    ...(requestId ? { requestId } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  });
}

/** Send a JSON request; a 2xx answer gives its parsed body, anything else throws the mapped error. */
export async function exchangeJson(ctx: ProviderContext, provider: ProviderId, req: HttpRequest, what: string, jobId?: string): Promise<JsonAnswer> {
  const label = PROVIDERS[provider].label;
  const started = Date.now();
  let res;
  try {
    res = await ctx.http.send({ ...req, signal: ctx.signal });
  } catch (e) {
    const err = transportError(e, provider, ctx.signal, what, jobId);
    ctx.logger.warn(`${req.method} ${new URL(req.url).pathname}: ${err.kind} after ${Date.now() - started} ms (${errorCode(e) ?? 'no code'})`);
    throw err;
  }
  const max = ctx.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
  const tooLarge = () => new FluxError({
    kind: 'bad-response',
    provider,
    status: res.status,
    message: `The ${label}'s answer while ${what} was larger than ${Math.round(max / 1048576)} MB and was refused.`,
  });
  // A declared length over the limit is refused before reading (else a 2 GB answer that trickles holds the request).
  const declared = Number(header(res, 'content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    res.body.destroy();
    throw tooLarge();
  }
  let raw: Buffer;
  try {
    raw = await readBody(res.body, max, tooLarge);
  } catch (e) {
    throw transportError(e, provider, ctx.signal, what, jobId);
  }
  const requestId = header(res, 'x-request-id');
  ctx.logger.info(`${req.method} ${new URL(req.url).pathname} → ${res.status} in ${Date.now() - started} ms, ${raw.length} bytes${requestId ? `, request ${requestId}` : ''}`);
  let json: unknown;
  let parsed = true;
  try {
    json = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
  } catch {
    parsed = false;
  }
  if (res.status < 200 || res.status > 299) {
    throw errorFromStatus(provider, res.status, json, res.headers);
  }
  if (!parsed) {
    const ct = header(res, 'content-type') ?? 'no content type';
    throw new FluxError({
      kind: 'bad-response',
      provider,
      status: res.status,
      ...(requestId ? { requestId } : {}),
      message: `The ${label} answered ${what} with something that is not JSON (${ct}). Try again later.`,
    });
  }
  return { status: res.status, json, ...(requestId ? { requestId } : {}) };
}
