/**
 * The main bundle (`dist/main.js`): everything activation does not need (the engine, the
 * generation pipeline, the gallery, the panels), required on first use by src/host/lazy.ts. The
 * shell calls `start` once with itself and then the entry points below.
 */
import { rebuildCommand, itemCommand } from './host/gallery/commands';
import { provideDropEdits } from './host/gallery/drop';
import { editCommand, editGalleryItem } from './host/edit';
import { generateCommand } from './host/generate';
import type { Main } from './host/lazy';
import { chooseDefaults } from './host/pickers';
import { Services } from './host/services';
import { generateTool, listModelsTool, prepareGenerate } from './host/agent/tools';
import { generatePlaceholdersCommand, PlaceholderDiagnostics } from './host/placeholders/generate';
import type { Shell } from './host/shell';
import { GalleryView } from './webview/gallery/view';
import { openGenerator, restoreGenerator } from './webview/generator/open';

let started: Main | undefined;

/** The main bundle's parts for this window, made on the first call. */
export function start(shell: Shell): Main {
  if (started) return started;
  const s = new Services(shell);
  let view: GalleryView | undefined;
  const diagnostics = new PlaceholderDiagnostics();
  started = {
    generate: (mode, args) => generateCommand(s, mode, args),
    chooseDefaults: () => chooseDefaults(s),
    editImage: (args, selected) => editCommand(s, args, selected),
    editGalleryItem: (entryId) => editGalleryItem(s, entryId),
    cancelAll: () => s.generations.cancelAll(),
    running: () => s.generations.list().length,
    openGenerator: (args) => openGenerator(s, args),
    restoreGenerator: (panel, state) => restoreGenerator(s, panel, state),
    resolveGalleryView: (webviewView) => (view ??= new GalleryView(s)).resolveWebviewView(webviewView),
    rebuildGallery: () => rebuildCommand(s),
    galleryModeChanged: () => view?.modeChanged(),
    galleryItem: (action, arg) => itemCommand(s, action, arg),
    dropEdits: (document, uriList, token) => provideDropEdits(s, document, uriList, token),
    agent: {
      prepareGenerate: (input) => prepareGenerate(input),
      generate: (input, token) => generateTool(s, input, token),
      listModels: () => listModelsTool(s),
    },
    generatePlaceholders: (args) => generatePlaceholdersCommand(s, diagnostics, args),
    placeholders: diagnostics,
    gallery: s.gallery,
    dispose: () => {
      view?.dispose();
      diagnostics.dispose();
      s.dispose();
      started = undefined;
    },
  };
  return started;
}
