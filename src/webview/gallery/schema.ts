/**
 * The zod schemas for what reaches the extension from the gallery page (every message) and from
 * its context menu (the item commands' argument, built by VS Code from `data-vscode-context`).
 * In the main bundle (with the engine's zod), never in the activation shell.
 */
import * as z from 'zod/mini';
import { ITEM_ACTIONS } from '../../core/itemActions';

/** The buttons of the empty state and the toolbar. */
export const PAGE_COMMANDS = ['generate', 'setApiKey', 'rebuild', 'getStarted'] as const;

function build() {
  const id = z.string().check(z.minLength(1), z.maxLength(200));

  // Unknown fields are dropped; a wrong type, a missing field or an unknown `type` is refused.
  const toHost = z.discriminatedUnion('type', [
    z.object({ type: z.literal('ready') }),
    z.object({ type: z.literal('action'), action: z.enum(ITEM_ACTIONS), id }),
    z.object({ type: z.literal('more'), id }),
    z.object({ type: z.literal('cancel'), generationId: z.string().check(z.minLength(1), z.maxLength(64)) }),
    z.object({ type: z.literal('command'), command: z.enum(PAGE_COMMANDS) }),
    z.object({ type: z.literal('imageError'), id }),
    z.object({ type: z.literal('revealSource'), id }),
  ]);

  /** A context-menu command's argument: VS Code's `{ webview, ... }` merged with the item's data. */
  const itemContext = z.object({ webview: z.optional(z.string()), entryId: id });

  return { toHost, itemContext };
}

export const gallerySchemas = build();
export type GallerySchemas = typeof gallerySchemas;
