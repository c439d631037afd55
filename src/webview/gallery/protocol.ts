/**
 * The gallery view's message protocol, both directions, as discriminated unions on `type`.
 *
 * Types only: the page (src/ui/gallery) imports nothing else from here, and the extension side
 * parses every message the page sends with the zod schema in ./schema.ts (the page is untrusted).
 *
 * The handshake: the page posts `ready` once its script runs (again after every reload: the view
 * does not retain its context while hidden); the extension posts nothing before that, and answers
 * with `init`, then the entries in `page`s of at most PAGE_SIZE (newest first), then `missing` and
 * `running`. Later changes come as `upsert` / `remove` (or a fresh `init` when much changed).
 */

/** What can be done to one gallery item (also the context menu's commands, `fluxStudio.gallery.<action>`). */
export type { ItemAction } from '../../core/itemActions';
import type * as z from 'zod/mini';
import type { GallerySchemas, PAGE_COMMANDS } from './schema';

/** The buttons of the empty state and the toolbar. */
export type PageCommand = (typeof PAGE_COMMANDS)[number];

/** How the page lays the images out: tiles, or compact rows. */
export type GalleryMode = 'grid' | 'list';

/** One image as the page shows it. */
export interface ViewEntry {
  readonly id: string;
  /** The image file's URI (dragged into editors as `text/uri-list`). */
  readonly uri: string;
  /** The same file as the webview may load it (`asWebviewUri`). */
  readonly src: string;
  /** The file name, for labels. */
  readonly name: string;
  readonly prompt: string;
  readonly modelKey: string;
  /** The model's display name (`FLUX1.1 [pro]`). */
  readonly modelLabel: string;
  readonly width: number;
  readonly height: number;
  /** The size as asked, when one was (`16:9`, `landscape_4_3`). */
  readonly size?: string;
  readonly seed?: number;
  /** When it was made, ms since the epoch. */
  readonly createdAt: number;
  readonly creditsUsed?: number;
  /** An edit's sources: their workspace paths (the card says "edited from …"). */
  readonly editedFrom?: readonly string[];
}

/** A generation under way in this window. */
export interface RunningView {
  readonly id: string;
  readonly prompt: string;
  readonly modelLabel: string;
  readonly phase: string;
  readonly percent?: number;
  readonly startedAt: number;
}

/** The extension → the page. */
export type ToPage =
  /** Start over: `total` entries follow in pages (none when 0). */
  | { readonly type: 'init'; readonly total: number; readonly hasFolder: boolean; readonly persistent: boolean; readonly mode: GalleryMode }
  /** Show the images as a grid or a list (the view's title bar switches; remembered per workspace). */
  | { readonly type: 'mode'; readonly mode: GalleryMode }
  /** The next entries of an `init`, in order. */
  | { readonly type: 'page'; readonly entries: readonly ViewEntry[] }
  /** New or changed entries (the page places them by `createdAt`). */
  | { readonly type: 'upsert'; readonly entries: readonly ViewEntry[] }
  | { readonly type: 'remove'; readonly ids: readonly string[] }
  /** Every entry whose file is missing now (the whole set). */
  | { readonly type: 'missing'; readonly ids: readonly string[] }
  /** Every generation under way (the whole list). */
  | { readonly type: 'running'; readonly generations: readonly RunningView[] }
  /** Move the keyboard focus to an entry (after a regenerate, say) or the search box. */
  | { readonly type: 'focus'; readonly target: 'search' | { readonly id: string } };

/**
 * The page → the extension: what its zod schema accepts (./schema.ts), one definition. `more` is
 * "More actions…" on an item; `imageError`: an image did not load (the extension checks its file);
 * `revealSource`: "edited from …" clicked (reveal the edit's first source in the Explorer).
 */
export type ToHost = z.infer<GallerySchemas['toHost']>;

/** What the page keeps across reloads (`getState`/`setState`): UI state only, never entries. */
export interface UiState {
  readonly search: string;
  readonly model: string;
  readonly scrollTop: number;
}

/** Entries per `page` message. */
export const PAGE_SIZE = 200;
