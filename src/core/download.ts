/**
 * Getting the images: every URL checked before it is fetched (and at every redirect), sizes capped,
 * the real type and pixel size read from the bytes, never from what the server claims.
 */
import { addressRefusal, classifyAddress, sameHost, type AddressKind } from './address';
import { PROVIDERS, type ProviderId } from './catalog';
import { cancelled, FluxError } from './errors';
import { discard, header, readBody, type HttpClient } from './http';
import { describeNonImage, isComplete, sniffImage, type ImageInfo } from './image';
import { t } from './l10n';
import type { Logger } from './log';
import { transportError } from './providers/common';
import { providerText, type TextCleaner } from './redact';
import type { ImageSource } from './providers/types';

export const DEFAULT_MAX_IMAGE_BYTES = 50 * 1024 * 1024;
export const MAX_REDIRECTS = 3;
/** More pixels than this is not a picture for a document but a decompression bomb. */
export const MAX_PIXELS = 64 * 1024 * 1024;

export interface DownloadOptions {
  readonly http: HttpClient;
  readonly provider: ProviderId;
  readonly logger: Logger;
  /** True when the provider's base URL is itself loopback (the fake API): plain http to loopback is then allowed. */
  readonly allowLoopback: boolean;
  /** The provider's own configured host (its base URL's): its image URLs may be on any address. */
  readonly ownHost?: string;
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
  /**
   * Cleans what the server said (a content type, an address it redirected to) before it goes into
   * a message or the log: the key taken out, one line, bounded. Default: without a key to look for.
   */
  readonly clean?: TextCleaner;
}

export interface DownloadedImage {
  readonly bytes: Buffer;
  readonly info: ImageInfo;
}

function isLoopbackHost(host: string): boolean {
  // `localhost.` (the fully qualified spelling) resolves like `localhost`.
  const h = host
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  // 127/8 and ::1 as addresses only: `127.0.0.1.example.com` is a public name.
  return h === 'localhost' || h.endsWith('.localhost') || classifyAddress(h) === 'loopback';
}

/** Why an address of a given kind is refused, in words: as written in the URL, or what `host` resolved to. */
function refusalWords(kind: AddressKind, address: string, host?: string): string {
  switch (kind) {
    case 'loopback':
      return host ? t('its host {0} resolves to this computer ({1})', host, address) : t('it points at this computer ({0})', address);
    case 'private':
      return host ? t('its host {0} resolves to a private network address ({1})', host, address) : t('it points at a private network address ({0})', address);
    case 'reserved':
      return host
        ? t('its host {0} resolves to an address reserved for special use ({1}), not a public server', host, address)
        : t('it points at an address reserved for special use ({0}), not a public server', address);
  }
}

/**
 * Why an image URL is refused, or undefined when it may be fetched. The address is checked as
 * written here (IP literals in every spelling the URL parser accepts); a name is checked again on
 * the address it resolves to when the connection is made (`guard` of the request). `ownHost` is
 * the provider's own configured host: its URLs may be on any address.
 */
export function checkImageUrl(raw: string, allowLoopback: boolean, ownHost?: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return t('it is not a valid URL');
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'https:') {
    if (ownHost && sameHost(url.hostname, ownHost)) return undefined;
    if (loopback && !allowLoopback) return refusalWords('loopback', url.hostname);
    const kind = classifyAddress(url.hostname);
    if (kind && !(kind === 'loopback' && allowLoopback)) return refusalWords(kind, url.hostname);
    return undefined;
  }
  if (url.protocol === 'http:') {
    if (allowLoopback && loopback) return undefined;
    return t('it uses plain http, not https');
  }
  return t('its scheme {0}: is not allowed (only https)', url.protocol.replace(/:$/, ''));
}

export function isLoopbackUrl(raw: string): boolean {
  try {
    return isLoopbackHost(new URL(raw).hostname);
  } catch {
    return false;
  }
}

const mb = (n: number) => `${(n / 1048576).toFixed(n >= 10 * 1048576 ? 0 : 1)} MB`;

/** Check the bytes are a whole, believable image of a supported type. */
export function verifyImage(bytes: Buffer, where: string, provider: ProviderId, contentType?: string): ImageInfo {
  const label = PROVIDERS[provider].label;
  const info = sniffImage(bytes);
  if (!info) {
    throw new FluxError({
      kind: 'bad-response',
      provider,
      message: contentType
        ? t(
            'What the {0} sent as {1} is not an image: it looks like {2} (content type {3}). Nothing was saved; try again.',
            label,
            where,
            describeNonImage(bytes),
            contentType,
          )
        : t('What the {0} sent as {1} is not an image: it looks like {2}. Nothing was saved; try again.', label, where, describeNonImage(bytes)),
    });
  }
  if (info.width * info.height > MAX_PIXELS || info.width === 0 || info.height === 0) {
    throw new FluxError({
      kind: 'bad-response',
      provider,
      message: t('What the {0} sent as {1} claims {2} pixels, which is not a usable image. Nothing was saved.', label, where, `${info.width}x${info.height}`),
    });
  }
  if (!isComplete(bytes, info.type)) {
    throw new FluxError({
      kind: 'network',
      provider,
      message: t('{0} from the {1} arrived incomplete. Nothing was saved; try again.', `${where[0]!.toUpperCase()}${where.slice(1)}`, label),
    });
  }
  return info;
}

/** Fetch (or decode) one image and verify it. */
export async function fetchImage(src: ImageSource, index: number, total: number, opts: DownloadOptions): Promise<DownloadedImage> {
  const max = opts.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const clean: TextCleaner = opts.clean ?? ((text, most) => providerText(text, undefined, most));
  const label = PROVIDERS[opts.provider].label;
  const where = total > 1 ? t('image {0} of {1}', index + 1, total) : t('the image');
  const downloading = total > 1 ? t('downloading image {0} of {1}', index + 1, total) : t('downloading the image');
  const tooBig = (size: string) =>
    new FluxError({
      kind: 'bad-response',
      provider: opts.provider,
      message: t('The {0} sent {1} of {2}, more than the {3} limit. Nothing was saved.', label, where, size, mb(max)),
    });

  if ('b64' in src) {
    const b64 = src.b64.replace(/^data:[^,]*,/, '');
    if (Math.floor((b64.length * 3) / 4) > max) throw tooBig(mb(Math.floor((b64.length * 3) / 4)));
    if (!/^[A-Za-z0-9+/=\s_-]*$/.test(b64)) {
      throw new FluxError({
        kind: 'bad-response',
        provider: opts.provider,
        message: t('The {0} sent {1} as base64 text that is not valid base64. Nothing was saved.', label, where),
      });
    }
    const bytes = Buffer.from(b64, 'base64');
    return { bytes, info: verifyImage(bytes, where, opts.provider) };
  }

  let url = src.url;
  // One deadline for the whole download, its redirects included.
  const deadlineAt = Date.now() + opts.http.deadlineMs;
  for (let hop = 0; ; hop++) {
    const refused = checkImageUrl(url, opts.allowLoopback, opts.ownHost);
    if (refused) {
      // The reason names the address's host or scheme: the server's words, so cleaned.
      throw new FluxError({
        kind: 'bad-response',
        provider: opts.provider,
        message: t('The {0} gave an address for {1} that was refused: {2}. Nothing was saved.', label, where, clean(refused)),
      });
    }
    if (opts.signal?.aborted) throw cancelled(opts.provider);
    const started = Date.now();
    let res;
    try {
      res = await opts.http.send({
        method: 'GET',
        url,
        headers: { accept: 'image/png, image/jpeg, image/webp' },
        signal: opts.signal,
        deadlineAt,
        // Checked again when connecting, on the address the host name really resolves to.
        guard: { allowLoopback: opts.allowLoopback, ...(opts.ownHost ? { ownHost: opts.ownHost } : {}) },
      });
    } catch (e) {
      const refusal = opts.signal?.aborted ? undefined : addressRefusal(e);
      if (refusal) {
        const reason = refusalWords(refusal.kind, refusal.address, refusal.hostname);
        throw new FluxError({
          kind: 'bad-response',
          provider: opts.provider,
          cause: e,
          message: t('The {0} gave an address for {1} that was refused: {2}. Nothing was saved.', label, where, clean(reason)),
        });
      }
      throw transportError(e, opts.provider, opts.signal, downloading);
    }
    if (res.status >= 300 && res.status < 400 && header(res, 'location')) {
      discard(res.body);
      if (hop >= MAX_REDIRECTS) {
        throw new FluxError({
          kind: 'bad-response',
          provider: opts.provider,
          message: t('The download of {0} was redirected more than {1} times and was stopped. Nothing was saved.', where, MAX_REDIRECTS),
        });
      }
      const location = header(res, 'location')!;
      try {
        url = new URL(location, url).toString();
      } catch {
        url = location; // refused as not a valid URL at the top of the loop
      }
      continue;
    }
    if (res.status < 200 || res.status > 299) {
      discard(res.body);
      throw new FluxError({
        kind: res.status === 429 ? 'rate-limit' : res.status >= 500 ? 'server' : 'bad-response',
        ...(res.status === 429 ? { retryable: true } : {}),
        provider: opts.provider,
        status: res.status,
        message:
          res.status === 404 || res.status === 410 || res.status === 403
            ? t('Downloading {0} from the {1} failed with HTTP {2} (the link may have expired). Nothing was saved; generate again.', where, label, res.status)
            : t('Downloading {0} from the {1} failed with HTTP {2}. Nothing was saved; generate again.', where, label, res.status),
      });
    }
    const declared = Number(header(res, 'content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > max) {
      res.body.destroy();
      throw tooBig(mb(declared));
    }
    let bytes: Buffer;
    try {
      bytes = await readBody(res.body, max, () => tooBig(t('more than {0}', mb(max))), Number.isFinite(declared) ? declared : undefined);
    } catch (e) {
      throw transportError(e, opts.provider, opts.signal, downloading);
    }
    const served = header(res, 'content-type');
    const contentType = served === undefined ? undefined : clean(served, 100);
    const info = verifyImage(bytes, where, opts.provider, contentType);
    if (contentType && !contentType.toLowerCase().startsWith(info.mime)) {
      opts.logger.warn(`${where}: served as ${contentType} but the bytes are ${info.mime}; using the bytes`);
    }
    opts.logger.info(`downloaded ${where}: ${bytes.length} bytes, ${info.type} ${info.width}x${info.height} in ${Date.now() - started} ms`);
    return { bytes, info };
  }
}

/**
 * Fetch all images at once; the first failure cancels the rest. `each` turns an image into the
 * result as soon as it arrives, so its downloaded bytes can be let go before the others end.
 */
export async function fetchAll(
  sources: readonly ImageSource[],
  opts: DownloadOptions,
  onDone?: (done: number, total: number) => void,
): Promise<DownloadedImage[]>;
export async function fetchAll<T>(
  sources: readonly ImageSource[],
  opts: DownloadOptions,
  onDone: ((done: number, total: number) => void) | undefined,
  each: (img: DownloadedImage, index: number) => T,
): Promise<T[]>;
export async function fetchAll(
  sources: readonly ImageSource[],
  opts: DownloadOptions,
  onDone?: (done: number, total: number) => void,
  each: (img: DownloadedImage, index: number) => unknown = (img) => img,
): Promise<unknown[]> {
  // A signal aborted before the call never fires 'abort' again: nothing is fetched then.
  if (opts.signal?.aborted) throw cancelled(opts.provider);
  const inner = new AbortController();
  const forward = () => inner.abort();
  opts.signal?.addEventListener('abort', forward, { once: true });
  let done = 0;
  try {
    return await Promise.all(
      sources.map(async (src, i) => {
        try {
          const img = await fetchImage(src, i, sources.length, { ...opts, signal: inner.signal });
          const out = each(img, i);
          onDone?.(++done, sources.length);
          return out;
        } catch (e) {
          inner.abort();
          throw opts.signal?.aborted ? cancelled(opts.provider) : e;
        }
      }),
    );
  } finally {
    opts.signal?.removeEventListener('abort', forward);
  }
}
