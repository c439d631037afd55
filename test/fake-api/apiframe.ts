/**
 * apiframe's contract: `POST /v2/images/generate` starts a job (202), `GET /v2/jobs/:id` polls it.
 * Idempotency-Key: same key + same body returns the original job; a different body is a 409.
 */
import { randomInt } from 'node:crypto';
import type { FaultSpec, JobFault, StatusFault } from './faults';
import { jsonReply, type Reply } from './http';
import { renderImage } from './images';
import { canonicalJson, jobState, jobWire, now, type Job, type Store, type StoredFile } from './store';
import { validateApiframe } from './validate';

export const APIFRAME_SUBMIT_PATH = '/v2/images/generate';
export const APIFRAME_JOB_PATH = /^\/v2\/jobs\/([^/]+)$/;
export const IDEMPOTENCY_KEY_MAX = 255;

const MESSAGES: Readonly<Record<number, string>> = {
  400: 'Validation failed',
  401: 'Invalid or missing API key',
  402: 'Insufficient credits',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Idempotency-Key was already used with a different request body',
  429: 'Rate limit exceeded',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service temporarily unavailable',
  504: 'Gateway timeout',
};

export function apiframeError(status: number, message?: string, extra?: Record<string, unknown>, headers?: Record<string, string>): Reply {
  return jsonReply(status, { error: message ?? MESSAGES[status] ?? `Request failed with status ${status}`, ...extra }, headers);
}

/** The reply for a `status` fault on an apiframe request; `apiKey` is the X-API-Key the request carried (for `echoKey`). */
export function apiframeFaultReply(fault: StatusFault, apiKey?: string): Reply {
  const extra = fault.status === 402 ? { creditsRequired: fault.creditsRequired ?? 4, creditsAvailable: fault.creditsAvailable ?? 0 } : undefined;
  const headers = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : undefined;
  const echoed = fault.echoKey ? `Invalid API key provided: ${apiKey ?? ''}` : undefined;
  return apiframeError(fault.status, fault.message ?? echoed, extra, headers);
}

export interface SubmitInput {
  readonly store: Store;
  readonly body: unknown;
  readonly badJson: boolean;
  readonly idempotencyKey: string | null;
  readonly markers: readonly FaultSpec[];
  readonly jobDuration: (prompt: string) => number;
  /** The shaping faults for the job; called (and consumed) only when a job is created. */
  readonly shaping: () => JobFault | undefined;
}

export function apiframeSubmit(input: SubmitInput): Reply {
  const key = input.idempotencyKey;
  if (key !== null && key.length > IDEMPOTENCY_KEY_MAX) {
    return apiframeError(400, 'Validation failed', { details: { 'headers.idempotency-key': [`must NOT have more than ${IDEMPOTENCY_KEY_MAX} characters`] } });
  }
  if (input.badJson) return apiframeError(400, 'Invalid JSON body');
  const checked = validateApiframe(input.body);
  if (!checked.ok) {
    const details: Record<string, string[]> = {};
    for (const issue of checked.issues) (details[issue.path] ??= []).push(issue.message);
    return apiframeError(400, 'Validation failed', { details });
  }
  if (key !== null) {
    const original = input.store.jobByIdempotencyKey(key);
    if (original) {
      if (original.canonicalBody !== canonicalJson(input.body)) return apiframeError(409);
      original.submits++;
      return jsonReply(202, { jobId: original.id, status: jobState(original, now()).status });
    }
  }
  const req = checked.value;
  const shaping = input.shaping();
  const job = input.store.addJob({
    model: req.model,
    prompt: req.prompt,
    body: input.body,
    markers: input.markers,
    image: {
      prompt: req.prompt,
      seed: req.seed ?? randomInt(req.model.seed.min, Math.min(req.model.seed.max, 2 ** 31 - 1)),
      model: req.model.key,
      width: req.width,
      height: req.height,
      format: req.format,
    },
    durationMs: input.jobDuration(req.prompt),
    shaping,
    idempotencyKey: key,
  });
  // Start encoding now so the download is not slowed by it.
  renderImage(job.file.image).catch(() => undefined);
  return jsonReply(202, { jobId: shaping?.jobId ?? job.id, status: 'QUEUED' });
}

/** The job's state now (the caller counts the poll). */
export function apiframePoll(job: Job, at: number, fileUrl: (file: StoredFile) => string): Reply {
  const wire = jobWire(job, at, fileUrl(job.file));
  if (wire.status === 'COMPLETED' && job.firstCompletedPollAt === null) job.firstCompletedPollAt = at;
  return jsonReply(200, wire);
}
