/** The gallery's command ids, in one place (registered at activation, run by the lazy bundle). */
import type { ItemAction } from '../../webview/gallery/protocol';

export const VIEW_ID = 'fluxStudio.gallery';

export const GALLERY_COMMANDS = {
  show: 'fluxStudio.showGallery',
  rebuild: 'fluxStudio.rebuildGallery',
} as const;

/** Each item action's command: the gallery's context menu runs them with the item's `entryId`. */
export const ITEM_COMMAND_IDS: Readonly<Record<ItemAction, string>> = {
  insert: 'fluxStudio.gallery.insert',
  copyLink: 'fluxStudio.gallery.copyLink',
  open: 'fluxStudio.gallery.open',
  reveal: 'fluxStudio.gallery.reveal',
  copyPrompt: 'fluxStudio.gallery.copyPrompt',
  reuse: 'fluxStudio.gallery.reuse',
  regenerate: 'fluxStudio.gallery.regenerate',
  vary: 'fluxStudio.gallery.vary',
  delete: 'fluxStudio.gallery.delete',
  remove: 'fluxStudio.gallery.remove',
};
