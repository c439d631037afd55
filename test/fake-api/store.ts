/**
 * What the fake Flux API remembers: the generated files it serves and apiframe's jobs, whose
 * status is a pure function of the clock (no timers), so a job's completion time is exact.
 */
import { randomUUID } from 'node:crypto';
import type { ModelEntry, ProviderId } from '../../src/core/catalog';
import type { FaultSpec, JobFault } from './faults';
import { extensionOf, type ImageSpec } from './images';

/** Epoch milliseconds with sub-millisecond precision. */
export const now = (): number => performance.timeOrigin + performance.now();

export interface StoredFile {
  /** `<id>.<ext>`, served at `/files/<name>`. */
  readonly name: string;
  readonly image: ImageSpec;
  readonly provider: ProviderId;
  /** Fault markers of the prompt that made it (download-phase markers apply to it). */
  readonly markers: readonly FaultSpec[];
  readonly jobId: string | null;
  readonly createdAt: number;
  /** Arrival time of every download request for it. */
  readonly downloads: number[];
}

export type JobStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface Job {
  readonly id: string;
  readonly model: ModelEntry;
  readonly prompt: string;
  /** The submitted body, canonical JSON (sorted keys), for idempotency checks. */
  readonly canonicalBody: string;
  readonly markers: readonly FaultSpec[];
  readonly createdAt: number;
  readonly durationMs: number;
  readonly progressSteps: readonly (number | null)[];
  readonly outcome: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  readonly error: string | null;
  readonly expired: boolean;
  readonly resultForm: 'url' | 'images' | 'array';
  readonly creditCost: number;
  readonly file: StoredFile;
  readonly idempotencyKey: string | null;
  polls: number;
  /** Submits answered with this job (1 + idempotent replays). */
  submits: number;
  firstCompletedPollAt: number | null;
}

/** What tests and benchmarks see of a job (`FakeApi.jobs`, `GET /__control/jobs`). Times are epoch ms. */
export interface JobInfo {
  readonly id: string;
  readonly model: string;
  readonly prompt: string;
  readonly status: JobStatus;
  readonly progress: number | null;
  readonly createdAt: number;
  readonly durationMs: number;
  /** The exact moment the job became COMPLETED, once it has; null before and for FAILED/CANCELLED. */
  readonly completedAt: number | null;
  /** When it reached its final status (any), once it has. */
  readonly endedAt: number | null;
  readonly polls: number;
  /** The first poll that answered COMPLETED. */
  readonly firstCompletedPollAt: number | null;
  readonly idempotencyKey: string | null;
  readonly submits: number;
  readonly file: string;
  /** Arrival times of the downloads of its image. */
  readonly downloads: readonly number[];
}

export const DEFAULT_JOB_DURATION_MS = 1500;
const DEFAULT_PROGRESS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90];
/** Share of a job's duration spent QUEUED before PROCESSING starts. */
const QUEUED_SHARE = 0.2;

/** JSON with object keys sorted, so equal bodies compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export interface NewJob {
  readonly model: ModelEntry;
  readonly prompt: string;
  readonly body: unknown;
  readonly markers: readonly FaultSpec[];
  readonly image: ImageSpec;
  readonly durationMs: number;
  readonly shaping: JobFault | undefined;
  readonly idempotencyKey: string | null;
}

export class Store {
  private readonly files = new Map<string, StoredFile>();
  private readonly jobMap = new Map<string, Job>();
  private readonly idempotency = new Map<string, Job>();

  addFile(image: ImageSpec, provider: ProviderId, markers: readonly FaultSpec[], jobId: string | null = null): StoredFile {
    const file: StoredFile = {
      name: `${randomUUID()}.${extensionOf(image.format)}`,
      image,
      provider,
      markers,
      jobId,
      createdAt: now(),
      downloads: [],
    };
    this.files.set(file.name, file);
    return file;
  }

  file(name: string): StoredFile | undefined {
    return this.files.get(name);
  }

  addJob(spec: NewJob): Job {
    const id = randomUUID();
    const shaping = spec.shaping;
    const megapixels = (spec.image.width * spec.image.height) / 1_000_000;
    const job: Job = {
      id,
      model: spec.model,
      prompt: spec.prompt,
      canonicalBody: canonicalJson(spec.body),
      markers: spec.markers,
      createdAt: now(),
      durationMs: Math.max(0, shaping?.durationMs ?? spec.durationMs),
      progressSteps: shaping?.progress ?? DEFAULT_PROGRESS,
      outcome: shaping?.outcome ?? 'COMPLETED',
      error: shaping?.outcome === 'FAILED' ? (shaping.error ?? 'Generation failed') : shaping?.outcome === 'CANCELLED' ? (shaping.error ?? null) : null,
      expired: shaping?.expired ?? false,
      resultForm: shaping?.result ?? 'url',
      creditCost: Math.max(1, Math.ceil(megapixels * 4)),
      file: this.addFile(spec.image, 'apiframe', spec.markers, id),
      idempotencyKey: spec.idempotencyKey,
      polls: 0,
      submits: 1,
      firstCompletedPollAt: null,
    };
    this.jobMap.set(id, job);
    if (spec.idempotencyKey !== null) this.idempotency.set(spec.idempotencyKey, job);
    return job;
  }

  job(id: string): Job | undefined {
    return this.jobMap.get(id);
  }

  jobByIdempotencyKey(key: string): Job | undefined {
    return this.idempotency.get(key);
  }

  jobs(): Job[] {
    return [...this.jobMap.values()];
  }

  clear(): void {
    this.files.clear();
    this.jobMap.clear();
    this.idempotency.clear();
  }
}

// ---- A job's state at a moment ---------------------------------------------------------------

export function jobState(job: Job, at: number): { status: JobStatus; progress: number | null; endedAt: number | null } {
  const end = job.createdAt + job.durationMs;
  if (at >= end) return { status: job.outcome, progress: job.outcome === 'COMPLETED' ? 100 : null, endedAt: end };
  const processingFrom = job.createdAt + job.durationMs * QUEUED_SHARE;
  if (at < processingFrom) return { status: 'QUEUED', progress: 0, endedAt: null };
  const share = (at - processingFrom) / (end - processingFrom);
  const steps = job.progressSteps;
  const i = Math.min(steps.length - 1, Math.floor(share * steps.length));
  return { status: 'PROCESSING', progress: steps[i] ?? null, endedAt: null };
}

/** `GET /v2/jobs/:id`'s answer. */
export function jobWire(job: Job, at: number, fileUrl: string): Record<string, unknown> {
  const { status, progress, endedAt } = jobState(job, at);
  const done = status === 'COMPLETED';
  const result = !done ? null : job.resultForm === 'images' ? { images: [fileUrl] } : job.resultForm === 'array' ? [fileUrl] : fileUrl;
  return {
    id: job.id,
    status,
    progress,
    result,
    error: status === 'FAILED' || status === 'CANCELLED' ? job.error : null,
    creditCost: status === 'FAILED' || status === 'CANCELLED' ? 0 : job.creditCost,
    expired: done && job.expired,
    createdAt: new Date(job.createdAt).toISOString(),
    completedAt: endedAt === null ? null : new Date(endedAt).toISOString(),
  };
}

export function jobInfo(job: Job, at: number): JobInfo {
  const { status, progress, endedAt } = jobState(job, at);
  return {
    id: job.id,
    model: job.model.key,
    prompt: job.prompt,
    status,
    progress,
    createdAt: job.createdAt,
    durationMs: job.durationMs,
    completedAt: status === 'COMPLETED' ? endedAt : null,
    endedAt,
    polls: job.polls,
    firstCompletedPollAt: job.firstCompletedPollAt,
    idempotencyKey: job.idempotencyKey,
    submits: job.submits,
    file: job.file.name,
    downloads: [...job.file.downloads],
  };
}
