/**
 * The engine (HTTP, zod, image handling) is a bundle of its own, loaded on first use so that
 * activation stays light: `dist/flux-core.js`, built from `src/core/index.ts`.
 */
import type * as Core from '../core/index';
import type { FluxErrorKind } from '../core/errors';

export type CoreModule = typeof Core;
let loaded: CoreModule | undefined;

export function loadCore(): CoreModule {
  // Kept external by esbuild: resolved next to dist/extension.js at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./flux-core.js') as CoreModule;
  return loaded;
}

/** The fields of a FluxError (checked by shape: the class lives in the other bundle). */
export interface FluxErrorLike {
  name: 'FluxError';
  kind: FluxErrorKind;
  message: string;
  provider?: 'aimlapi' | 'apiframe';
  requestId?: string;
  status?: number;
  retryable: boolean;
  jobId?: string;
}

export function asFluxError(e: unknown): FluxErrorLike | undefined {
  return e instanceof Error && e.name === 'FluxError' && typeof (e as { kind?: unknown }).kind === 'string' ? (e as unknown as FluxErrorLike) : undefined;
}
