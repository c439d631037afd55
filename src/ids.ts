/**
 * Every public id in one place: commands, views, the panel's webview type, context keys. package.json
 * names the same ids (test/unit/manifest.test.ts and the integration manifest test check they agree).
 */
import type { ItemAction } from './core/itemActions';

export const COMMANDS = {
  generate: 'fluxStudio.generate',
  generateFromSelection: 'fluxStudio.generateFromSelection',
  setApiKey: 'fluxStudio.setApiKey',
  clearApiKey: 'fluxStudio.clearApiKey',
  chooseDefaults: 'fluxStudio.chooseDefaults',
  showLog: 'fluxStudio.showLog',
  cancelGenerations: 'fluxStudio.cancelGenerations',
  getStarted: 'fluxStudio.getStarted',
  openGenerator: 'fluxStudio.openGenerator',
  showGallery: 'fluxStudio.showGallery',
  rebuildGallery: 'fluxStudio.rebuildGallery',
  galleryViewAsList: 'fluxStudio.galleryViewAsList',
  galleryViewAsGrid: 'fluxStudio.galleryViewAsGrid',
  generatePlaceholders: 'fluxStudio.generatePlaceholders',
  editImage: 'fluxStudio.editImage',
} as const;

/** The language model tools (package.json `languageModelTools`); agents and prompts name them. */
export const TOOLS = {
  generateImage: 'fluxStudio_generateImage',
  listModels: 'fluxStudio_listModels',
} as const;

/** The source of the extension's diagnostics (image placeholders not generated yet, or invalid). */
export const DIAGNOSTIC_SOURCE = 'Flux Image Studio';

/** The gallery item's *Edit…* (its context menu): "Edit Image with FLUX…" on the item's file. */
export const EDIT_ITEM_COMMAND = 'fluxStudio.gallery.edit';

/** The gallery's webview view (the "Flux" container in the activity bar). */
export const GALLERY_VIEW = 'fluxStudio.gallery';
/** The generator panel's webview type (package.json's activation event names it). */
export const GENERATOR_VIEW_TYPE = 'fluxStudio.generator';
/** The status bar item showing the default model and size. */
export const STATUS_ITEM = 'fluxStudio.defaults';

/** Each gallery item action's command: the gallery's context menu runs them with the item's `entryId`. */
export const ITEM_COMMANDS: Readonly<Record<ItemAction, string>> = {
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

/** Context keys (`when` clauses in package.json). */
export const CONTEXT = {
  generating: 'fluxStudio.generating',
  hasApiKey: 'fluxStudio.hasApiKey',
  hasGenerated: 'fluxStudio.hasGenerated',
  galleryOpened: 'fluxStudio.galleryOpened',
  /** The gallery's layout, `grid` or `list`. */
  galleryMode: 'fluxStudio.galleryMode',
} as const;
