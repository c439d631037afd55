/**
 * The gallery's own bundle (`dist/flux-gallery.js`, built from ./index.ts): the index store, the
 * view, the actions; loaded on first use so that activation stays light.
 */
import type * as Gallery from './index';

export type GalleryModule = typeof Gallery;
let loaded: GalleryModule | undefined;

export function loadGallery(): GalleryModule {
  // Kept external by esbuild: resolved next to dist/extension.js at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./flux-gallery.js') as GalleryModule;
  return loaded;
}
