/**
 * The engine (HTTP, zod, image handling) is a bundle of its own, loaded on first use so that
 * activation stays light: `dist/flux-core.js`, built from `src/core/index.ts`.
 */
import * as vscode from 'vscode';
import type * as Core from '../core/index';
import type { FluxErrorKind } from '../core/errors';
import { setTranslator } from '../core/l10n';

export type CoreModule = typeof Core;
let loaded: CoreModule | undefined;

/**
 * The engine's sentences in VS Code's display language: its translator hook gets vscode.l10n.t
 * (the hook is shared by every bundle, so this covers the core code bundled into this one too).
 */
export function translateCore(): void {
  setTranslator((message, args) => vscode.l10n.t(message, ...args));
}

export function loadCore(): CoreModule {
  if (!loaded) {
    // Kept external by esbuild: resolved next to dist/extension.js at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('./flux-core.js') as CoreModule;
    loaded.setTranslator((message, args) => vscode.l10n.t(message, ...args));
  }
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
