/**
 * The gallery bundle (`dist/flux-gallery.js`), required on first use by ./load.ts: the index store,
 * the view, the item actions, the rebuild command and the drop edits.
 */
export { GalleryIndexStore, TrashUnavailableError } from './indexStore';
export { GalleryView, itemCommand, rebuildCommand } from '../../webview/gallery/view';
export { provideDropEdits } from './drop';
