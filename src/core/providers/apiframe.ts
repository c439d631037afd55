/** apiframe: submit a job, then poll it until it completes. */
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { FluxError } from '../errors';
import { backoffMs, DEFAULT_RETRY, sleep, withRetry } from '../http';
import { t } from '../l10n';
import { providerText } from '../redact';
import type { ValidRequest } from '../request';
import { exchangeJson } from './common';
import { wireParams } from './params';
import type { ProviderClient, ProviderContext, ProviderResult } from './types';

export const DEFAULT_POLL_TIMEOUT_MS = 5 * 60_000;
/** The setting whose value is the longest wait for a job, named when it runs out. */
export const POLL_TIMEOUT_SETTING = 'fluxStudio.pollTimeoutSeconds';
export const POLL = { firstMs: 1_000, growth: 1.5, maxMs: 5_000, minMs: 500 } as const;
const POLL_TRANSIENT: ReadonlySet<string> = new Set(['rate-limit', 'server', 'network', 'timeout']);

const Submitted = z.object({ jobId: z.string().check(z.minLength(1)) });

/**
 * The shape of apiframe's job ids: UUIDs in practice (and in the fake API), taken a little wider:
 * 1 to 128 letters, digits, `-` and `_`. Anything else (`..`, `a/b`, a percent sign, an overlong
 * text) would make the poll URL point somewhere other than the job, with the key.
 */
export const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;
const JOB_ID_MAX = 128;

/** The URL that polls `jobId`, or undefined when the id is not a job id or the URL would not be that job's. */
export function jobUrl(baseUrl: string, jobId: string): string | undefined {
  if (!JOB_ID.test(jobId)) return undefined;
  const base = baseUrl.replace(/\/+$/, '');
  const url = `${base}/v2/jobs/${encodeURIComponent(jobId)}`;
  // The id is one path segment right under /v2/jobs/ of the base URL, nothing else.
  try {
    const want = `${new URL(base).pathname.replace(/\/+$/, '')}/v2/jobs/${jobId}`;
    return new URL(url).pathname === want ? url : undefined;
  } catch {
    return undefined;
  }
}

const ResultUrls = z.union([
  z.string(),
  z.array(z.union([z.string(), z.object({ url: z.string() })])),
  z.object({ images: z.array(z.union([z.string(), z.object({ url: z.string() })])) }),
]);

const Job = z.object({
  status: z.enum(['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']),
  progress: z.optional(z.nullable(z.number())),
  result: z.optional(z.unknown()),
  error: z.optional(z.nullable(z.string())),
  creditCost: z.optional(z.nullable(z.number())),
  expired: z.optional(z.nullable(z.boolean())),
});

const FORMAT_WIRE = { jpeg: 'jpg', png: 'png', webp: 'webp' } as const;

export function apiframeBody(req: ValidRequest): Record<string, unknown> {
  const flux: Record<string, unknown> = {};
  const size = req.size.choice;
  // Rule: a custom size goes as width and height alone; a ratio as aspect_ratio alone.
  if (size.kind === 'ratio') flux.aspect_ratio = size.ratio;
  else {
    flux.width = req.size.width;
    flux.height = req.size.height;
  }
  flux.output_format = FORMAT_WIRE[req.outputFormat];
  if (req.seed !== undefined) flux.seed = req.seed;
  Object.assign(flux, wireParams(req));
  return { prompt: req.prompt, model: req.model.id, fluxParams: flux };
}

function urlsOf(result: unknown): string[] | undefined {
  const r = ResultUrls.safeParse(result);
  if (!r.success) return undefined;
  const list = typeof r.data === 'string' ? [r.data] : Array.isArray(r.data) ? r.data : r.data.images;
  return list.map((x) => (typeof x === 'string' ? x : x.url)).filter((u) => u.length > 0);
}

/**
 * The next wait between polls: the cadence grows from 1 s by x1.5 up to 5 s, but when the job
 * reports progress the wait is shortened to the moment the progress rate says it will be done.
 */
export function nextPollDelay(cadenceMs: number, samples: ReadonlyArray<{ t: number; p: number }>): number {
  const last = samples[samples.length - 1];
  const first = samples.find((s) => s.p < (last?.p ?? 0));
  if (!last || !first || last.p >= 100) return cadenceMs;
  const rate = (last.p - first.p) / (last.t - first.t); // percent per ms
  if (!(rate > 0)) return cadenceMs;
  const remaining = (100 - last.p) / rate;
  return Math.max(POLL.minMs, Math.min(cadenceMs, Math.round(remaining)));
}

/** A failure while polling a job that exists: keep the job id and say the job may still finish. */
function aboutJob(e: unknown, jobId: string): unknown {
  if (!(e instanceof FluxError) || e.kind === 'cancelled') return e;
  return new FluxError({
    kind: e.kind,
    provider: 'apiframe',
    providerMessage: e.providerMessage,
    requestId: e.requestId,
    status: e.status,
    retryable: e.retryable,
    retryAfter: e.retryAfter,
    jobId,
    cause: e,
    message: t('{0} The job {1} may still finish (and be charged) at apiframe.', e.message, jobId),
  });
}

export const apiframe: ProviderClient = {
  id: 'apiframe',

  describe(req, baseUrl) {
    return {
      method: 'POST',
      url: `${baseUrl.replace(/\/+$/, '')}/v2/images/generate`,
      headers: { 'X-API-Key': '<APIFRAME_API_KEY>', 'Content-Type': 'application/json', 'Idempotency-Key': `<${t('a new UUID per generation')}>` },
      body: apiframeBody(req),
    };
  },

  async run(req: ValidRequest, ctx: ProviderContext): Promise<ProviderResult> {
    const base = ctx.baseUrl.replace(/\/+$/, '');
    const headers = { 'x-api-key': ctx.apiKey, 'content-type': 'application/json', accept: 'application/json' };
    const body = JSON.stringify(apiframeBody(req));
    // One Idempotency-Key for every attempt: a resubmission returns the original job, never a new charge.
    const idempotencyKey = randomUUID();
    const retryOpts = { policy: ctx.retry, signal: ctx.signal, logger: ctx.logger, provider: 'apiframe' as const };
    ctx.onProgress?.({ phase: 'submitting' });
    ctx.logger.info(`apiframe: ${req.model.id} ${req.size.width}x${req.size.height}`);

    const submitted = await withRetry(
      () =>
        exchangeJson(
          ctx,
          'apiframe',
          { method: 'POST', url: `${base}/v2/images/generate`, headers: { ...headers, 'idempotency-key': idempotencyKey }, body },
          t('submitting the job'),
        ),
      (e) => e.kind === 'rate-limit' || e.kind === 'server' || e.kind === 'network' || e.kind === 'timeout',
      { ...retryOpts, label: 'apiframe submit' },
    );
    const sub = Submitted.safeParse(submitted.json);
    if (!sub.success) {
      throw new FluxError({
        kind: 'bad-response',
        provider: 'apiframe',
        status: submitted.status,
        message: t('apiframe accepted the request but gave no job id. Try again later.'),
      });
    }
    const jobId = sub.data.jobId;
    const pollUrl = jobUrl(base, jobId);
    if (!pollUrl) {
      // Never polled: the key is sent only to the job's own path.
      const shown = jobId.length > JOB_ID_MAX ? t('{0} characters long', jobId.length) : `"${providerText(jobId, ctx.apiKey, 40)}"`;
      throw new FluxError({
        kind: 'bad-response',
        provider: 'apiframe',
        status: submitted.status,
        message: t(
          'apiframe answered with a job id that is not one ({0}): a job id is 1 to {1} letters, digits, "-" or "_". The job was not checked on and may still run (and be charged) at apiframe; try again later, and if this goes on, check the apiframe base URL setting.',
          shown,
          JOB_ID_MAX,
        ),
      });
    }
    ctx.logger.info(`apiframe: job ${jobId} submitted`);
    ctx.onProgress?.({ phase: 'generating', jobId });

    const started = Date.now();
    const deadline = started + (ctx.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS);
    const samples: { t: number; p: number }[] = [];
    let cadence: number = POLL.firstMs;
    let wait: number = POLL.firstMs;
    let polls = 0;
    let failures = 0;
    let lastFailure: FluxError | undefined;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        if (lastFailure) throw aboutJob(lastFailure, jobId);
        throw new FluxError({
          kind: 'timeout',
          provider: 'apiframe',
          jobId,
          setting: POLL_TIMEOUT_SETTING,
          message: t(
            'apiframe did not finish job {0} within {1} s, the longest Flux Image Studio waits for a job ({2}). The job may still finish (and be charged) at apiframe.',
            jobId,
            Math.round((ctx.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS) / 1000),
            POLL_TIMEOUT_SETTING,
          ),
        });
      }
      await sleep(Math.min(wait, remaining), ctx.signal, 'apiframe', jobId);
      polls++;
      let answer;
      try {
        answer = await exchangeJson(ctx, 'apiframe', { method: 'GET', url: pollUrl, headers }, t('checking the job'), jobId);
        lastFailure = undefined;
        failures = 0;
      } catch (e) {
        // The job is paid for and running: a passing outage while checking on it must not end the
        // wait. Transient failures are polled through (with backoff, honouring Retry-After) until
        // the job's deadline; anything else ends it at once.
        if (!(e instanceof FluxError) || !POLL_TRANSIENT.has(e.kind)) throw aboutJob(e, jobId);
        lastFailure = e;
        failures++;
        ctx.logger.warn(`apiframe poll ${jobId}: ${e.kind}${e.status ? ` (HTTP ${e.status})` : ''}; polling on (${failures} in a row)`);
        wait = e.retryAfter !== undefined ? Math.ceil(e.retryAfter * 1000) : backoffMs(ctx.retry ?? DEFAULT_RETRY, failures);
        continue;
      }
      const job = Job.safeParse(answer.json);
      if (!job.success) {
        throw new FluxError({
          kind: 'bad-response',
          provider: 'apiframe',
          jobId,
          message: t("apiframe's answer about job {0} did not have the expected form. Try again later.", jobId),
        });
      }
      const j = job.data;
      if (j.status === 'COMPLETED') {
        ctx.logger.info(`apiframe: job ${jobId} completed after ${polls} poll(s), ${Date.now() - started} ms`);
        if (j.expired) {
          throw new FluxError({
            kind: 'bad-response',
            provider: 'apiframe',
            jobId,
            message: t('apiframe job {0} finished, but its images have expired (apiframe keeps them 24 hours). Generate again.', jobId),
          });
        }
        const urls = urlsOf(j.result);
        if (!urls || urls.length === 0) {
          throw new FluxError({
            kind: 'bad-response',
            provider: 'apiframe',
            jobId,
            message: t('apiframe job {0} finished without any image. Try again.', jobId),
          });
        }
        return { images: urls.map((url) => ({ url })), jobId, ...(j.creditCost != null ? { creditsUsed: j.creditCost } : {}) };
      }
      if (j.status === 'FAILED') {
        // apiframe's own words: the key taken out, one line, bounded (a 5 MB reason must not reach a message or the log whole).
        const why = (j.error == null ? '' : providerText(j.error, ctx.apiKey)) || t('no reason given');
        const moderated = /moderat|nsfw|safety|content polic/i.test(why);
        throw new FluxError({
          kind: moderated ? 'moderation' : 'server',
          provider: 'apiframe',
          jobId,
          providerMessage: why,
          message: moderated
            ? t('apiframe refused the prompt by its content policy ({0}). Rephrase the prompt and try again; the job was refunded.', why)
            : t('apiframe could not generate the image ({0}). The job was refunded; try again.', why),
        });
      }
      if (j.status === 'CANCELLED') {
        throw new FluxError({
          kind: 'server',
          provider: 'apiframe',
          jobId,
          retryable: true,
          message: t('apiframe cancelled job {0} on its side. Try again.', jobId),
        });
      }
      if (typeof j.progress === 'number') {
        samples.push({ t: Date.now(), p: j.progress });
        ctx.onProgress?.({ phase: 'generating', percent: j.progress, jobId });
      }
      cadence = Math.min(POLL.maxMs, cadence * POLL.growth);
      wait = nextPollDelay(cadence, samples);
    }
  },
};
