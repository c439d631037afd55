/** What both provider clients share: JSON exchange, and mapping failures to one typed error. */
import { PROVIDERS, type ProviderId } from '../catalog';
import { cancelled, FluxError, type FluxErrorKind } from '../errors';
import { deadlineOf, errorCode, header, parseRetryAfter, readBody, REQUEST_TIMEOUT_SETTING, type HttpRequest } from '../http';
import { t } from '../l10n';
import { providerText } from '../redact';
import type { ProviderContext } from './types';

export const DEFAULT_MAX_JSON_BYTES = 40 * 1024 * 1024;

export interface JsonAnswer {
  status: number;
  json: unknown;
  requestId?: string;
}

/** Turn an error thrown by the transport into a FluxError. `what` is what was under way, translated ("generating"). */
export function transportError(e: unknown, provider: ProviderId, signal: AbortSignal | undefined, what: string, jobId?: string): FluxError {
  if (e instanceof FluxError) return e;
  if (signal?.aborted) return cancelled(provider, jobId);
  const label = PROVIDERS[provider].label;
  const code = errorCode(e) ?? '';
  const base = { provider, cause: e, ...(jobId ? { jobId } : {}) };
  switch (code) {
    case 'FLUX_DEADLINE': {
      // The whole exchange ran past its deadline: a trickling answer is stopped, not waited for.
      const ms = deadlineOf(e) ?? 0;
      const seconds = ms % 1000 === 0 ? ms / 1000 : Number((ms / 1000).toFixed(1));
      return new FluxError({
        ...base,
        kind: 'timeout',
        setting: REQUEST_TIMEOUT_SETTING,
        message: t(
          "The {0}'s answer while {1} did not finish within {2} s ({3}), the longest one request may take. Try again; on a slow connection, raise that setting.",
          label,
          what,
          seconds,
          REQUEST_TIMEOUT_SETTING,
        ),
      });
    }
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new FluxError({
        ...base,
        kind: 'network',
        message: t('Could not connect to the {0} in time while {1}. Check your network or proxy settings and try again.', label, what),
      });
    case 'ECONNREFUSED':
      return new FluxError({
        ...base,
        kind: 'network',
        message: t('The {0} refused the connection while {1}. Check the base URL and proxy settings, then try again.', label, what),
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN': {
      // The host by name: the provider's (its base URL) or the one its image links point to.
      const host = hostnameOf(e);
      const setting = `fluxStudio.${provider}.baseUrl`;
      return new FluxError({
        ...base,
        kind: 'network',
        setting,
        message: host
          ? t(
              'The host {0} could not be found (DNS) while {1} with the {2}. Check your network connection, and the base URL in {3}.',
              host,
              what,
              label,
              setting,
            )
          : t("The {0}'s address could not be found while {1}. Check your network connection and the base URL.", label, what),
      });
    }
    case 'UND_ERR_HEADERS_TIMEOUT':
      // The wait for the answer's headers is `fluxStudio.requestTimeoutSeconds` (src/host/services.ts).
      return new FluxError({
        ...base,
        kind: 'timeout',
        setting: REQUEST_TIMEOUT_SETTING,
        message: t(
          'The {0} stopped answering while {1}: no answer within the time {2} allows. Try again; on a slow connection, raise that setting.',
          label,
          what,
          REQUEST_TIMEOUT_SETTING,
        ),
      });
    case 'UND_ERR_BODY_TIMEOUT': {
      // The silence allowed is the client's `bodyTimeoutMs` (60 s unless set), carried on the error by HttpClient.
      const ms = (e as { silenceMs?: unknown }).silenceMs;
      return new FluxError({
        ...base,
        kind: 'timeout',
        message:
          typeof ms === 'number'
            ? t('The {0} stopped sending while {1}: nothing arrived for {2}. Try again.', label, what, ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`)
            : t('The {0} stopped answering while {1}. Try again.', label, what),
      });
    }
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
      return new FluxError({
        ...base,
        kind: 'network',
        message: t('The connection to the {0} was closed while {1}, before the answer was complete. Try again.', label, what),
      });
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new FluxError({
        ...base,
        kind: 'network',
        message: t('The connection to the {0} ended early while {1} (the answer was cut short). Try again.', label, what),
      });
    default:
      return new FluxError({
        ...base,
        kind: 'network',
        message: code
          ? t('The connection to the {0} failed while {1} ({2}). Try again.', label, what, code)
          : t('The connection to the {0} failed while {1}. Try again.', label, what),
      });
  }
}

/** The host name a failed lookup was for (Node's getaddrinfo error carries it), if any. */
function hostnameOf(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const host = (cur as { hostname?: unknown }).hostname;
    if (typeof host === 'string' && /^[A-Za-z0-9.-]{1,253}$/.test(host)) return host;
    const said = (cur as { message?: unknown }).message;
    const m = typeof said === 'string' ? /(?:ENOTFOUND|EAI_AGAIN) ([A-Za-z0-9.-]{1,253})/.exec(said) : null;
    if (m) return m[1];
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
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

/** The provider's own message and request id from an error body, whichever shape it has. */
function describeBody(json: unknown): { message?: string; requestId?: string; details?: string } {
  if (!json || typeof json !== 'object') return {};
  const o = json as Record<string, unknown>;
  const message = typeof o.message === 'string' ? o.message : typeof o.error === 'string' ? o.error : undefined;
  const requestId = typeof o.requestId === 'string' ? o.requestId : undefined;
  let details: string | undefined;
  if (o.details && typeof o.details === 'object') {
    details = Object.entries(o.details as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${safely(() => (Array.isArray(v) ? v.join(', ') : String(v)), t('(unreadable)'))}`)
      .join('; ');
  } else if (Array.isArray(o.errors)) {
    details = o.errors.map((x) => (typeof x === 'string' ? x : safely(() => JSON.stringify(x), t('(unreadable)')))).join('; ');
  }
  return { message, requestId, details };
}

/**
 * Map a non-2xx answer to the one typed error, with a sentence saying what to do. `apiKey` is the
 * key the request was sent with: a provider that echoes it gets it taken out of every text it said.
 */
export function errorFromStatus(
  provider: ProviderId,
  status: number,
  json: unknown,
  headers: Record<string, string | string[] | undefined>,
  apiKey?: string,
): FluxError {
  const info = PROVIDERS[provider];
  const label = info.label;
  const described = describeBody(json);
  // The provider's words inside our sentences and fields: the key taken out, one line, bounded.
  const message = described.message === undefined ? undefined : providerText(described.message, apiKey);
  const details = described.details === undefined ? undefined : providerText(described.details, apiKey);
  const rawId = described.requestId ?? header({ headers }, 'x-request-id');
  const requestId = rawId === undefined ? undefined : providerText(rawId, apiKey, 100);
  const said = message ? `: ${message}${details ? ` (${details})` : ''}` : '';
  let kind: FluxErrorKind;
  let sentence: string;
  let retryAfter: number | undefined;
  if (status === 401) {
    kind = 'auth';
    // The message's own button sets the key: the sentence says why, not which command to run.
    sentence = t('The {0} rejected the API key (HTTP 401{1}): it is mistyped, revoked or not a key for this provider.', label, said);
  } else if (status === 402 || (status === 403 && provider === 'aimlapi')) {
    kind = 'credits';
    sentence = t('Your {0} account has run out of credits (HTTP {1}{2}). Top up your account, then try again.', label, status, said);
  } else if (status === 403) {
    kind = 'auth';
    sentence = t("The {0} refused this key access (HTTP 403{1}). Check the key's permissions or set another key.", label, said);
  } else if (status === 429) {
    kind = 'rate-limit';
    retryAfter = parseRetryAfter(header({ headers }, 'retry-after'));
    sentence =
      retryAfter !== undefined
        ? t('The {0} is limiting requests (HTTP 429) and asks to wait {1} s. Wait a moment and try again.', label, Math.ceil(retryAfter))
        : t('The {0} is limiting requests (HTTP 429). Wait a moment and try again.', label);
  } else if ((status === 400 || status === 422) && message && MODERATION.test(`${message} ${details ?? ''}`)) {
    kind = 'moderation';
    sentence = t('The {0} refused the prompt by its content policy{1}. Rephrase the prompt and try again.', label, said);
  } else if (status === 400 || status === 422 || status === 409) {
    kind = 'validation';
    sentence = t('The {0} refused the request (HTTP {1}{2}).', label, status, said);
  } else if (status === 404) {
    kind = 'bad-response';
    sentence = t("The {0} answered 404 Not Found{1}. Check the provider's base URL setting.", label, said);
  } else if (status === 504) {
    kind = 'timeout';
    sentence = t('The {0} timed out while generating (HTTP 504{1}). Try again.', label, said);
  } else if (status >= 500) {
    kind = 'server';
    sentence = t('The {0} had a server problem (HTTP {1}{2}). Try again later.', label, status, said);
  } else {
    kind = 'bad-response';
    sentence = t('The {0} answered with an unexpected HTTP {1}{2}.', label, status, said);
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
  const tooLarge = () =>
    new FluxError({
      kind: 'bad-response',
      provider,
      status: res.status,
      message: t("The {0}'s answer while {1} was larger than {2} MB and was refused.", label, what, Math.round(max / 1048576)),
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
  const rawId = header(res, 'x-request-id');
  const requestId = rawId === undefined ? undefined : providerText(rawId, ctx.apiKey, 100);
  ctx.logger.info(
    `${req.method} ${new URL(req.url).pathname} → ${res.status} in ${Date.now() - started} ms, ${raw.length} bytes${requestId ? `, request ${requestId}` : ''}`,
  );
  let json: unknown;
  let parsed = true;
  try {
    json = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
  } catch {
    parsed = false;
  }
  if (res.status < 200 || res.status > 299) {
    throw errorFromStatus(provider, res.status, json, res.headers, ctx.apiKey);
  }
  if (!parsed) {
    const ct = providerText(header(res, 'content-type') ?? t('no content type'), ctx.apiKey, 100);
    throw new FluxError({
      kind: 'bad-response',
      provider,
      status: res.status,
      ...(requestId ? { requestId } : {}),
      message: t('The {0} answered {1} with something that is not JSON ({2}). Try again later.', label, what, ct),
    });
  }
  return { status: res.status, json, ...(requestId ? { requestId } : {}) };
}
