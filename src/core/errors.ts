import type { ProviderId } from './catalog';
import { t } from './l10n';

/** What went wrong, in the terms a user can act on. */
export type FluxErrorKind = 'auth' | 'credits' | 'validation' | 'rate-limit' | 'moderation' | 'timeout' | 'network' | 'server' | 'cancelled' | 'bad-response';

export interface FluxErrorInit {
  kind: FluxErrorKind;
  /** One plain sentence for the user (never contains the key). */
  message: string;
  provider?: ProviderId;
  /** The provider's own message, when it gave one. */
  providerMessage?: string;
  requestId?: string;
  status?: number;
  /** Whether trying again later could help. */
  retryable?: boolean;
  /** Seconds the provider asked us to wait (429 Retry-After). */
  retryAfter?: number;
  /** apiframe: the job id, when a job was started. */
  jobId?: string;
  /** The setting that decides this (a time-out's limit, the base URL whose host was not found). */
  setting?: string;
  cause?: unknown;
}

const RETRYABLE_BY_DEFAULT: Readonly<Record<FluxErrorKind, boolean>> = {
  auth: false,
  credits: false,
  validation: false,
  'rate-limit': true,
  moderation: false,
  timeout: true,
  network: true,
  server: true,
  cancelled: false,
  'bad-response': false,
};

/** The one error type the engine throws. */
export class FluxError extends Error {
  readonly kind: FluxErrorKind;
  readonly provider?: ProviderId;
  readonly providerMessage?: string;
  readonly requestId?: string;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfter?: number;
  readonly jobId?: string;
  readonly setting?: string;

  constructor(init: FluxErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'FluxError';
    this.kind = init.kind;
    this.provider = init.provider;
    this.providerMessage = init.providerMessage;
    this.requestId = init.requestId;
    this.status = init.status;
    this.retryable = init.retryable ?? RETRYABLE_BY_DEFAULT[init.kind];
    this.retryAfter = init.retryAfter;
    this.jobId = init.jobId;
    this.setting = init.setting;
  }
}

export function isFluxError(e: unknown): e is FluxError {
  return e instanceof FluxError;
}

export function cancelled(provider?: ProviderId, jobId?: string): FluxError {
  return new FluxError({
    kind: 'cancelled',
    provider,
    jobId,
    message:
      provider === 'apiframe' && jobId
        ? t('Generation cancelled. The apiframe job {0} may still finish (and be charged) at the provider.', jobId)
        : t('Generation cancelled.'),
  });
}

/** Throw the `cancelled` error when the signal has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, provider?: ProviderId, jobId?: string): void {
  if (signal?.aborted) throw cancelled(provider, jobId);
}
