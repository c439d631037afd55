/**
 * The generator panel's message protocol, both directions, as discriminated unions on `type`.
 *
 * Types only: the page (src/ui/generator) imports nothing else from here, and the extension side
 * parses every message the page sends with the zod schemas in ./schema.ts (the page is untrusted);
 * the types of those messages are inferred from the schemas, the extension's own messages are written here.
 *
 * The handshake: the page posts `ready` once its script runs (again after every reload: the panel
 * does not retain its context while hidden); the extension posts nothing before that, and answers
 * `ready` with `init`, the whole picture (form, keys, target, runs).
 */
import type * as z from 'zod/mini';
import type { ProviderId } from '../../core/catalog';
import type { GeneratorSchemas } from './schema';

/** The types of what the page sends are those its zod schemas accept (./schema.ts): one definition. */
type Inferred<K extends keyof GeneratorSchemas> = z.infer<GeneratorSchemas[K]>;

/**
 * How a notice is shown: `info` fades after a while; `warning` (part of an action was not done, e.g.
 * files left out) and `error` (refused) stay until the next notice.
 */
export type NoticeLevel = 'info' | 'warning' | 'error';

export type ParamValue = string | number | boolean;
export type SeedMode = 'random' | 'fixed' | 'last';

/**
 * The form as the user left it. Text fields stay text (what was typed), so a problem can quote it.
 * `size` is a preset name, an aspect ratio (`16:9`), `custom` (then width and height) or '' when the
 * model's size is fixed. `outputFormat` '' is the model's default. `params` holds only the values the
 * user changed from the catalog's defaults, by catalog name.
 */
export type FormState = Inferred<'form'>;

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
export type OpenArgs = Inferred<'openArgs'>;

/** The request a run was made from (the engine's GenerationRequest, as plain data). */
export type RunRequest = RunView['request'];

/** One saved image of a run: its file (a URI string and a webview URI, never a provider URL), size, seed, model id. */
export type ImageView = RunView['images'][number];

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';
export type RunAction = 'setKey' | 'retry' | 'showLog' | 'dismiss';
export type ImageAction = 'insert' | 'copyLink' | 'open' | 'reveal' | 'vary' | 'regenerate';

/** One generation in the results area (`phase`: the phase in words; `sizeText`: e.g. `1024×768 (landscape_4_3)`). */
export type RunView = Inferred<'run'>;

/** Where Insert puts links: the editor the panel was opened from. */
export interface TargetView {
  readonly name: string;
  readonly line: number;
}

export type KeyState = Readonly<Record<ProviderId, boolean>>;

// ---- Page → extension ---------------------------------------------------------------------

/** `form` (every change) is answered with `validation` carrying the same `seq`; `chooseReferences` opens the extension's dialog. */
export type ToHost = Inferred<'toHost'>;

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
  | { readonly type: 'notice'; readonly level: NoticeLevel; readonly message: string; readonly image?: ImageRef }
  /**
   * The reference images chosen or dropped (the form's `references` after them) and their thumbnails;
   * `size`: the size fields, when the first reference set them to its shape.
   */
  | {
      readonly type: 'references';
      readonly references: readonly string[];
      readonly views: readonly ReferenceView[];
      readonly size?: Pick<FormState, 'size' | 'width' | 'height'>;
    };

/** One image of one run. */
export interface ImageRef {
  readonly runId: string;
  readonly index: number;
}

// ---- The page's saved state (getState/setState) -------------------------------------------

/** What the page keeps across reloads: UI state only. The extension reads it back after a window reload. */
export type UiState = Inferred<'uiState'>;
