/**
 * The zod schemas for what reaches the extension from the gallery page (every message) and from
 * its context menu (the item commands' argument, built by VS Code from `data-vscode-context`).
 *
 * zod is not imported here at run time: the schemas are built from the zod the engine bundle carries
 * (`loadCore().z`), once, when the view first resolves, so `dist/extension.js` stays light. Tests
 * pass `zod/mini` directly.
 */
import type * as Zod from 'zod/mini';
import type { z as CoreZod } from '../../core/index';
import type { ItemAction, PageCommand, ToHost } from './protocol';

/** The zod functions used here: `loadCore().z` (the engine bundle's), or `zod/mini` itself in tests. */
type ZodMini = typeof CoreZod;

export const ITEM_ACTIONS = ['insert', 'copyLink', 'open', 'reveal', 'copyPrompt', 'reuse', 'regenerate', 'vary', 'delete', 'remove'] as const satisfies readonly ItemAction[];
export const PAGE_COMMANDS = ['generate', 'setApiKey', 'rebuild', 'getStarted'] as const satisfies readonly PageCommand[];

export function gallerySchemas(z: ZodMini) {
  const id = z.string().check(z.minLength(1), z.maxLength(200));

  // Unknown fields are dropped; a wrong type, a missing field or an unknown `type` is refused.
  const toHost = z.discriminatedUnion('type', [
    z.object({ type: z.literal('ready') }),
    z.object({ type: z.literal('action'), action: z.enum(ITEM_ACTIONS), id }),
    z.object({ type: z.literal('more'), id }),
    z.object({ type: z.literal('cancel'), generationId: z.string().check(z.minLength(1), z.maxLength(64)) }),
    z.object({ type: z.literal('command'), command: z.enum(PAGE_COMMANDS) }),
    z.object({ type: z.literal('imageError'), id }),
  ]);

  /** A context-menu command's argument: VS Code's `{ webview, ... }` merged with the item's data. */
  const itemContext = z.object({ webview: z.optional(z.string()), entryId: id });

  return { toHost, itemContext };
}

export type GallerySchemas = ReturnType<typeof gallerySchemas>;

// Every accepted message is a ToHost and every action one the protocol names (checked when compiled).
type Assignable<A, B> = [A] extends [B] ? true : false;
const checks: [Assignable<Zod.infer<GallerySchemas['toHost']>, ToHost>, Assignable<ItemAction, (typeof ITEM_ACTIONS)[number]>, Assignable<PageCommand, (typeof PAGE_COMMANDS)[number]>] = [true, true, true];
void checks;
