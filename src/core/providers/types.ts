import type { ProviderId } from '../catalog';
import type { HttpClient, RetryPolicy } from '../http';
import type { Logger } from '../log';
import type { ReferenceShow } from '../reference';
import type { ValidRequest } from '../request';

/** An image the provider returned: a (temporary) URL or inline base64 bytes. */
export type ImageSource = { readonly url: string } | { readonly b64: string };

export interface ProviderResult {
  readonly images: readonly ImageSource[];
  readonly seed?: number;
  readonly creditsUsed?: number;
  readonly requestId?: string;
  readonly jobId?: string;
  /** fal-style `has_nsfw_concepts`, one per image, when present. */
  readonly nsfw?: readonly boolean[];
}

/** Where a generation is; the host turns it into words for the progress notification. */
export type Progress =
  | { readonly phase: 'submitting' }
  | { readonly phase: 'generating'; readonly percent?: number; readonly jobId?: string }
  | { readonly phase: 'downloading'; readonly done: number; readonly total: number }
  | { readonly phase: 'done' };

export interface ProviderContext {
  readonly http: HttpClient;
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  readonly retry?: RetryPolicy;
  /** apiframe: give up waiting for a job after this long (default 5 minutes). */
  readonly pollTimeoutMs?: number;
  /** Largest JSON answer read (bytes). */
  readonly maxJsonBytes?: number;
}

export interface ProviderClient {
  readonly id: ProviderId;
  /**
   * The HTTP request that would be sent first (for "Copy as cURL"); the key is not included.
   * `showReference` writes each reference image in place of its base64 (default: a short stand-in
   * naming its size, so the clipboard never gets megabytes).
   */
  describe(req: ValidRequest, baseUrl: string, showReference?: ReferenceShow): { method: 'POST'; url: string; headers: Record<string, string>; body: unknown };
  run(req: ValidRequest, ctx: ProviderContext): Promise<ProviderResult>;
}
