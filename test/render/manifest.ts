/**
 * What the render suite in the real VS Code host (test/integration/render.test.ts) leaves for the
 * judges (test/render/host.test.ts): one entry per generation, in `render-manifest.json` at the
 * workspace's root. Type imports only: loaded by both sides.
 */
import type { OutputFormat } from '../../src/core/catalog';
import type { DocLanguage, PlacementCase } from './samples';

/** One generation into one document, as test/render/host.test.ts reads it back. */
export interface RenderCase {
  readonly id: string;
  readonly language: DocLanguage;
  readonly placement: PlacementCase;
  readonly model: string;
  readonly format: OutputFormat;
  readonly size: string;
  /** The document, relative to the workspace folder (`/`-separated). */
  readonly document: string;
  /** The document's text before the generation. */
  readonly before: string;
  readonly prompt: string;
  /** The saved images, relative to the workspace folder. */
  files: string[];
  /** The message shown instead, when the generation was refused before sending (LaTeX + WebP). */
  refused?: string;
}

export interface RenderManifest {
  readonly cases: RenderCase[];
  /** Seconds the generations took in the host (all groups). */
  hostSeconds: number;
}

export const MANIFEST = 'render-manifest.json';

/** Formats a language cannot show: refused before anything is sent (src/core/links.ts, linkProblem). */
export const REFUSED: Partial<Record<DocLanguage, readonly OutputFormat[]>> = { latex: ['webp'] };
