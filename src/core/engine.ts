/**
 * The generation engine: "this prompt, this model, this size" in, verified image bytes out, each
 * carrying its own generation record. Nothing here writes files or knows about editors.
 */
import { randomInt } from 'node:crypto';
import { PROVIDERS, type ProviderId } from './catalog';
import { FluxError, throwIfAborted } from './errors';
import { fetchAll, isLoopbackUrl, type DownloadedImage } from './download';
import type { HttpClient, RetryPolicy } from './http';
import type { ImageInfo } from './image';
import { t } from './l10n';
import type { Logger } from './log';
import { concat, embedRecordParts, type GenerationRecord } from './metadata';
import { aimlapi } from './providers/aimlapi';
import { apiframe } from './providers/apiframe';
import type { Progress, ProviderClient } from './providers/types';
import { cleanerFor, redactingLogger } from './redact';
import { validateRequest, type ValidRequest } from './request';

export const CLIENTS: Readonly<Record<ProviderId, ProviderClient>> = { aimlapi, apiframe };

export interface EngineOptions {
  readonly http: HttpClient;
  readonly logger: Logger;
  /** The provider's base URL (settings), default the provider's own. */
  readonly baseUrl?: string;
  readonly apiKey: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  readonly maxImageBytes?: number;
  readonly pollTimeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly now?: () => Date;
}

export interface GeneratedImage {
  /** The image with its generation record embedded (put together from `parts` when first read). */
  readonly bytes: Uint8Array;
  /** The same file as pieces, in order, mostly views of the downloaded bytes: for writing without a copy. */
  readonly parts: readonly Uint8Array[];
  /** The file's size in bytes. */
  readonly size: number;
  readonly info: ImageInfo;
  readonly record: GenerationRecord;
  /** Position in the provider's answer (0-based). */
  readonly index: number;
}

export interface GenerationResult {
  readonly request: ValidRequest;
  readonly images: readonly GeneratedImage[];
  readonly seed: number;
  readonly creditsUsed?: number;
  readonly requestId?: string;
  readonly jobId?: string;
  /** Indexes of images the provider's safety checker blacked out; they are not returned. */
  readonly moderated: readonly number[];
}

/** Check a request, or throw a `validation` FluxError listing every problem. */
export function validOrThrow(input: unknown): ValidRequest {
  const v = validateRequest(input);
  if (v.ok) return v.value;
  throw new FluxError({ kind: 'validation', message: v.problems.map((p) => p.message).join(' ') });
}

/** Generate, download and verify; throws one FluxError on any failure, leaving nothing behind. */
export function generate(input: unknown, opts: EngineOptions): Promise<GenerationResult> {
  return generateValid(validOrThrow(input), opts);
}

/** `generate` for a request already checked by `validateRequest` (the host's pre-flight): not checked again. */
export async function generateValid(checked: ValidRequest, opts: EngineOptions): Promise<GenerationResult> {
  const provider = checked.model.provider;
  const info = PROVIDERS[provider];
  throwIfAborted(opts.signal, provider);
  if (!opts.apiKey) {
    throw new FluxError({ kind: 'auth', provider, message: t('No API key is set for the {0}. Set one with "{1}".', info.label, t('Flux: Set API Key…')) });
  }
  // Always send a seed, so every saved image can be made again.
  const req: ValidRequest = checked.seed === undefined ? { ...checked, seed: randomInt(1, 2 ** 31 - 1) } : checked;
  const baseUrl = opts.baseUrl || info.defaultBaseUrl;
  // Every line the engine and the providers log goes through this: never the key, always one line.
  const logger = redactingLogger(opts.logger, opts.apiKey);
  const started = Date.now();
  const result = await CLIENTS[provider].run(req, {
    http: opts.http,
    baseUrl,
    apiKey: opts.apiKey,
    logger,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.pollTimeoutMs ? { pollTimeoutMs: opts.pollTimeoutMs } : {}),
  });

  const moderated: number[] = [];
  /** Position in the provider's answer of each kept image. */
  const keptAt: number[] = [];
  // Never more than was asked for: an answer listing thousands of URLs must not start thousands of downloads.
  if (result.images.length > req.numImages) {
    logger.warn(`${info.label} answered with ${result.images.length} images for ${req.numImages} asked; the extra ones are ignored`);
  }
  const kept = result.images.slice(0, req.numImages).filter((_, i) => {
    const flagged = result.nsfw?.[i] === true;
    if (flagged) moderated.push(i);
    else keptAt.push(i);
    return !flagged;
  });
  if (kept.length === 0) {
    throw new FluxError({
      kind: 'moderation',
      provider,
      ...(result.requestId ? { requestId: result.requestId } : {}),
      message:
        result.images.length > 1
          ? t(
              "The {0}'s safety checker flagged all {1} images and blacked them out, so nothing was saved. Rephrase the prompt and try again.",
              info.label,
              result.images.length,
            )
          : t("The {0}'s safety checker flagged the image and blacked it out, so nothing was saved. Rephrase the prompt and try again.", info.label),
    });
  }

  const seed = result.seed ?? req.seed!;
  const createdAt = (opts.now?.() ?? new Date()).toISOString();
  // Each image gets its record as soon as it arrives, so only the embedded copy is kept.
  const withRecord = (d: DownloadedImage, i: number): GeneratedImage => {
    const record: GenerationRecord = {
      v: 1,
      app: 'flux-image-studio',
      prompt: req.prompt,
      provider,
      model: req.model.id,
      modelKey: req.model.key,
      width: d.info.width,
      height: d.info.height,
      seed,
      params: { ...req.params },
      outputFormat: d.info.type,
      createdAt,
      ...(result.requestId ? { requestId: result.requestId } : {}),
      ...(result.creditsUsed !== undefined ? { creditsUsed: result.creditsUsed } : {}),
      ...(req.references?.length ? { references: req.references.map((r) => ({ path: r.path, sha256: r.sha256 })) } : {}),
    };
    let parts: Uint8Array[];
    try {
      parts = embedRecordParts(d.bytes, record);
    } catch (e) {
      // The bytes passed the checks but their structure cannot take the record (e.g. a PNG without IDAT).
      throw new FluxError({
        kind: 'bad-response',
        provider,
        cause: e,
        ...(result.requestId ? { requestId: result.requestId } : {}),
        ...(result.jobId ? { jobId: result.jobId } : {}),
        message:
          kept.length > 1
            ? t('The {0} sent image {1} of {2} that is damaged: its file structure is broken. Nothing was saved; try again.', info.label, i + 1, kept.length)
            : t('The {0} sent an image that is damaged: its file structure is broken. Nothing was saved; try again.', info.label),
      });
    }
    return imageOf(parts, d.info, record, keptAt[i] ?? i);
  };

  opts.onProgress?.({ phase: 'downloading', done: 0, total: kept.length });
  const images = await fetchAll(
    kept,
    {
      http: opts.http,
      provider,
      logger,
      clean: cleanerFor(opts.apiKey),
      allowLoopback: isLoopbackUrl(baseUrl),
      ...(hostOf(baseUrl) ? { ownHost: hostOf(baseUrl) } : {}),
      ...(opts.maxImageBytes ? { maxBytes: opts.maxImageBytes } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    (done, total) => opts.onProgress?.({ phase: 'downloading', done, total }),
    withRecord,
  );
  throwIfAborted(opts.signal, provider, result.jobId);

  logger.info(
    `${req.model.key}: ${images.length} image(s) ready in ${Date.now() - started} ms${result.creditsUsed !== undefined ? `, ${result.creditsUsed} credits` : ''}`,
  );
  opts.onProgress?.({ phase: 'done' });
  return {
    request: req,
    images,
    seed,
    moderated,
    ...(result.creditsUsed !== undefined ? { creditsUsed: result.creditsUsed } : {}),
    ...(result.requestId ? { requestId: result.requestId } : {}),
    ...(result.jobId ? { jobId: result.jobId } : {}),
  };
}

/** The host name of a URL, or undefined when it is not one. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** An image whose whole bytes are put together only when someone asks for them. */
function imageOf(parts: readonly Uint8Array[], info: ImageInfo, record: GenerationRecord, index: number): GeneratedImage {
  const size = parts.reduce((n, p) => n + p.length, 0);
  let whole: Uint8Array | undefined;
  return {
    get bytes() {
      return (whole ??= concat(parts));
    },
    parts,
    size,
    info,
    record,
    index,
  };
}
