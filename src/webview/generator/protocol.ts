/**
 * The generator panel's message protocol, both directions, as discriminated unions on `type`.
 *
 * Types only: the page (src/ui/generator) imports nothing else from here, and the extension side
 * parses every message the page sends with the zod schemas in ./schema.ts (the page is untrusted).
 *
 * The handshake: the page posts `ready` once its script runs (again after every reload: the panel
 * does not retain its context while hidden); the extension posts nothing before that, and answers
 * `ready` with `init`, the whole picture (form, keys, target, runs).
 */
import type { ProviderId } from '../../core/catalog';

export type ParamValue = string | number | boolean;
export type SeedMode = 'random' | 'fixed' | 'last';

/**
 * The form as the user left it. Text fields stay text (what was typed), so a problem can quote it.
 * `size` is a preset name, an aspect ratio (`16:9`), `custom` (then width and height) or '' when the
 * model's size is fixed. `outputFormat` '' is the model's default. `params` holds only the values the
 * user changed from the catalog's defaults, by catalog name.
 */
export interface FormState {
  prompt: string;
  model: string;
  size: string;
  width: string;
  height: string;
  numImages: number;
  seedMode: SeedMode;
  seed: string;
  outputFormat: string;
  params: Record<string, ParamValue>;
  /** An edit model's reference images: workspace file URIs, in order. */
  references?: string[];
}

/** A chosen reference image as the panel shows it. */
export interface ReferenceView {
  /** The file's URI (as in `FormState.references`). */
  readonly uri: string;
  readonly name: string;
  /** Workspace-relative path. */
  readonly path: string;
  /** The webview URI of the file. */
  readonly src: string;
}

/** One problem, at a field: `prompt`, `model`, `size`, `width`, `height`, `seed`, `numImages`, `outputFormat`, `params.<name>` (else shown above Generate). */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** What the gallery's "Reuse settings" (or a script) passes to `fluxStudio.openGenerator`. */
export interface OpenArgs {
  prompt?: string;
  model?: string;
  size?: string;
  seed?: number;
  params?: Record<string, ParamValue>;
  outputFormat?: string;
  numImages?: number;
}

/** The request a run was made from (the engine's GenerationRequest, as plain data). */
export interface RunRequest {
  model: string;
  prompt: string;
  size?: string;
  numImages?: number;
  seed?: number;
  outputFormat?: string;
  params?: Record<string, ParamValue>;
}

export interface ImageView {
  readonly index: number;
  /** The saved file (a URI string). */
  readonly uri: string;
  /** The file name, for labels. */
  readonly name: string;
  /** The webview URI of the saved file (never a provider URL). */
  readonly src: string;
  readonly width: number;
  readonly height: number;
  readonly seed?: number;
  /** The provider's model id (for links). */
  readonly model: string;
}

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';
export type RunAction = 'setKey' | 'retry' | 'showLog' | 'dismiss';
export type ImageAction = 'insert' | 'copyLink' | 'open' | 'reveal' | 'vary' | 'regenerate';

/** One generation in the results area. */
export interface RunView {
  readonly id: string;
  readonly status: RunStatus;
  readonly request: RunRequest;
  readonly modelLabel: string;
  /** e.g. `1024×768 (landscape_4_3)`. */
  readonly sizeText: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  /** The phase in words ("Generating with FLUX.1 [pro] (40%)…"). */
  readonly phase: string;
  readonly percent?: number;
  readonly error?: { readonly message: string; readonly actions: readonly RunAction[] };
  readonly images: readonly ImageView[];
}

/** Where Insert puts links: the editor the panel was opened from. */
export interface TargetView {
  readonly name: string;
  readonly line: number;
}

export type KeyState = Readonly<Record<ProviderId, boolean>>;

// ---- Page → extension ---------------------------------------------------------------------

export type ToHost =
  | { readonly type: 'ready' }
  /** Every change of the form; answered with `validation` carrying the same `seq`. */
  | { readonly type: 'form'; readonly seq: number; readonly form: FormState }
  | { readonly type: 'generate'; readonly form: FormState }
  | { readonly type: 'copyCurl'; readonly form: FormState }
  | { readonly type: 'cancel'; readonly runId: string }
  | { readonly type: 'image'; readonly action: ImageAction; readonly runId: string; readonly index: number }
  | { readonly type: 'run'; readonly action: RunAction; readonly runId: string }
  | { readonly type: 'setKey'; readonly provider: ProviderId }
  | { readonly type: 'clearRuns' }
  /** "Choose Files…" of the reference area: the extension's open dialog adds to `form.references`. */
  | { readonly type: 'chooseReferences' };

// ---- Extension → page ---------------------------------------------------------------------

export type ToUi =
  | {
      readonly type: 'init';
      readonly form: FormState;
      readonly keys: KeyState;
      readonly target: TargetView | null;
      readonly runs: readonly RunView[];
      readonly lastSeed: number | null;
      /** Sentences about how the form was filled (e.g. a size the model does not offer). */
      readonly notes: readonly string[];
    }
  /** The command filled the form (arguments, or a new selection as the prompt). */
  | { readonly type: 'setForm'; readonly form: FormState; readonly notes: readonly string[] }
  /** Problems with the form, in the engine's sentences; `submitted` when Generate or Copy as cURL asked. */
  | { readonly type: 'validation'; readonly seq: number; readonly problems: readonly FieldProblem[]; readonly submitted: boolean }
  | { readonly type: 'keys'; readonly keys: KeyState }
  | { readonly type: 'target'; readonly target: TargetView | null }
  /** A run was added or changed (upsert by id). */
  | { readonly type: 'run'; readonly run: RunView }
  | { readonly type: 'runs'; readonly runs: readonly RunView[] }
  | { readonly type: 'lastSeed'; readonly seed: number }
  | { readonly type: 'curl'; readonly text: string; readonly note: string }
  /** A sentence for the user; with `image`, said next to that image (e.g. "Inserted…" beside the Insert clicked). */
  | { readonly type: 'notice'; readonly level: 'info' | 'error'; readonly message: string; readonly image?: ImageRef }
  /** The reference images chosen (the form's `references` after the dialog) and their thumbnails. */
  | { readonly type: 'references'; readonly references: readonly string[]; readonly views: readonly ReferenceView[] };

/** One image of one run. */
export interface ImageRef {
  readonly runId: string;
  readonly index: number;
}

// ---- The page's saved state (getState/setState) -------------------------------------------

/** What the page keeps across reloads: UI state only. The extension reads it back after a window reload. */
export interface UiState {
  readonly v: 1;
  readonly form: FormState;
  readonly advancedOpen: boolean;
  readonly curl: { readonly text: string; readonly note: string } | null;
  /** Finished runs, so the results come back after a window reload. */
  readonly runs: readonly RunView[];
  readonly lastSeed: number | null;
}
